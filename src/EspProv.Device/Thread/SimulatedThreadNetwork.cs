using System.Security.Cryptography;
using EspProv.Thread;

namespace EspProv.Device.Thread;

/// <summary>
/// A Thread network the simulated device can see and attach to. A dataset applied to the device attaches when its
/// network key and extended PAN ID are this network's; the scan reports it with <see cref="Rssi"/> and <see cref="Lqi"/>
/// (docs/thread-simulator.md).
/// </summary>
public sealed record SimulatedThreadNetwork
{
    private readonly byte[] _dataset;
    private readonly ReadOnlyMemory<byte>? _extendedAddress;

    /// <summary>A network from its active dataset, which needs at least a channel, PAN ID, extended PAN ID, network name and network key.</summary>
    /// <exception cref="ArgumentException">The dataset lacks one of those.</exception>
    public SimulatedThreadNetwork(ThreadDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var missing = new[] { ThreadDatasetField.Channel, ThreadDatasetField.PanId, ThreadDatasetField.ExtendedPanId, ThreadDatasetField.NetworkName, ThreadDatasetField.NetworkKey }
            .Where(f => !dataset.Contains(f)).ToArray();
        if (missing.Length > 0)
        {
            throw new ArgumentException($"a simulated Thread network needs {string.Join(", ", missing)} in its dataset", nameof(dataset));
        }

        _dataset = dataset.ToBytes();
    }

    /// <summary>
    /// The built-in network: <c>EspProv-Sim</c> on channel 15, PAN ID 0x5eed, extended PAN ID 5eed5eed00c0ffee, network
    /// key 00112233445566778899aabbccddeeff, PSKc of the passphrase <c>esp-prov-sim</c>: a complete active dataset, the
    /// same on every run, so a client can be given it once.
    /// </summary>
    public static SimulatedThreadNetwork Default { get; } = new(ThreadDataset.CreateActive(new ThreadDatasetParts
    {
        Channel = 15,
        PanId = 0x5eed,
        ExtendedPanId = Convert.FromHexString("5eed5eed00c0ffee"),
        NetworkName = "EspProv-Sim",
        NetworkKey = Convert.FromHexString("00112233445566778899aabbccddeeff"),
        MeshLocalPrefix = Convert.FromHexString("fd5eed00c0ffee00"),
        Passphrase = "esp-prov-sim",
    }))
    {
        Rssi = -45,
        Lqi = 220,
    };

    /// <summary>The network's active dataset (a copy; it holds the network key).</summary>
    public ThreadDataset Dataset => ThreadDataset.FromBytes(_dataset);

    /// <summary>Signal strength of its beacons in dBm (scan results are sorted by it, strongest first). Default -60.</summary>
    public int Rssi { get; init; } = -60;

    /// <summary>Link quality indicator, 0–255. Default 180.</summary>
    public int Lqi { get; init; } = 180;

    /// <summary>The extended address of the router that answers the scan (8 bytes). Default: 5 bytes of SHA-256 of the extended PAN ID after 02 a0 c0.</summary>
    public ReadOnlyMemory<byte> ExtendedAddress
    {
        get => _extendedAddress ?? DerivedAddress();
        init => _extendedAddress = value.Length == 8 ? value.ToArray() : throw new ArgumentException($"an extended address is 8 bytes; got {value.Length}", nameof(ExtendedAddress));
    }

    /// <summary>Network name.</summary>
    public string NetworkName => Dataset.NetworkName!;

    /// <summary>Channel.</summary>
    public int Channel => Dataset.Channel!.Value;

    /// <summary>PAN ID.</summary>
    public ushort PanId => Dataset.PanId!.Value;

    /// <summary>Extended PAN ID.</summary>
    public ReadOnlyMemory<byte> ExtendedPanId => Dataset.ExtendedPanId!.Value;

    /// <summary>Parses a dataset in hex (<c>--thread-dataset</c>).</summary>
    /// <exception cref="FormatException">Not a dataset, or one that lacks what a network needs.</exception>
    public static SimulatedThreadNetwork Parse(string hex)
    {
        var dataset = ThreadDataset.Parse(hex);
        try
        {
            return new SimulatedThreadNetwork(dataset);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    /// <summary>True when <paramref name="dataset"/> has this network's network key and extended PAN ID.</summary>
    public bool Accepts(ThreadDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var own = Dataset;
        return dataset.NetworkKey is { } key && dataset.ExtendedPanId is { } xpan
            && CryptographicOperations.FixedTimeEquals(key.Span, own.NetworkKey!.Value.Span)
            && xpan.Span.SequenceEqual(own.ExtendedPanId!.Value.Span);
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <see cref="Rssi"/> or <see cref="Lqi"/> is out of range.</summary>
    public void Validate()
    {
        if (Rssi is < -127 or > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Rssi), Rssi, $"Thread network '{NetworkName}': RSSI must be -127 to 0 dBm");
        }

        if (Lqi is < 0 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(Lqi), Lqi, $"Thread network '{NetworkName}': LQI must be 0 to 255");
        }
    }

    /// <summary>The network without its secrets.</summary>
    public override string ToString() => $"SimulatedThreadNetwork {{ '{NetworkName}', channel {Channel}, PAN ID 0x{PanId:x4}, extended PAN ID {Convert.ToHexStringLower(ExtendedPanId.Span)} }}";

    /// <inheritdoc />
    public bool Equals(SimulatedThreadNetwork? other) =>
        other is not null && _dataset.AsSpan().SequenceEqual(other._dataset) && Rssi == other.Rssi && Lqi == other.Lqi && ExtendedAddress.Span.SequenceEqual(other.ExtendedAddress.Span);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_dataset.Length, Rssi, Lqi);

    private byte[] DerivedAddress()
    {
        var hash = SHA256.HashData(ExtendedPanId.Span);
        return [0x02, 0xa0, 0xc0, hash[0], hash[1], hash[2], hash[3], hash[4]];
    }
}
