namespace EspProv.Transport.InMemory;

/// <summary>Settings of <see cref="InMemoryTransport"/>.</summary>
public sealed class InMemoryTransportOptions
{
    /// <summary>Longest wait for one request's response. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest response accepted, also reported as <see cref="IProvisioningTransport.MaxResponseBytes"/>. Default 4096.</summary>
    public int MaxResponseBytes { get; init; } = 4096;

    /// <summary>
    /// Whether the device finds a session again on a new link. Default false: the simulated device keys in-memory sessions
    /// by link, as BLE firmware does, so the flow re-handshakes after a dropped link.
    /// </summary>
    public bool SessionSurvivesNewLink { get; init; }

    /// <summary>The clock for <see cref="RequestTimeout"/>; null = the system clock. Tests pass a fake one.</summary>
    public TimeProvider? TimeProvider { get; init; }

    internal void Validate()
    {
        if (RequestTimeout <= TimeSpan.Zero && RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), "must be positive");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxResponseBytes, 1, nameof(MaxResponseBytes));
    }
}
