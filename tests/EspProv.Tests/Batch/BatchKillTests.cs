using System.Diagnostics;
using EspProv.Cli.Batch;
using Xunit.Abstractions;

namespace EspProv.Tests.Batch;

/// <summary>
/// The journal's promise under <c>kill -9</c>: <c>esp-prov batch</c> runs as a child process (the CLI's own assembly,
/// copied beside the tests) against simulated devices in this process that count the applies they act on; it is
/// SIGKILLed at seeded random points (after a random number of its JSON lines, or of the requests the devices received,
/// which fall between lines: mid-handshake, between the journal's applying and the apply), then rerun to
/// completion. After every kill: no device applied twice, and every device that applied is at least <c>applying</c> in
/// the journal (no record lost). At the end every device is connected, having applied exactly once.
/// </summary>
public sealed class BatchKillTests(ITestOutputHelper log)
{
    private const int Seed = 20_240_514;
    private const int MinKills = 50;
    private const int DevicesPerRound = 6;
    // The test needs MinKills kills, not a speed: a kill point past the end of a run is no kill, so rounds are bounded
    // (about 12 are needed) to turn kill points that are never reached into a failure instead of a loop.
    private const int MaxRounds = 40;

    // A safety net for a child that hangs (a run takes a few seconds), not a measure.
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task KillMinus9_AtRandomPoints_LosesNoRecord_NeverAppliesTwice()
    {
        var random = new Random(Seed);
        var kills = 0;
        var rounds = 0;
        while (kills < MinKills && rounds < MaxRounds)
        {
            rounds++;
            await using var kit = await new BatchTestKit().StartAsync(DevicesPerRound, BatchTestKit.DeviceOptions(connectDelayMs: random.Next(0, 40)));
            kit.WriteManifest();
            var killsThisRound = random.Next(5, 11);
            for (var i = 0; i < killsThisRound && kills < MinKills; i++)
            {
                var (exit, killed) = await RunChildAsync(kit, random);
                kills += killed ? 1 : 0;
                await AssertConsistentAsync(kit);
                if (!killed)
                {
                    Assert.True(exit is 0 or 13, $"child exit {exit}");
                }
            }

            // Rerun to completion. A device killed between committing applying and sending apply never got it: it
            // still answers "connecting" (firmware's initial state), so the resumed run ends it as unknown, and the
            // operator's --retry-unknown provisions it (a device that did apply reports connected instead).
            var (final, _) = await RunChildAsync(kit, random: null);
            await AssertConsistentAsync(kit);
            if (final != 0)
            {
                (final, _) = await RunChildAsync(kit, random: null, "--retry-unknown");
                await AssertConsistentAsync(kit);
            }

            Assert.True(final == 0, string.Join("; ", (await SqliteJournal.ReadAsync(kit.JournalPath, CancellationToken.None)).Devices
                .Select(r => $"{r.Name} {r.State.Name()} x{r.Attempts} {r.Reason}")) + "; applies " + string.Join(",", kit.Devices.Select(d => d.AppliesReceived)));
            Assert.All(kit.Devices, d => Assert.Equal(1, d.AppliesReceived));
            Assert.All((await SqliteJournal.ReadAsync(kit.JournalPath, CancellationToken.None)).Devices, r => Assert.Equal(DeviceState.Connected, r.State));
        }

        log.WriteLine($"{kills} kills in {rounds} rounds");
        Assert.True(kills >= MinKills, $"only {kills} kills in {MaxRounds} rounds");
    }

    /// <summary>Runs the batch; with a random source, SIGKILLs it at a random point. Returns its exit code and whether it was killed.</summary>
    private static async Task<(int Exit, bool Killed)> RunChildAsync(BatchTestKit kit, Random? random, params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "esp-prov.dll"));
        foreach (var arg in kit.Args(["--json", "--concurrency", "3", "--timeout", "3", .. extra]))
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(ChildTimeout);
        var stderr = child.StandardError.ReadToEndAsync(timeout.Token);
        var killed = false;
        if (random is not null)
        {
            var byLines = random.Next(2) == 0;
            var killAt = byLines ? random.Next(0, DevicesPerRound * 8) : random.Next(1, DevicesPerRound * 9);
            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            var point = byLines ? LinesAsync(child, killAt, stopWaiting.Token) : RequestsAsync(kit, killAt, stopWaiting.Token);
            var ended = child.WaitForExitAsync(timeout.Token);
            if (await Task.WhenAny(point, ended) == point && await point)
            {
                killed = Kill(child);
            }
            else if (!byLines)
            {
                await stopWaiting.CancelAsync(); // the run ended before the kill point
            }

            try
            {
                await point; // the line reader must be done before the rest of the output is read
            }
            catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
            {
            }
        }

        _ = await child.StandardOutput.ReadToEndAsync(timeout.Token);
        await child.WaitForExitAsync(timeout.Token);
        var error = await stderr;
        Assert.True(killed || child.ExitCode is 0 or 13, $"child exit {child.ExitCode}: {error}");
        return (child.ExitCode, killed);
    }

    /// <summary>True once the child has written <paramref name="count"/> lines; false if its output ended first.</summary>
    private static async Task<bool> LinesAsync(Process child, int count, CancellationToken cancellationToken)
    {
        for (var lines = 0; lines < count; lines++)
        {
            if (await child.StandardOutput.ReadLineAsync(cancellationToken) is null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True once the devices have received <paramref name="count"/> more requests than now.</summary>
    private static async Task<bool> RequestsAsync(BatchTestKit kit, int count, CancellationToken cancellationToken)
    {
        var target = kit.Devices.Sum(d => d.RequestTotal) + count;
        while (true)
        {
            var next = kit.Devices.Select(d => d.Service.Changes.Next).ToArray();
            if (kit.Devices.Sum(d => d.RequestTotal) >= target)
            {
                return true;
            }

            await Task.WhenAny(next).WaitAsync(cancellationToken);
        }
    }

    private static bool Kill(Process child)
    {
        try
        {
            child.Kill(entireProcessTree: true); // SIGKILL: no dispose, no finally, no flush
            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // it had already exited
        }
    }

    private static async Task AssertConsistentAsync(BatchTestKit kit)
    {
        if (!File.Exists(kit.JournalPath))
        {
            Assert.All(kit.Devices, d => Assert.Equal(0, d.AppliesReceived));
            return;
        }

        IReadOnlyList<DeviceRecord> rows;
        try
        {
            rows = (await SqliteJournal.ReadAsync(kit.JournalPath, CancellationToken.None)).Devices;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            rows = []; // killed while creating the journal, before its tables existed
        }

        for (var i = 0; i < kit.Devices.Count; i++)
        {
            var applies = kit.Devices[i].AppliesReceived;
            var row = rows.FirstOrDefault(r => r.Name == BatchTestKit.Name(i));
            Assert.True(applies <= 1, $"{BatchTestKit.Name(i)} applied {applies} times");
            if (applies == 1)
            {
                Assert.True(row is { State: DeviceState.Applying or DeviceState.Connected or DeviceState.Unknown },
                    $"{BatchTestKit.Name(i)} applied but the journal says {row?.State.Name() ?? "nothing"}");
            }

            if (row?.State == DeviceState.Connected)
            {
                Assert.Equal(1, applies);
            }
        }
    }
}
