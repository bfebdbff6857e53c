namespace EspProv.Transport.Discovery;

/// <summary>
/// Finds the provisioning devices in range whose name starts with a prefix, as an async stream: each device is yielded
/// once, when it is first seen, until <see cref="DiscoveryRequest.Timeout"/> or the caller stops enumerating (break,
/// cancellation). Implementations: <c>NetworkManagerDiscovery</c> (soft-AP devices: a Wi-Fi scan) and
/// <c>BleDeviceDiscovery</c> (BLE devices: a BLE scan). docs/fleet.md, "Discovering devices".
/// </summary>
/// <example>
/// <code>
/// IDeviceDiscovery discovery = new BleDeviceDiscovery();
/// await foreach (DiscoveredDevice device in discovery.DiscoverAsync(new DiscoveryRequest("PROV_"), ct))
/// {
///     Console.WriteLine(device); // PROV_1A2B3C (24:0A:C4:1A:2B:3C, -52 dBm)
/// }
/// </code>
/// </example>
public interface IDeviceDiscovery
{
    /// <summary>Yields each matching device once. Ends after the request's timeout; the token ends it early.</summary>
    /// <exception cref="EspProv.Exceptions.TransportException">Discovery is not possible here (no NetworkManager or BlueZ, no Wi-Fi or Bluetooth adapter).</exception>
    IAsyncEnumerable<DiscoveredDevice> DiscoverAsync(DiscoveryRequest request, CancellationToken cancellationToken = default);
}

/// <summary>What to look for and for how long.</summary>
/// <param name="NamePrefix">The start of the device names to report (ordinal, case-sensitive), e.g. <c>PROV_</c>; empty = every provisioning device.</param>
public sealed record DiscoveryRequest(string NamePrefix)
{
    /// <summary>How long to look. Default 30 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(NamePrefix);
        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), "must be positive");
        }
    }
}

/// <summary>A provisioning device seen by a discovery.</summary>
/// <param name="Name">Its name: the soft AP's SSID or the advertised BLE name (e.g. <c>PROV_1A2B3C</c>).</param>
/// <param name="Address">Its soft AP's BSSID or its Bluetooth address, <c>XX:XX:XX:XX:XX:XX</c> (upper case).</param>
/// <param name="Rssi">
/// Signal strength in dBm, null when unknown. For a soft AP it is estimated from NetworkManager's signal quality
/// (a percentage NetworkManager maps linearly from -100 to -40 dBm).
/// </param>
/// <param name="Via">The local interface that saw it (<c>wlan0</c>, <c>hci0</c>).</param>
public sealed record DiscoveredDevice(string Name, string Address, short? Rssi, string Via)
{
    /// <summary>For a soft AP: true when it is protected (WPA2), false when open; null for BLE.</summary>
    public bool? Secured { get; init; }

    /// <summary>"PROV_1A2B3C (24:0A:C4:1A:2B:3C, -52 dBm)".</summary>
    public override string ToString() => $"{Name} ({Address}{(Rssi is { } r ? $", {r} dBm" : string.Empty)})";
}
