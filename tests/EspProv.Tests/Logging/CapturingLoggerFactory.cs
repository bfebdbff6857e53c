using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace EspProv.Tests.Logging;

/// <summary>One message as a logger received it: the formatted text and every structured argument.</summary>
internal sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyList<KeyValuePair<string, object?>> State)
{
    /// <summary>The message and each argument's value as text: everything a log sink could store.</summary>
    public IEnumerable<string> Texts()
    {
        yield return Message;
        foreach (var (key, value) in State)
        {
            yield return key;
            yield return Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
            if (value is byte[] bytes)
            {
                yield return Convert.ToHexString(bytes);
            }
        }
    }
}

/// <summary>
/// A logger factory (and provider) for tests: every logger is enabled at every level and records each message with its
/// structured state, and optionally passes the formatted line on (for tests that wait on a device's log).
/// </summary>
internal sealed class CapturingLoggerFactory(Action<string>? onLine = null) : ILoggerFactory, ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();
    private readonly Action<string>? _onLine = onLine;

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    /// <summary>The formatted messages, in order.</summary>
    public IReadOnlyList<string> Lines => [.. _entries.Select(e => e.Message)];

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            var values = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            owner._entries.Enqueue(new CapturedLog(category, logLevel, eventId, message, [.. values]));
            owner._onLine?.Invoke(message);
        }
    }
}
