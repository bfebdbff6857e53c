using System.Text;

namespace EspProv.Thread;

/// <summary>
/// The fields to build a complete active dataset from (<see cref="ThreadDataset.CreateActive"/>); each one left null
/// is chosen. Give a <see cref="Pskc"/> or a <see cref="Passphrase"/> to derive it from, not both. Holds secrets (the
/// network key, the PSKc, the passphrase), so it has no <c>ToString</c> of its fields.
/// </summary>
public sealed class ThreadDatasetParts
{
    /// <summary>Channel 11–26. Null = random.</summary>
    public int? Channel { get; init; }

    /// <summary>PAN ID, 0–0xfffe (0xffff is the broadcast PAN). Null = random.</summary>
    public ushort? PanId { get; init; }

    /// <summary>Extended PAN ID, 8 bytes. Null = random.</summary>
    public ReadOnlyMemory<byte>? ExtendedPanId { get; init; }

    /// <summary>Network name, 1–16 bytes of UTF-8. Null = <c>EspProv-</c> and the PAN ID in hex (OpenThread writes <c>OpenThread-</c>).</summary>
    public string? NetworkName { get; init; }

    /// <summary>Network key, 16 bytes. Null = random. A secret.</summary>
    public ReadOnlyMemory<byte>? NetworkKey { get; init; }

    /// <summary>Mesh-local prefix, 8 bytes starting fd. Null = fd + 40 random bits + subnet 0.</summary>
    public ReadOnlyMemory<byte>? MeshLocalPrefix { get; init; }

    /// <summary>PSKc, 16 bytes. Null = derived from <see cref="Passphrase"/>, or random without one. A secret.</summary>
    public ReadOnlyMemory<byte>? Pskc { get; init; }

    /// <summary>Commissioning passphrase (6–255 bytes of UTF-8) to derive the PSKc from. A secret.</summary>
    public string? Passphrase { get; init; }

    /// <summary>Active timestamp. Null = 1 second, as <c>dataset init new</c>.</summary>
    public ThreadTimestamp? ActiveTimestamp { get; init; }

    /// <summary>Security policy. Null = <see cref="ThreadSecurityPolicy.Default"/>.</summary>
    public ThreadSecurityPolicy? SecurityPolicy { get; init; }

    /// <summary>Page-0 channel mask, bit n for channel n. Null = channels 11–26 (<c>0x07fff800</c>).</summary>
    public uint? ChannelMask { get; init; }

    internal static void CheckPassphrase(string passphrase)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        var length = Encoding.UTF8.GetByteCount(passphrase);
        if (length is < 6 or > 255)
        {
            throw new ArgumentException($"a commissioning passphrase has 6-255 bytes; got {length}", nameof(passphrase));
        }
    }
}

/// <summary>Fills in what <see cref="ThreadDatasetParts"/> leaves open and writes the TLVs in <c>dataset active -x</c> order.</summary>
internal static class ThreadDatasetBuilder
{
    public const uint AllChannels = 0x07fff800;

    public static ThreadDataset Build(ThreadDatasetParts parts, Security.IRandomSource random)
    {
        if (parts.Pskc is not null && parts.Passphrase is not null)
        {
            throw new ArgumentException("give a PSKc or a passphrase to derive it from, not both", nameof(parts));
        }

        if (parts.PanId == 0xffff)
        {
            throw new ArgumentException("PAN ID 0xffff is the broadcast PAN", nameof(parts));
        }

        if (parts.MeshLocalPrefix is { } prefix && (prefix.Length != 8 || prefix.Span[0] != 0xfd))
        {
            throw new ArgumentException("the mesh-local prefix is 8 bytes of an fd00::/8 address", nameof(parts));
        }

        var panId = parts.PanId ?? RandomPanId(random);
        var extendedPanId = parts.ExtendedPanId ?? Random(random, 8);
        var name = parts.NetworkName ?? $"EspProv-{panId:x4}";
        var dataset = new ThreadDataset
        {
            ActiveTimestamp = parts.ActiveTimestamp ?? new ThreadTimestamp(1),
            Channel = parts.Channel ?? 11 + RandomBelow(random, 16),
            ChannelMask = parts.ChannelMask ?? AllChannels,
            ExtendedPanId = extendedPanId,
            MeshLocalPrefix = parts.MeshLocalPrefix ?? MeshLocalPrefix(random),
            NetworkKey = parts.NetworkKey ?? Random(random, 16),
            NetworkName = name,
            PanId = panId,
        };

        if (parts.Passphrase is { } passphrase)
        {
            ThreadDatasetParts.CheckPassphrase(passphrase);
            var pskc = ThreadPskc.Derive(passphrase, name, extendedPanId.Span);
            dataset.Pskc = pskc;
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(pskc);
        }
        else
        {
            dataset.Pskc = parts.Pskc ?? Random(random, 16);
        }

        dataset.SecurityPolicy = parts.SecurityPolicy ?? ThreadSecurityPolicy.Default;
        return dataset;
    }

    private static byte[] Random(Security.IRandomSource random, int length)
    {
        var bytes = new byte[length];
        random.Fill(bytes);
        return bytes;
    }

    private static ushort RandomPanId(Security.IRandomSource random)
    {
        Span<byte> two = stackalloc byte[2];
        ushort value;
        do
        {
            random.Fill(two);
            value = (ushort)((two[0] << 8) | two[1]);
        }
        while (value == 0xffff);
        return value;
    }

    private static int RandomBelow(Security.IRandomSource random, int bound)
    {
        Span<byte> one = stackalloc byte[1];
        random.Fill(one);
        return one[0] % bound; // 256 is a multiple of 16: no bias
    }

    private static byte[] MeshLocalPrefix(Security.IRandomSource random)
    {
        var prefix = new byte[8];
        prefix[0] = 0xfd;
        random.Fill(prefix.AsSpan(1, 5));
        return prefix;
    }
}
