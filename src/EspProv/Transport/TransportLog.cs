using EspProv.Transport.Ble;
using Microsoft.Extensions.Logging;

namespace EspProv.Transport;

/// <summary>
/// The log messages of the transports: <c>EspProv.Transport.Http.HttpTransport</c> (event ids 200–249) and
/// <c>EspProv.Transport.Ble.BleTransport</c> (250–299). Sizes, statuses and link events only, never bodies.
/// </summary>
internal static partial class TransportLog
{
    [LoggerMessage(200, LogLevel.Debug, "connected to {Address}")]
    public static partial void HttpConnected(this ILogger logger, string address);

    [LoggerMessage(201, LogLevel.Trace, "POST /{Endpoint} {RequestBytes} B -> {Status} {ResponseBytes} B")]
    public static partial void HttpExchange(this ILogger logger, string endpoint, int requestBytes, int status, int responseBytes);

    [LoggerMessage(250, LogLevel.Debug, "scanning on {Adapter} for {Wanted} (at most {ScanSeconds} s)")]
    public static partial void BleScanning(this ILogger logger, string adapter, string wanted, double scanSeconds);

    [LoggerMessage(251, LogLevel.Debug, "found {Device} after {ElapsedMs} ms")]
    public static partial void BleFound(this ILogger logger, BleDevice device, long elapsedMs);

    [LoggerMessage(252, LogLevel.Debug, "connected to {Device} in {ElapsedMs} ms; service {Service}, endpoints [{Endpoints}]")]
    public static partial void BleConnected(this ILogger logger, BleDevice device, long elapsedMs, string service, string endpoints);

    [LoggerMessage(253, LogLevel.Warning, "link to {Device} lost at /{Endpoint} ({Error})")]
    public static partial void BleLinkLost(this ILogger logger, BleDevice? device, string endpoint, string? error);

    [LoggerMessage(254, LogLevel.Information, "the link to {Device} is down: reconnecting (a new link needs a new security session)")]
    public static partial void BleReconnecting(this ILogger logger, BleDevice? device);

    [LoggerMessage(255, LogLevel.Debug, "disconnected from {Device}")]
    public static partial void BleDisconnected(this ILogger logger, BleDevice? device);

    [LoggerMessage(256, LogLevel.Debug, "connecting to {Device} (attempt {Attempt} of {Attempts})")]
    public static partial void BleConnecting(this ILogger logger, BleDevice device, int attempt, int attempts);

    [LoggerMessage(257, LogLevel.Warning, "connection attempt {Attempt} of {Attempts} to {Device} failed ({Error}); retrying in {DelayMs} ms")]
    public static partial void BleConnectRetry(this ILogger logger, BleDevice device, int attempt, int attempts, string error, long delayMs);
}
