using EspProv.Exceptions;
using EspProv.Protocol;
using EspProv.Security;
using Microsoft.Extensions.Logging;

namespace EspProv.Provisioning;

/// <summary>
/// The log messages of <see cref="ProvisioningClient"/> and its step helpers (category
/// <c>EspProv.Provisioning.ProvisioningClient</c>, event ids 100–199). No message takes a secret as an argument:
/// structured logging keeps every argument, so redacting the text alone would not be enough.
/// </summary>
internal static partial class ProvisioningClientLog
{
    [LoggerMessage(100, LogLevel.Information, "proto-ver -> {Version}")]
    public static partial void VersionReceived(this ILogger logger, string version);

    [LoggerMessage(101, LogLevel.Warning, "proto-ver: {Reason}; retrying in {DelayMs} ms")]
    public static partial void VersionRetry(this ILogger logger, string reason, long delayMs);

    // The handshake messages carry public values only (public keys, salts, proofs, randoms), never the PoP or password.
    [LoggerMessage(102, LogLevel.Trace, "prov-session {Stage}: sending {Length} B {Hex}")]
    public static partial void HandshakeSending(this ILogger logger, HandshakeStage stage, int length, string hex);

    [LoggerMessage(103, LogLevel.Trace, "prov-session {Stage}: received {Length} B {Hex}")]
    public static partial void HandshakeReceived(this ILogger logger, HandshakeStage stage, int length, string hex);

    /// <summary>A handshake message as hex, formatted only when <see cref="LogLevel.Trace"/> is on.</summary>
    public static void Handshake(this ILogger logger, bool sent, HandshakeStage stage, byte[] message)
    {
        if (!logger.IsEnabled(LogLevel.Trace))
        {
            return;
        }

        if (sent)
        {
            logger.HandshakeSending(stage, message.Length, Convert.ToHexStringLower(message));
        }
        else
        {
            logger.HandshakeReceived(stage, message.Length, Convert.ToHexStringLower(message));
        }
    }

    [LoggerMessage(104, LogLevel.Information, "session established (security {Security})")]
    public static partial void SessionEstablished(this ILogger logger, int security);

    [LoggerMessage(105, LogLevel.Information, "the link was re-opened and the device keys sessions by link: new handshake before {Step}")]
    public static partial void NewHandshakeOnNewLink(this ILogger logger, ProvisioningStep step);

    [LoggerMessage(110, LogLevel.Debug, "custom-config: info '{Info}', version {Version}")]
    public static partial void CustomConfigSending(this ILogger logger, string info, int version);

    [LoggerMessage(111, LogLevel.Information, "custom-config -> {Status}")]
    public static partial void CustomConfigResult(this ILogger logger, CustomConfigStatus status);

    [LoggerMessage(112, LogLevel.Debug, "{Endpoint}: sent {SentBytes} B, received {ReceivedBytes} B")]
    public static partial void DataExchanged(this ILogger logger, string endpoint, int sentBytes, int receivedBytes);

    // The passphrase is not an argument: only the fact that one is sent.
    [LoggerMessage(120, LogLevel.Debug, "prov-config SetConfig: ssid '{Ssid}', passphrase (redacted){Lock}")]
    public static partial void SetConfigSending(this ILogger logger, string ssid, string @lock);

    /// <summary>What SetConfig sends, without the passphrase: the SSID, and the BSSID lock and channel when set.</summary>
    public static void SetConfigSending(this ILogger logger, WifiCredentials credentials)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.SetConfigSending(credentials.Ssid, (credentials.Bssid is { } locked ? $", bssid {locked}" : string.Empty)
                + (credentials.Channel == 0 ? string.Empty : $", channel {credentials.Channel}"));
        }
    }

    [LoggerMessage(121, LogLevel.Information, "prov-config SetConfig -> Success")]
    public static partial void SetConfigAccepted(this ILogger logger);

    [LoggerMessage(122, LogLevel.Information, "prov-config ApplyConfig -> Success")]
    public static partial void ApplyAccepted(this ILogger logger);

    [LoggerMessage(123, LogLevel.Debug, "prov-config GetStatus -> {Status}")]
    public static partial void StatusReceived(this ILogger logger, string status);

    public static void StatusReceived(this ILogger logger, WifiStatus status)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.StatusReceived(WifiConfigMessages.Describe(status));
        }
    }

    [LoggerMessage(124, LogLevel.Warning, "status poll failed ({Reason}); reconnecting with a new session")]
    public static partial void StatusPollFailed(this ILogger logger, string reason);

    [LoggerMessage(125, LogLevel.Warning, "reconnect failed: {Reason}")]
    public static partial void ReconnectFailed(this ILogger logger, string reason);

    [LoggerMessage(130, LogLevel.Information, "prov-ctrl {Command} -> Success")]
    public static partial void ControlAccepted(this ILogger logger, WiFiCtrlMsgType command);

    [LoggerMessage(140, LogLevel.Debug, "prov-scan ScanStart -> Success")]
    public static partial void ScanStarted(this ILogger logger);

    [LoggerMessage(141, LogLevel.Information, "prov-scan ScanStatus -> finished, {ResultCount} results")]
    public static partial void ScanFinished(this ILogger logger, long resultCount);

    [LoggerMessage(142, LogLevel.Debug, "prov-scan ScanResult({Index}, {Count}) -> {Entries} entries")]
    public static partial void ScanPage(this ILogger logger, long index, long count, int entries);
}
