using EspProv.Thread;
using Microsoft.Extensions.Logging;

namespace EspProv.Device.Thread;

/// <summary>The simulated Thread radio's log messages (event ids 1100–1119). None takes a dataset, key or PSKc.</summary>
internal static partial class ThreadLog
{
    [LoggerMessage(1100, LogLevel.Information, "Thread: dataset received ({Length} B)")]
    public static partial void DatasetReceived(this ILogger logger, int length);

    [LoggerMessage(1101, LogLevel.Warning, "Thread: the dataset does not parse at byte {Offset} ({Reason}): attach failed, DatasetInvalid")]
    public static partial void DatasetInvalid(this ILogger logger, int offset, string reason);

    [LoggerMessage(1102, LogLevel.Information, "Thread: attaching (extended PAN ID {ExtendedPanId})")]
    public static partial void Attaching(this ILogger logger, string extendedPanId);

    [LoggerMessage(1103, LogLevel.Information, "Thread: attached to '{Name}'")]
    public static partial void Attached(this ILogger logger, string name);

    [LoggerMessage(1104, LogLevel.Warning, "Thread: attach failed ({Reason})")]
    public static partial void AttachFailed(this ILogger logger, ThreadFailureReason reason);

    [LoggerMessage(1105, LogLevel.Information, "Thread: {What}")]
    public static partial void Control(this ILogger logger, string what);

    [LoggerMessage(1106, LogLevel.Information, "provisioning will stop in {Seconds} s ({Why})")]
    public static partial void StopScheduled(this ILogger logger, double seconds, string why);
}
