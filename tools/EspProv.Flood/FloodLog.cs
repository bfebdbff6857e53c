using Microsoft.Extensions.Logging;

namespace EspProv.Flood;

/// <summary>Passes each formatted message, at every level, to a line sink (the client's log of a failed flow).</summary>
internal sealed class FloodLog(Action<string> sink) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Logger(sink);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class Logger(Action<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink(formatter(state, exception));
    }
}
