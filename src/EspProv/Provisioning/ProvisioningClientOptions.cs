namespace EspProv.Provisioning;

/// <summary>Settings of <see cref="ProvisioningClient"/>, with documented defaults; validated once when the client is created.</summary>
public sealed class ProvisioningClientOptions
{
    /// <summary>
    /// Receives one line per step detail (messages sent and received, decoded, with secret fields redacted).
    /// Null = silent. The library never writes to the console.
    /// </summary>
    public Action<string>? Log { get; init; }

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
        ArgumentNullException.ThrowIfNull(Polling);
        Polling.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(VersionRetries);
    }
}

/// <summary>
/// The schedule of Wi-Fi status polls after apply: the first poll right away, then from <see cref="InitialInterval"/>
/// growing by <see cref="BackoffFactor"/> up to <see cref="MaxInterval"/>. A device answers a poll in about a
/// millisecond, but joining a network takes it 1–10 s; a short first interval catches fast joins, the back-off keeps a
/// slow join from being hammered (esp_prov sleeps a fixed 5 s before every poll).
/// </summary>
public sealed record StatusPolling
{
    /// <summary>First poll at once, then 100 ms growing ×1.5 to 2 s; wait at most 120 s.</summary>
    public static StatusPolling Default { get; } = new();

    /// <summary>Interval before the second poll. Default 100 ms.</summary>
    public TimeSpan InitialInterval { get; init; } = TimeSpan.FromMilliseconds(100);

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

    /// <summary>The interval after <paramref name="previous"/>.</summary>
    public TimeSpan Next(TimeSpan previous)
    {
        if (previous <= TimeSpan.Zero)
        {
            return InitialInterval < MaxInterval ? InitialInterval : MaxInterval;
        }

        var next = TimeSpan.FromTicks((long)(previous.Ticks * BackoffFactor));
        return next < MaxInterval ? next : MaxInterval;
    }

    internal void Validate()
    {
        if (InitialInterval < TimeSpan.Zero || MaxInterval < TimeSpan.Zero || Timeout <= TimeSpan.Zero || ReconnectWindow < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StatusPolling), "polling intervals must be non-negative and the timeout positive");
        }

        if (BackoffFactor < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BackoffFactor), "must be at least 1");
        }
    }
}
