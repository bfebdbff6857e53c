namespace EspProv.Fuzz.Device.Targets;

/// <summary>
/// A clock that only moves when told to, and fires due timers synchronously on the caller's thread, so a fuzz input
/// replays identically (the simulated station's connect delay, auto-stop and rearm timers all run on it).
/// </summary>
public sealed class FuzzClock : TimeProvider
{
    private const int MaxFiringsPerAdvance = 64;
    private readonly List<ManualTimer> _timers = [];
    private long _ticks = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(_ticks, TimeSpan.Zero);

    public override long GetTimestamp() => _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        _timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due (at most 64 firings).</summary>
    public void Advance(TimeSpan by)
    {
        var until = _ticks + by.Ticks;
        for (var fired = 0; fired < MaxFiringsPerAdvance; fired++)
        {
            ManualTimer? next = null;
            foreach (var timer in _timers)
            {
                if (timer.DueAt is { } due && due <= until && (next is null || due < next.DueAt))
                {
                    next = timer;
                }
            }

            if (next is null)
            {
                break;
            }

            _ticks = Math.Max(_ticks, next.DueAt!.Value);
            next.Fire();
        }

        _ticks = Math.Max(_ticks, until);
    }

    private sealed class ManualTimer(FuzzClock clock, TimerCallback callback, object? state) : ITimer
    {
        private long _period;

        public long? DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : clock._ticks + Math.Max(0, dueTime.Ticks);
            _period = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? 0 : period.Ticks;
            return true;
        }

        public void Fire()
        {
            DueAt = _period > 0 ? DueAt + _period : null;
            callback(state);
        }

        public void Dispose()
        {
            DueAt = null;
            clock._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
