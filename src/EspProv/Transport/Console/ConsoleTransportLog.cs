using Microsoft.Extensions.Logging;

namespace EspProv.Transport.Console;

/// <summary>
/// The log messages of <see cref="ConsoleTransport"/> (event ids 300–349): the port, sizes and the kinds of lines
/// skipped, never a request, a reply or the text of a skipped line (a device may print anything, secrets included).
/// </summary>
internal static partial class ConsoleTransportLog
{
    [LoggerMessage(300, LogLevel.Debug, "opened {Port} at {Baud} baud, input waiting there discarded")]
    public static partial void Opened(this ILogger logger, string port, int baud);

    [LoggerMessage(301, LogLevel.Trace, "{Endpoint} (session {SessionId}): {RequestChars}-character line -> {Outcome} {ResponseBytes} B, {SkippedLogLines} log and {SkippedOther} other lines skipped")]
    public static partial void Exchange(this ILogger logger, string endpoint, uint sessionId, int requestChars, string outcome, int responseBytes, int skippedLogLines, int skippedOther);

    [LoggerMessage(302, LogLevel.Debug, "{Port}: session {SessionId} from now on (the device starts a new security session)")]
    public static partial void NewSession(this ILogger logger, string port, uint sessionId);

    [LoggerMessage(303, LogLevel.Debug, "closed {Port}")]
    public static partial void Closed(this ILogger logger, string port);
}
