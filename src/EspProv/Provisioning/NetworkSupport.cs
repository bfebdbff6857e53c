namespace EspProv.Provisioning;

/// <summary>Which provisioning component a device runs.</summary>
public enum DeviceGeneration
{
    /// <summary><c>wifi_provisioning</c> (ESP8266 SDK, ESP-IDF up to 5.x): Wi-Fi only.</summary>
    WifiProvisioning,

    /// <summary><c>network_provisioning</c> (idf-extra-components, the ESP-IDF 6 generation): Wi-Fi or Thread.</summary>
    NetworkProvisioning,
}

/// <summary>The kind of network a device is built to join.</summary>
public enum NetworkKind
{
    /// <summary>A Wi-Fi access point: SSID and passphrase.</summary>
    Wifi,

    /// <summary>A Thread network: an operational dataset.</summary>
    Thread,
}

/// <summary>
/// What a device's <c>proto-ver</c> answer says about the network it provisions (docs/netprov.md#capabilities): its
/// generation (<c>"ver":"netprov-…"</c> or a <c>wifi_prov</c>/<c>thread_prov</c> capability mean network_provisioning),
/// the kind of network (<c>thread_prov</c> means Thread; every other device is Wi-Fi) and whether it can scan for it.
/// </summary>
/// <param name="Generation">The provisioning component.</param>
/// <param name="Network">The network kind the device takes.</param>
/// <param name="CanScan">The device lists the scan capability of its kind (<c>wifi_scan</c> or <c>thread_scan</c>).</param>
public sealed record NetworkSupport(DeviceGeneration Generation, NetworkKind Network, bool CanScan)
{
    /// <summary>The version prefix network_provisioning answers with, e.g. <c>netprov-v1.2</c>.</summary>
    public const string NetprovVersionPrefix = "netprov-";

    /// <summary>Reads a <c>proto-ver</c> answer.</summary>
    public static NetworkSupport From(DeviceVersionInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var thread = info.HasCapability(Capabilities.ThreadProv);
        var netprov = thread || info.HasCapability(Capabilities.WifiProv)
            || (info.IsJson && info.Version is { } v && v.StartsWith(NetprovVersionPrefix, StringComparison.OrdinalIgnoreCase));
        return new NetworkSupport(
            netprov ? DeviceGeneration.NetworkProvisioning : DeviceGeneration.WifiProvisioning,
            thread ? NetworkKind.Thread : NetworkKind.Wifi,
            info.HasCapability(thread ? Capabilities.ThreadScan : Capabilities.WifiScan));
    }
}
