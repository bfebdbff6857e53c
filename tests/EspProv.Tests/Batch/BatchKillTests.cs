using System.Diagnostics;
using EspProv.Cli.Batch;
using Xunit.Abstractions;

namespace EspProv.Tests.Batch;

/// <summary>
/// The journal's promise under <c>kill -9</c>: <c>esp-prov batch</c> runs as a child process (the CLI's own assembly,
/// copied beside the tests) against simulated devices in this process that count the applies they act on; it is
/// SIGKILLed at seeded random points (after a random time, or after a random number of its JSON lines), then rerun to
/// completion. After every kill: no device applied twice, and every device that applied is at least <c>applying</c> in
/// the journal (no record lost). At the end every device is connected, having applied exactly once.
/// </summary>
public sealed class BatchKillTests(ITestOutputHelper log)
{
    private const int Seed = 20_240_514;
    private const int MinKills = 50;
    private const int DevicesPerRound = 6;
    // About 30 s on an idle 2-core machine. The test needs MinKills kills, not a speed: each kill starts a .NET process,
    // which with both cores busy takes several times longer (26 kills in 90 s was seen), so this is only a guard
    // against a run whose kill points are never reached.
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(6);
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task KillMinus9_AtRandomPoints_LosesNoRecord_NeverAppliesTwice()
    {
        var random = new Random(Seed);
        var clock = Stopwatch.StartNew();
        var kills = 0;
        var rounds = 0;
        while (kills < MinKills && clock.Elapsed < Budget)
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

        log.WriteLine($"{kills} kills in {rounds} rounds, {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(kills >= MinKills, $"only {kills} kills within {Budget.TotalMinutes} min");
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
        Task<string?>? reading = null;
        if (random is not null)
        {
            var killAfterLines = random.Next(2) == 0 ? random.Next(0, DevicesPerRound * 8) : -1;
            var killAfter = TimeSpan.FromMilliseconds(random.Next(30, 900));
            var started = Stopwatch.StartNew();
            var lines = 0;
            reading = child.StandardOutput.ReadLineAsync(timeout.Token).AsTask();
            while (true)
            {
                var remaining = killAfterLines >= 0 ? ChildTimeout : killAfter - started.Elapsed;
                if (remaining <= TimeSpan.Zero || (killAfterLines >= 0 && lines >= killAfterLines))
                {
                    killed = Kill(child);
                    break;
                }

                if (await Task.WhenAny(reading, Task.Delay(remaining, timeout.Token)) != reading)
                {
                    continue;
                }

                if (await reading is null)
                {
                    reading = null;
                    break; // the run ended before the kill point
                }

                lines++;
                reading = child.StandardOutput.ReadLineAsync(timeout.Token).AsTask();
            }
        }

        if (reading is not null)
        {
            await reading; // ends at EOF once the child is gone
        }

        _ = await child.StandardOutput.ReadToEndAsync(timeout.Token);
        await child.WaitForExitAsync(timeout.Token);
        var error = await stderr;
        Assert.True(killed || child.ExitCode is 0 or 13, $"child exit {child.ExitCode}: {error}");
        return (child.ExitCode, killed);
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
