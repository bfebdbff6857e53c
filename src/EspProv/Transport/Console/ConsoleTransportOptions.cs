using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Transport.Console;

/// <summary>Settings of <see cref="ConsoleTransport"/>.</summary>
public sealed class ConsoleTransportOptions
{
    /// <summary>
    /// The UART speed. Default 115200 (ESP-IDF's console default). Ignored by pseudo-terminals. Must be one
    /// <see cref="ConsoleTransport.SupportsBaud"/> accepts.
    /// </summary>
    public int Baud { get; init; } = 115200;

    /// <summary>Longest wait for one request's reply (or for the device to show it has none). Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Largest response accepted, also reported as <see cref="IProvisioningTransport.MaxResponseBytes"/> (the flow sizes
    /// scan pages by it). Default 4096 bytes: an 8,192-character reply line.
    /// </summary>
    public int MaxResponseBytes { get; init; } = 4096;

    /// <summary>The clock of <see cref="RequestTimeout"/>. Default <see cref="TimeProvider.System"/>; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Where the transport logs, under <c>EspProv.Transport.Console.ConsoleTransport</c>: opening the port at
    /// <see cref="LogLevel.Debug"/>, each exchange's sizes and each skipped line's kind at <see cref="LogLevel.Trace"/>.
    /// Never request or reply contents, never the text of skipped lines. Default silent.
    /// </summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(LoggerFactory);
        ArgumentOutOfRangeException.ThrowIfLessThan(Baud, 1, nameof(Baud));
        if (Native.Posix.Current is not null && !ConsoleTransport.SupportsBaud(Baud))
        {
            throw new ArgumentOutOfRangeException(nameof(Baud), Baud, "not a speed this system's serial ports support");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxResponseBytes, 1, nameof(MaxResponseBytes));
        if (RequestTimeout <= TimeSpan.Zero && RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), "must be positive");
        }
    }
}
