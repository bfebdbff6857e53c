using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Provisioning;

/// <summary>Settings of <see cref="ProvisioningClient"/>, with documented defaults; validated once when the client is created.</summary>
public sealed class ProvisioningClientOptions
{
    /// <summary>
    /// Where the client logs, under the category <c>EspProv.Provisioning.ProvisioningClient</c>: step results at
    /// <see cref="LogLevel.Information"/>, message detail at <see cref="LogLevel.Debug"/>, handshake bytes at
    /// <see cref="LogLevel.Trace"/>, retries and reconnects at <see cref="LogLevel.Warning"/>. Secrets (passphrase, PoP,
    /// password, keys, decrypted payloads) are never passed to a logger, neither in the message nor as a structured
    /// argument. Default <see cref="NullLoggerFactory.Instance"/> (silent); the library never writes to the console.
    /// </summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Status polling after apply. Default: <see cref="StatusPolling.Default"/>.</summary>
    public StatusPolling Polling { get; init; } = StatusPolling.Default;

    /// <summary>
    /// How many times a <c>proto-ver</c> request is retried after a transient transport error (it is unencrypted and
    /// idempotent). Encrypted requests are never retried. Default 2.
    /// </summary>
    public int VersionRetries { get; init; } = 2;

    /// <summary>Clock for poll intervals and deadlines. Default <see cref="TimeProvider.System"/>; tests may inject a fake.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(LoggerFactory);
        ArgumentNullException.ThrowIfNull(Polling);
        Polling.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(VersionRetries);
    }
}

/// <summary>
/// The schedule of Wi-Fi status polls after apply: the first poll right away, then every <see cref="FastInterval"/>
/// during <see cref="FastPhase"/>, then growing by <see cref="BackoffFactor"/> up to <see cref="MaxInterval"/>. A device
/// answers a poll in about a millisecond and most joins end within the first seconds (ESP-IDF starts joining 1 s after
/// apply, ESP8266 at once), so the fast phase sees a verdict within one short interval; the back-off keeps a slow join
/// from being hammered while the station shares the radio with the soft AP (esp_prov sleeps a fixed 5 s before every poll).
/// </summary>
public sealed record StatusPolling
{
    /// <summary>First poll at once, then every 50 ms for 5 s, then growing ×1.5 to 2 s; wait at most 120 s.</summary>
    public static StatusPolling Default { get; } = new();

    /// <summary>Interval between polls during <see cref="FastPhase"/>. Default 50 ms: with a poll's round trip, a status change is seen within 100 ms.</summary>
    public TimeSpan FastInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long after the first poll the fast interval applies. Default 5 s.</summary>
    public TimeSpan FastPhase { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest interval between polls. Default 2 s.</summary>
    public TimeSpan MaxInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Growth factor of the interval. Default 1.5.</summary>
    public double BackoffFactor { get; init; } = 1.5;

    /// <summary>How long to wait for a verdict in total. Default 120 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// After the device stops answering, how long to keep trying to reach it again (new connection, new session)
    /// before reporting the outcome as unknown. Default 10 s (bounded by <see cref="Timeout"/>).
    /// </summary>
    public TimeSpan ReconnectWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The interval after <paramref name="previous"/> (zero before the second poll), <paramref name="sinceFirstPoll"/> into the wait.</summary>
    public TimeSpan Next(TimeSpan previous, TimeSpan sinceFirstPoll)
    {
        if (sinceFirstPoll < FastPhase)
        {
            return FastInterval;
        }

        // The slow phase grows from where the fast one ended; MaxInterval (esp-prov's --poll_interval) caps only it.
        var from = previous > FastInterval ? previous : FastInterval;
        var next = TimeSpan.FromTicks((long)(from.Ticks * BackoffFactor));
        return next < MaxInterval ? next : MaxInterval;
    }

    internal void Validate()
    {
        if (FastInterval < TimeSpan.Zero || FastPhase < TimeSpan.Zero || MaxInterval < TimeSpan.Zero || Timeout <= TimeSpan.Zero || ReconnectWindow < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StatusPolling), "polling intervals must be non-negative and the timeout positive");
        }

        if (BackoffFactor < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BackoffFactor), "must be at least 1");
        }
    }
}
