namespace EspProv.Cli.Batch;

/// <summary>One device's row in the journal.</summary>
internal sealed record DeviceRecord
{
    public required string Name { get; init; }
    public required DeviceState State { get; init; }

    /// <summary>Attempts started (each move to <see cref="DeviceState.Session"/> counts one).</summary>
    public int Attempts { get; init; }

    public string? Ip { get; init; }
    public string? Bssid { get; init; }
    public int? Channel { get; init; }
    public string? AuthMode { get; init; }
    public string? Reason { get; init; }
    public int? ExitCode { get; init; }

    /// <summary>When the device last entered each state it has been in (UTC).</summary>
    public IReadOnlyDictionary<DeviceState, DateTimeOffset> EnteredAt { get; init; } = new Dictionary<DeviceState, DateTimeOffset>();

    /// <summary>The last change (UTC).</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>
/// What a transition records besides the state. Null fields keep their stored value; a move to
/// <see cref="DeviceState.Session"/> clears the previous attempt's outcome. Holds no secret by construction.
/// </summary>
internal sealed record DeviceOutcome
{
    public static DeviceOutcome None { get; } = new();

    public string? Ip { get; init; }
    public string? Bssid { get; init; }
    public int? Channel { get; init; }
    public string? AuthMode { get; init; }
    public string? Reason { get; init; }
    public int? ExitCode { get; init; }
}

/// <summary>The journal is held by another run (<c>run.db.lock</c> is locked).</summary>
internal sealed class JournalLockedException(string path)
    : IOException($"the journal '{path}' is in use by another esp-prov batch run; wait for it to finish (one run per journal at a time)")
{
}

/// <summary>The manifest differs from the one the journal was made with.</summary>
internal sealed class ManifestChangedException(string path)
    : InvalidOperationException($"the manifest changed since the journal '{path}' was made; use a new journal, or --manifest-changed-ok to go on with this one")
{
}

/// <summary>A transition the journal refuses (e.g. applying → session), which would risk a second apply.</summary>
internal sealed class JournalTransitionException(string device, DeviceState from, DeviceState to)
    : InvalidOperationException($"journal: device '{device}' cannot move from {from.Name()} to {to.Name()}")
{
}

/// <summary>
/// The batch run's record of every device. Every write is durable (committed) before its task completes, so the
/// runner commits a state and only then sends the request of the next step. Never holds a passphrase, PoP or password.
/// Thread-safe: concurrent devices write through one instance.
/// </summary>
internal interface IJournal : IAsyncDisposable
{
    /// <summary>
    /// Starts a run for the manifest: a new journal stores the manifest's fingerprint and one pending row per device;
    /// an existing one checks the fingerprint (throwing <see cref="ManifestChangedException"/> unless
    /// <paramref name="manifestChangedOk"/>, which then adopts the new manifest and adds its new devices as pending).
    /// Returns every device's row, in manifest order.
    /// </summary>
    Task<IReadOnlyList<DeviceRecord>> StartRunAsync(Manifest manifest, bool manifestChangedOk, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a device to <paramref name="state"/> with the outcome's fields, committed before it returns.
    /// Throws <see cref="JournalTransitionException"/> for a move <see cref="DeviceStates.CanMove"/> refuses.
    /// </summary>
    Task<DeviceRecord> RecordAsync(string device, DeviceState state, DeviceOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Every device's row, in manifest order.</summary>
    Task<IReadOnlyList<DeviceRecord>> ReadAllAsync(CancellationToken cancellationToken);
}
