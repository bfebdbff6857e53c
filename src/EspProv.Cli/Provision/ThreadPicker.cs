using System.Globalization;
using EspProv.Provisioning;
using EspProv.Thread;
using Spectre.Console;

namespace EspProv.Cli.Provision;

/// <summary>
/// A Thread device's scan: lists the networks it hears (a table, or <c>--json</c> scan events) and, on a terminal, lets
/// the user pick one and type its network key, then builds a <b>complete, valid</b> active dataset for it
/// (docs/netprov.md#the-cli): the network's channel, PAN ID, extended PAN ID and name, the key typed, and the rest
/// chosen as OpenThread's <c>dataset init new</c> does, with active timestamp 0 so the network's own dataset replaces
/// it as the device attaches.
/// </summary>
internal sealed class ThreadPicker(CliOutput output, ITerminal terminal)
{
    /// <summary>The exit code when <see cref="ScanAndPickAsync"/> ended the run (listed only, nothing found, nothing picked).</summary>
    public int ExitCode { get; private set; }

    public async Task<ThreadDataset?> ScanAndPickAsync(ProvisioningClient client, bool pick, CancellationToken ct)
    {
        while (true)
        {
            output.Out("==== Scanning Thread Networks ====");
            IReadOnlyList<ThreadNetwork> networks = [.. (await client.ScanThreadAsync(cancellationToken: ct).ConfigureAwait(false)).OrderByDescending(n => n.Rssi)];
            if (networks.Count == 0)
            {
                output.Out("---- No Thread Networks found! ----");
                ExitCode = output.Fail(ExitCodes.ScanFailed, "the device's scan found no Thread network");
                return null;
            }

            if (output.Json is { } json)
            {
                foreach (var network in networks)
                {
                    json.Write(new Output.ThreadScanEvent(network));
                }
            }
            else
            {
                Write(output.Writer, networks, ansi: terminal.IsInteractive);
            }

            if (!pick)
            {
                ExitCode = ExitCodes.Success;
                return null;
            }

            while (true)
            {
                var answer = terminal.ReadLine("Select Network by number (0 to rescan) : ");
                if (answer is null)
                {
                    ExitCode = output.Fail(ExitCodes.Usage, "no network selected");
                    return null;
                }

                if (int.TryParse(answer.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 0 && n <= networks.Count)
                {
                    if (n == 0)
                    {
                        break;
                    }

                    return Build(networks[n - 1]);
                }

                output.Out($"Enter a number from 0 to {networks.Count.ToString(CultureInfo.InvariantCulture)}");
            }
        }
    }

    /// <summary>The table: strongest first, as the Wi-Fi scan's.</summary>
    public static void Write(TextWriter writer, IReadOnlyList<ThreadNetwork> sorted, bool ansi) =>
        ScanTable.Write(writer, ansi, ["NAME", "PAN ID", "EXT PAN ID", "EXT ADDR", "CHN", "RSSI", "SIGNAL", "LQI"], sorted.Select(n => new[]
        {
            Markup.Escape(CliOutput.Shown(n.NetworkName)),
            $"0x{n.PanId:x4}",
            Convert.ToHexStringLower(n.ExtendedPanId.Span),
            Convert.ToHexStringLower(n.ExtendedAddress.Span),
            n.Channel.ToString(CultureInfo.InvariantCulture),
            n.Rssi.ToString(CultureInfo.InvariantCulture),
            ScanTable.SignalBar(n.Rssi),
            n.Lqi.ToString(CultureInfo.InvariantCulture),
        }));

    private ThreadDataset? Build(ThreadNetwork network)
    {
        var name = CliOutput.Shown(network.NetworkName);
        if (network.Channel is < 11 or > 26 || network.PanId == 0xffff || network.ExtendedPanId.Length != 8)
        {
            ExitCode = output.Fail(ExitCodes.Usage, $"the device reported '{name}' with channel {network.Channel}, PAN ID 0x{network.PanId:x4} and a {network.ExtendedPanId.Length}-byte extended PAN ID: too garbled to build a dataset from; give --dataset_tlvs");
            return null;
        }

        var key = terminal.ReadSecret($"Enter the network key of '{name}' (32 hex digits) : ").Trim();
        byte[] keyBytes;
        try
        {
            keyBytes = key.Length == 32 ? Convert.FromHexString(key) : throw new FormatException();
        }
        catch (FormatException)
        {
            ExitCode = output.Fail(ExitCodes.Usage, $"a Thread network key is 32 hex digits (16 bytes); {key.Length} characters were typed");
            return null;
        }

        try
        {
            return ThreadDataset.CreateActive(new ThreadDatasetParts
            {
                Channel = network.Channel,
                PanId = network.PanId,
                ExtendedPanId = network.ExtendedPanId,
                NetworkName = network.NetworkName.Length > 0 ? network.NetworkName : null,
                NetworkKey = keyBytes,
                ActiveTimestamp = new ThreadTimestamp(0),
            });
        }
        catch (ArgumentException ex)
        {
            ExitCode = output.Fail(ExitCodes.Usage, $"cannot build a dataset for '{name}': {ex.Message.Split(" (Parameter", 2)[0]}");
            return null;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(keyBytes);
        }
    }
}
