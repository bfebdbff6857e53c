using EspProv.Provisioning;

namespace EspProv.Tests.Provisioning;

/// <summary>The poll schedule after apply: fast for the first seconds, then backing off to the cap.</summary>
public sealed class StatusPollingTests
{
    [Fact]
    public void FastPhase_PollsEvery50Ms_SoAStatusChangeIsSeenWithin100Ms()
    {
        var polling = StatusPolling.Default;
        var interval = TimeSpan.Zero;
        for (var at = TimeSpan.Zero; at < polling.FastPhase; at += interval)
        {
            interval = polling.Next(interval, at);
            Assert.Equal(TimeSpan.FromMilliseconds(50), interval);
        }
    }

    [Fact]
    public void AfterTheFastPhase_TheIntervalGrowsToTheCap_AndTheCapAppliesOnlyThere()
    {
        var polling = StatusPolling.Default with { MaxInterval = TimeSpan.FromMilliseconds(300) };
        var at = polling.FastPhase;
        var intervals = new List<TimeSpan>();
        var interval = polling.FastInterval;
        for (var i = 0; i < 6; i++)
        {
            interval = polling.Next(interval, at);
            intervals.Add(interval);
            at += interval;
        }

        Assert.Equal([75, 112.5, 168.75, 253.125, 300, 300], intervals.Select(t => t.TotalMilliseconds));
        Assert.Equal(polling.FastInterval, polling.Next(TimeSpan.Zero, TimeSpan.Zero));
    }
}
