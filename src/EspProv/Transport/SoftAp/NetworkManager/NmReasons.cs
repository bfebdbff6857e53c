namespace EspProv.Transport.SoftAp.NetworkManager;

/// <summary>NetworkManager's device states and state-change reasons (NMDeviceState, NMDeviceStateReason) that a join tells apart.</summary>
internal static class NmReasons
{
    public const uint StateDisconnected = 30;
    public const uint StatePrepare = 40;
    public const uint StateIpConfig = 70;
    public const uint StateActivated = 100;
    public const uint StateFailed = 120;

    /// <summary>NMActiveConnectionState: activated, deactivated.</summary>
    public const uint ActiveActivated = 2;
    public const uint ActiveDeactivated = 4;

    /// <summary>The failure a device state-change reason means for a join of a network that is (or is not) secured.</summary>
    public static SoftApJoinFailure Classify(uint reason, bool secured) => reason switch
    {
        // no-secrets, supplicant-disconnect, supplicant-config-failed, supplicant-failed, supplicant-timeout: a WPA2
        // AP that refuses the key ends in one of these (NetworkManager asks an agent for a new key: none, no-secrets).
        7 or 8 or 9 or 10 or 11 when secured => SoftApJoinFailure.PassphraseRefused,
        // ip-config-unavailable, ip-config-expired, dhcp-start-failed, dhcp-error, dhcp-failed.
        5 or 6 or 15 or 16 or 17 => SoftApJoinFailure.DhcpFailed,
        53 => SoftApJoinFailure.NetworkNotFound,
        _ => SoftApJoinFailure.JoinFailed,
    };

    /// <summary>NetworkManager's name of a device state, for <c>-v</c>.</summary>
    public static string StateName(uint state) => state switch
    {
        10 => "unmanaged",
        20 => "unavailable",
        30 => "disconnected",
        40 => "prepare",
        50 => "config",
        60 => "need-auth",
        70 => "ip-config",
        80 => "ip-check",
        90 => "secondaries",
        100 => "activated",
        110 => "deactivating",
        120 => "failed",
        _ => $"state {state}",
    };

    /// <summary>NetworkManager's own name of a reason, for messages.</summary>
    public static string Name(uint reason) => reason switch
    {
        0 => "no reason",
        1 => "unknown",
        4 => "config-failed",
        5 => "ip-config-unavailable",
        6 => "ip-config-expired",
        7 => "no-secrets",
        8 => "supplicant-disconnect",
        9 => "supplicant-config-failed",
        10 => "supplicant-failed",
        11 => "supplicant-timeout",
        15 => "dhcp-start-failed",
        16 => "dhcp-error",
        17 => "dhcp-failed",
        36 => "connection-removed",
        38 => "user-requested",
        39 => "carrier",
        53 => "ssid-not-found",
        60 => "new-activation",
        _ => $"reason {reason}",
    };
}
