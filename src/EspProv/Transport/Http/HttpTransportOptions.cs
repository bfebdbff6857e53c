using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Transport.Http;

/// <summary>Settings of <see cref="HttpTransport"/>. Defaults match esp_prov where it has one.</summary>
public sealed class HttpTransportOptions
{
    /// <summary>Longest wait for one request's complete response, including connecting. Default 30 s (esp_prov on ESP8266).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Deadline for everything this transport does, counted from its first request; null = none. Each request waits
    /// at most the smaller of <see cref="RequestTimeout"/> and what is left of it.
    /// </summary>
    public TimeSpan? OverallTimeout { get; init; }

    /// <summary>Largest response body accepted. Default 64 KiB (firmware answers are far smaller).</summary>
    public int MaxResponseBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// Send the device's <c>Set-Cookie</c> back as <c>Cookie</c> (ESP-IDF 4.3+ session tracking). Default true;
    /// harmless for firmware that ignores cookies.
    /// </summary>
    public bool UseSessionCookie { get; init; } = true;

    /// <summary>
    /// For <c>https://</c> endpoints: certificates to trust as roots instead of the system store (firmware with its own
    /// HTTPS server usually has a self-signed CA). Null = system trust.
    /// </summary>
    public X509Certificate2Collection? TrustedRootCertificates { get; init; }

    /// <summary>
    /// The clock for <see cref="RequestTimeout"/> and <see cref="OverallTimeout"/>. Default <see cref="TimeProvider.System"/>;
    /// tests pass a fake one so timeouts take no real time.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Where the transport logs, under the category <c>EspProv.Transport.Http.HttpTransport</c>: each connection at
    /// <see cref="LogLevel.Debug"/>, each exchange (method, endpoint, sizes, status) at <see cref="LogLevel.Trace"/>.
    /// Never request or response contents.
    /// Default <see cref="NullLoggerFactory.Instance"/> (silent).
    /// </summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Network interface to bind each connection to (<see cref="InterfaceBinding.Bind"/>); null = the OS's routing.</summary>
    public string? Interface { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(LoggerFactory);
        if (RequestTimeout <= TimeSpan.Zero && RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), "must be positive");
        }

        if (OverallTimeout is { } overall && overall <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(OverallTimeout), "must be positive");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
        if (MaxResponseBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxResponseBytes), "must be positive");
        }
    }
}
