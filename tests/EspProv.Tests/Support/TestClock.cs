using EspProv.Device.Core;
using Microsoft.Extensions.Time.Testing;

namespace EspProv.Tests.Support;

/// <summary>
/// Simulated time for tests: a <see cref="FakeTimeProvider"/> that only moves on <see cref="FakeTimeProvider.Advance"/>,
/// and that tells a test when the code under test has armed a timer, so the test moves the clock only after the wait it
/// means to end has begun (ordering, not a guess at how long that takes).
/// </summary>
internal sealed class TestClock : FakeTimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ArmedTimer> _timers = [];

    public TestClock()
        : base(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Pulsed whenever a timer is armed or disarmed.</summary>
    public ChangeFeed Changes { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var armed = new ArmedTimer(this);
        armed.Inner = base.CreateTimer(s => armed.Fire(callback, s), state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        lock (_lock)
        {
            _timers.Add(armed);
        }

        armed.Change(dueTime, period);
        return armed;
    }

    /// <summary>True when a timer is armed to fire within <paramref name="span"/> from now.</summary>
    public bool HasTimerDueWithin(TimeSpan span)
    {
        var limit = GetUtcNow() + span;
        lock (_lock)
        {
            return _timers.Any(t => t.DueAt is { } due && due <= limit);
        }
    }

    /// <summary>Completes once a timer is armed to fire within <paramref name="span"/>, or <paramref name="orElse"/> holds.</summary>
    public Task TimerDueWithinAsync(TimeSpan span, string what, Func<bool>? orElse = null) =>
        Eventually.UntilAsync(Changes, () => HasTimerDueWithin(span) || (orElse?.Invoke() ?? false), what);

    private sealed class ArmedTimer(TestClock clock) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        public DateTimeOffset? DueAt { get; private set; }

        private TimeSpan Period { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._lock)
            {
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime;
                Period = period;
            }

            var changed = Inner.Change(dueTime, period);
            clock.Changes.Pulse();
            return changed;
        }

        public void Fire(TimerCallback callback, object? state)
        {
            lock (clock._lock)
            {
                DueAt = Period == Timeout.InfiniteTimeSpan || Period == TimeSpan.Zero ? null : clock.GetUtcNow() + Period;
            }

            callback(state);
        }

        public void Dispose()
        {
            lock (clock._lock)
            {
                DueAt = null;
                clock._timers.Remove(this);
            }

            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
