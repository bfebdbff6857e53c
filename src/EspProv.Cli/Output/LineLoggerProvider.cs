using Microsoft.Extensions.Logging;

namespace EspProv.Cli.Output;

/// <summary>
/// The CLI's logging: each message the library or the simulated device logs becomes one line on one of the CLI's own
/// writers (the <c>-v</c> detail, a simulator's output), with a prefix chosen by category (<c>http: </c>, <c>ble: </c>,
/// <c>[device] </c>). Only the formatted message is written, never the structured arguments or an exception. No
/// reflection and no configuration binding, so it is NativeAOT-safe (Microsoft.Extensions.Logging.Console is neither small
/// nor free at start-up).
/// </summary>
/// <param name="sink">Writes one line.</param>
/// <param name="prefix">The prefix of a category's lines.</param>
/// <param name="minimum">The lowest level written. Default <see cref="LogLevel.Trace"/>: everything.</param>
internal sealed class LineLoggerProvider(Action<string> sink, Func<string, string> prefix, LogLevel minimum = LogLevel.Trace) : ILoggerProvider
{
    /// <summary>The run's <c>-v</c> detail: a transport's lines with its provider's prefix (<c>http: </c>, <c>ble: </c>), the client's bare.</summary>
    public static ILoggerFactory ForRun(Action<string> verbose) => new LineLoggerFactory(new LineLoggerProvider(verbose, RunPrefix));

    /// <summary>Every line with one fixed prefix (a simulated device's <c>[device] </c>).</summary>
    public static ILoggerFactory WithPrefix(Action<string> sink, string prefix) => new LineLoggerFactory(new LineLoggerProvider(sink, _ => prefix));

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new LineLogger(sink, prefix(categoryName), minimum);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static string RunPrefix(string category) => Transports.TransportFactory.LogPrefix(category);

    private sealed class LineLogger(Action<string> sink, string prefix, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                sink(prefix + formatter(state, null));
            }
        }
    }
}

/// <summary>An <see cref="ILoggerFactory"/> over exactly one provider (the options of the library and device take a factory).</summary>
internal sealed class LineLoggerFactory(ILoggerProvider provider) : ILoggerFactory
{
    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => provider.CreateLogger(categoryName);

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("the CLI logs through one provider");

    /// <inheritdoc />
    public void Dispose() => provider.Dispose();
}
