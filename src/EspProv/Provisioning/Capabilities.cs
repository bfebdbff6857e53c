namespace EspProv.Provisioning;

/// <summary>Capability names a device lists in <c>proto-ver</c>'s <c>prov.cap</c> (docs/protocol.md#capability-names),
/// written once.</summary>
public static class Capabilities
{
    /// <summary>The device offers <c>prov-scan</c> (Wi-Fi scan).</summary>
    public const string WifiScan = "wifi_scan";

    /// <summary>Security 1 without a proof of possession.</summary>
    public const string NoPop = "no_pop";

    /// <summary>Security 0 (no encryption).</summary>
    public const string NoSec = "no_sec";
}
