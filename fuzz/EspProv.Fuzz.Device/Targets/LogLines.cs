using Microsoft.Extensions.Logging;

namespace EspProv.Fuzz.Device.Targets;

/// <summary>
/// A logger factory that keeps every message the device logs, at every level, as its formatted text followed by each
/// structured argument, so a target can check that no secret reaches the log in either.
/// </summary>
internal sealed class LogLines(List<string> lines) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Logger(lines);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class Logger(List<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = formatter(state, exception);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                line += " | " + string.Join(" | ", values.Select(v => $"{v.Key}={v.Value}"));
            }

            lock (lines)
            {
                lines.Add(line);
            }
        }
    }
}
