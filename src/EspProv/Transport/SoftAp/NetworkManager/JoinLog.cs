using Microsoft.Extensions.Logging;

namespace EspProv.Transport.SoftAp.NetworkManager;

/// <summary>The log messages of <see cref="NetworkManagerJoiner"/> (event ids 300-329): each NetworkManager step, never a passphrase.</summary>
internal static partial class JoinLog
{
    [LoggerMessage(300, LogLevel.Debug, "NetworkManager: connecting to the system bus")]
    public static partial void Connecting(this ILogger logger);

    [LoggerMessage(301, LogLevel.Debug, "NetworkManager: a previous run left {Interface} on '{Ssid}'; restoring it")]
    public static partial void RestoringNote(this ILogger logger, string @interface, string ssid);

    [LoggerMessage(302, LogLevel.Debug, "NetworkManager: {Interface} is on {Previous}")]
    public static partial void Previous(this ILogger logger, string @interface, string previous);

    [LoggerMessage(303, LogLevel.Debug, "NetworkManager: AddAndActivateConnection2 '{Ssid}' on {Interface} ({Security}, persist=volatile, bound to this process)")]
    public static partial void Activating(this ILogger logger, string ssid, string @interface, string security);

    [LoggerMessage(304, LogLevel.Debug, "NetworkManager: joined '{Ssid}' on {Interface}, IPv4 {Address}")]
    public static partial void Joined(this ILogger logger, string ssid, string @interface, System.Net.IPAddress address);

    [LoggerMessage(305, LogLevel.Warning, "{Warning}")]
    public static partial void NotRestored(this ILogger logger, string warning);

    [LoggerMessage(306, LogLevel.Debug, "NetworkManager: '{Ssid}' not listed on {Interface}; RequestScan")]
    public static partial void Scanning(this ILogger logger, string ssid, string @interface);

    [LoggerMessage(307, LogLevel.Debug, "NetworkManager: RequestScan refused ({Error})")]
    public static partial void ScanRefused(this ILogger logger, string error);

    [LoggerMessage(308, LogLevel.Debug, "NetworkManager: found '{Ssid}' ({Security}, signal {Strength} %)")]
    public static partial void Found(this ILogger logger, string ssid, string security, byte strength);

    [LoggerMessage(309, LogLevel.Debug, "NetworkManager: using Wi-Fi device {Interface}")]
    public static partial void UsingDevice(this ILogger logger, string @interface);

    [LoggerMessage(310, LogLevel.Debug, "NetworkManager: ActivateConnection '{Previous}' on {Interface} (restoring)")]
    public static partial void Reactivating(this ILogger logger, string? previous, string @interface);

    [LoggerMessage(311, LogLevel.Debug, "NetworkManager: the previous profile '{Previous}' no longer exists; disconnecting {Interface}")]
    public static partial void PreviousGone(this ILogger logger, string? previous, string @interface);

    [LoggerMessage(312, LogLevel.Debug, "NetworkManager: Disconnect {Interface} (it was disconnected before the join)")]
    public static partial void Disconnecting(this ILogger logger, string @interface);

    [LoggerMessage(313, LogLevel.Debug, "NetworkManager: {Result}")]
    public static partial void Restored(this ILogger logger, string result);

    [LoggerMessage(314, LogLevel.Debug, "NetworkManager: Delete the temporary profile for '{Ssid}'")]
    public static partial void Deleting(this ILogger logger, string ssid);

    [LoggerMessage(315, LogLevel.Debug, "NetworkManager: {Interface} {State} ({Reason})")]
    public static partial void DeviceState(this ILogger logger, string @interface, string state, string reason);
}
