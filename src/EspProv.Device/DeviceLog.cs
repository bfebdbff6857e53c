using System.Net;
using EspProv.Device.Ble.Peripheral;
using EspProv.Provisioning;
using Microsoft.Extensions.Logging;

namespace EspProv.Device;

/// <summary>
/// The simulated device's log messages (event ids 1000–1099), each logged under the category of the class that writes
/// it (<c>EspProv.Device.SimulatedDevice</c>, <c>EspProv.Device.Core.DeviceService</c>, …). None takes a passphrase,
/// PoP, key or decrypted payload as an argument: an SSID is the only device-supplied text, made printable first.
/// </summary>
internal static partial class DeviceLog
{
    [LoggerMessage(1000, LogLevel.Information, "device ({Flavor}, security {Security}) started on {Url}")]
    public static partial void Started(this ILogger logger, DeviceFlavor flavor, int security, Uri url);

    [LoggerMessage(1001, LogLevel.Debug, "{Request}")]
    public static partial void Request(this ILogger logger, DeviceRequest request);

    [LoggerMessage(1002, LogLevel.Debug, "connection {ConnectionId} closed ({Reason})")]
    public static partial void ConnectionClosed(this ILogger logger, long connectionId, string reason);

    [LoggerMessage(1010, LogLevel.Debug, "session {SessionId} created")]
    public static partial void SessionCreated(this ILogger logger, long sessionId);

    [LoggerMessage(1011, LogLevel.Debug, "session {SessionId} closed")]
    public static partial void SessionClosed(this ILogger logger, long sessionId);

    [LoggerMessage(1020, LogLevel.Information, "Wi-Fi: connecting to '{Ssid}'")]
    public static partial void WifiConnecting(this ILogger logger, string ssid);

    [LoggerMessage(1021, LogLevel.Information, "Wi-Fi: connected, IP {IPAddress}")]
    public static partial void WifiConnected(this ILogger logger, IPAddress ipAddress);

    [LoggerMessage(1022, LogLevel.Warning, "Wi-Fi: connection failed ({Reason})")]
    public static partial void WifiFailed(this ILogger logger, WifiFailureReason? reason);

    [LoggerMessage(1030, LogLevel.Information, "Wi-Fi: credentials received")]
    public static partial void CredentialsReceived(this ILogger logger);

    [LoggerMessage(1031, LogLevel.Information, "rearmed: ready for the next provisioning")]
    public static partial void Rearmed(this ILogger logger);

    [LoggerMessage(1032, LogLevel.Information, "prov-ctrl: reset after failure, waiting for new credentials")]
    public static partial void ResetAfterFailure(this ILogger logger);

    [LoggerMessage(1033, LogLevel.Information, "prov-ctrl: reprovisioning")]
    public static partial void Reprovisioning(this ILogger logger);

    [LoggerMessage(1034, LogLevel.Debug, "custom-config: {InfoBytes} B info, version {Version}")]
    public static partial void CustomConfig(this ILogger logger, int infoBytes, int version);

    [LoggerMessage(1035, LogLevel.Debug, "custom-data: {Length} B")]
    public static partial void CustomData(this ILogger logger, int length);

    [LoggerMessage(1036, LogLevel.Information, "provisioning will stop in {DelaySeconds} s ({Why})")]
    public static partial void StopScheduled(this ILogger logger, double delaySeconds, string why);

    [LoggerMessage(1037, LogLevel.Information, "provisioning stopped")]
    public static partial void Stopped(this ILogger logger);

    [LoggerMessage(1050, LogLevel.Information, "ble advertising as {Name} on {Adapter} ({Stack}, service {ServiceUuid})")]
    public static partial void BleAdvertising(this ILogger logger, string name, string adapter, BleStack stack, string serviceUuid);

    [LoggerMessage(1051, LogLevel.Warning, "ble advertisement released by BlueZ")]
    public static partial void BleAdvertisementReleased(this ILogger logger);

    [LoggerMessage(1052, LogLevel.Warning, "ble disconnect of {Central} failed: {Reason}")]
    public static partial void BleDisconnectFailed(this ILogger logger, string central, string reason);

    [LoggerMessage(1053, LogLevel.Information, "ble {Name} stopped")]
    public static partial void BleStopped(this ILogger logger, string name);

    [LoggerMessage(1054, LogLevel.Warning, "ble stop: {Reason}")]
    public static partial void BleStopFailed(this ILogger logger, string reason);

    [LoggerMessage(1055, LogLevel.Warning, "ble {Endpoint}: response of {Length} B exceeds Bluedroid's {Limit} B, previous value kept")]
    public static partial void BleResponseTooLong(this ILogger logger, string endpoint, int length, int limit);
}
