using System.Text;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Thread;

namespace EspProv.Fuzz.Targets;

/// <summary>
/// The client's Thread parsing (network_provisioning): dataset hex and TLVs, and the Thread config, scan and control
/// replies. Same contract as <see cref="ClientTargets"/>: success, a <see cref="ProvisioningException"/>, or for a
/// dataset a <see cref="ThreadDatasetFormatException"/> naming an offset inside the input; anything else is a finding.
/// </summary>
public static class ThreadTargets
{
    /// <summary>Input byte 0 from which the Thread targets are chosen.</summary>
    public const byte FirstSelector = 0xf0;

    /// <summary>The targets, by input byte 0 minus <see cref="FirstSelector"/>, modulo their count.</summary>
    public static readonly string[] Names = ["dataset-bytes", "dataset-hex", "thread-set", "thread-apply", "thread-status", "thread-scan", "thread-ctrl"];

    /// <summary>Runs one input. Throws only on a finding.</summary>
    public static void Run(byte selector, List<byte[]> answers, ReadOnlySpan<byte> rest, Func<List<byte[]>, ProvisioningClient> client)
    {
        var name = Names[(selector - FirstSelector) % Names.Length];
        switch (name)
        {
            case "dataset-bytes":
                var bytes = rest.ToArray();
                Dataset(bytes, () => ThreadDataset.FromBytes(bytes), bytes.Length);
                return;
            case "dataset-hex":
                var text = Encoding.Latin1.GetString(rest);
                Dataset(null, () => ThreadDataset.Parse(text), (text.Length / 2) + 1);
                return;
        }

        try
        {
            var c = client(answers);
            c.EstablishSessionAsync(Security0.Instance).GetAwaiter().GetResult();
            switch (name)
            {
                case "thread-set":
                    c.SetThreadDatasetAsync(ThreadDataset.CreateActive(random: new FixedRandom())).GetAwaiter().GetResult();
                    break;
                case "thread-apply":
                    c.ApplyThreadConfigAsync().GetAwaiter().GetResult();
                    break;
                case "thread-status":
                    for (var i = 0; i < answers.Count; i++)
                    {
                        var status = c.GetThreadStatusAsync().GetAwaiter().GetResult();
                        if ((status.State == ThreadNetworkState.Attached) != (status.Network is not null))
                        {
                            throw new InvalidOperationException("finding: an Attached status without its network (or a network without Attached)");
                        }
                    }

                    break;
                case "thread-scan":
                    foreach (var network in c.ScanThreadAsync().GetAwaiter().GetResult())
                    {
                        if (network.Channel is < 11 or > 26 || network.Lqi is < 0 or > 255)
                        {
                            throw new InvalidOperationException("finding: an implausible Thread scan result was accepted");
                        }
                    }

                    break;
                default:
                    c.ResetThreadAsync().GetAwaiter().GetResult();
                    break;
            }
        }
        catch (ProvisioningException ex)
        {
            _ = ex.Message.Length;
        }
    }

    private static void Dataset(byte[]? bytes, Func<ThreadDataset> parse, int limit)
    {
        ThreadDataset dataset;
        try
        {
            dataset = parse();
        }
        catch (ThreadDatasetFormatException ex)
        {
            if (ex.Offset < 0 || ex.Offset > Math.Max(limit, ThreadTlvsMax))
            {
                throw new InvalidOperationException($"finding: a dataset error at offset {ex.Offset}, outside the input");
            }

            return;
        }

        var again = ThreadDataset.FromBytes(dataset.ToBytes());
        if ((bytes is not null && !bytes.AsSpan().SequenceEqual(dataset.ToBytes())) || again.ToHex() != dataset.ToHex())
        {
            throw new InvalidOperationException("finding: a parsed dataset does not format back to its bytes");
        }

        _ = dataset.ToString().Length + dataset.MissingActiveFields.Count;
    }

    private const int ThreadTlvsMax = 254;

    private sealed class FixedRandom : IRandomSource
    {
        public void Fill(Span<byte> destination) => destination.Fill(0x5a);
    }
}
