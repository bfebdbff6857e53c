using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using EspProv.Cli;
using EspProv.Tests.Cli;

namespace EspProv.Tests.Batch;

/// <summary><c>simulate --devices N --faults-file</c>: distinct names, per-device faults, one log line per apply; a batch against it.</summary>
public sealed partial class SimulatorFleetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("espprov-fleet-").FullName;

    [GeneratedRegex(@"\[device (\d+)\] listening on http://127\.0\.0\.1:(\d+) as (PROV_[0-9A-F]{6})")]
    private static partial Regex ListeningLine();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task FleetWithFaults_BatchGetsEachFaultsOutcome_AndEachApplyIsLoggedOnce()
    {
        var faults = Path.Combine(_dir, "faults.json");
        File.WriteAllText(faults, """
            [{"device":2,"fault":"wrong_pop"},
             {"device":3,"fault":"network_absent"},
             {"device":4,"fault":"link_drop","endpoint":"prov-session"},
             {"device":5,"fault":"slow_join","delay_ms":600}]
            """);
        var output = new LockedWriter();
        using var stop = new CancellationTokenSource();
        var sim = Task.Run(() => new CliApp(output, output, new ScriptedTerminal()).RunAsync(
            ["simulate", "--listen", "127.0.0.1:0", "--devices", "5", "--connect-delay", "20", "--faults-file", faults, "--no-auto-stop"], stop.Token));
        try
        {
            await Support.Eventually.UntilAsync(output.Changes, () => ListeningLine().Count(output.Snapshot()) == 5, "5 devices listening", unlessDone: sim);
            var devices = ListeningLine().Matches(output.Snapshot()).Select(m => (Index: m.Groups[1].Value, Port: m.Groups[2].Value, Name: m.Groups[3].Value)).ToList();
            Assert.True(devices.Count == 5, output.Snapshot());
            Assert.Equal(5, devices.Select(d => d.Name).Distinct().Count());

            var manifest = Path.Combine(_dir, "m.csv");
            File.WriteAllText(manifest, "name,address\n" + string.Concat(devices.Select(d => $"{d.Name},127.0.0.1:{d.Port}\n")));
            var r = await CliHarness.RunAsync("batch", "--manifest", manifest, "--journal", Path.Combine(_dir, "run.db"), "--ssid", "myssid",
                "--passphrase", "mypassword", "--pop", "abcd1234", "--json", "--timeout", "20");
            Assert.True(r.ExitCode == 13, r.ToString());
            var results = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
                .Where(l => l.GetProperty("event").GetString() == "result")
                .ToDictionary(l => l.GetProperty("device").GetString()!, l => (Status: l.GetProperty("status").GetString(), Exit: l.GetProperty("exit_code").GetInt32()));
            Assert.Equal(("connected", 0), results[devices[0].Name]);
            Assert.Equal(("failed", 4), results[devices[1].Name]);
            Assert.Equal(("failed", 8), results[devices[2].Name]);
            Assert.Equal(("failed", 4), results[devices[3].Name]);
            Assert.Equal(("connected", 0), results[devices[4].Name]);

            var log = output.Snapshot();
            foreach (var device in new[] { "1", "3", "5" })
            {
                Assert.Equal(1, Regex.Count(log, $@"\[device {device}\] Wi-Fi: connecting to 'myssid'"));
            }

            Assert.DoesNotContain("[device 2] Wi-Fi: connecting", log, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await sim);
        }
    }

    [Fact]
    public async Task BadFaultsFile_IsUsageError()
    {
        var faults = Path.Combine(_dir, "faults.json");
        File.WriteAllText(faults, """[{"device":9,"fault":"wrong_pop"}]""");
        var r = await CliHarness.RunAsync("simulate", "--listen", "127.0.0.1:0", "--devices", "2", "--faults-file", faults);
        Assert.Equal(64, r.ExitCode);
        Assert.Contains("fault 1", r.Error, StringComparison.Ordinal);
    }

    private sealed class LockedWriter : StringWriter
    {
        private readonly Lock _gate = new();

        /// <summary>Pulsed after every write.</summary>
        public EspProv.Device.Core.ChangeFeed Changes { get; } = new();

        public LockedWriter()
            : base(CultureInfo.InvariantCulture)
        {
        }

        public override void Write(char value)
        {
            lock (_gate)
            {
                base.Write(value);
            }

            Changes.Pulse();
        }

        public override void Write(string? value)
        {
            lock (_gate)
            {
                base.Write(value);
            }

            Changes.Pulse();
        }

        public override void WriteLine(string? value)
        {
            lock (_gate)
            {
                base.WriteLine(value);
            }

            Changes.Pulse();
        }

        public string Snapshot()
        {
            lock (_gate)
            {
                return ToString();
            }
        }
    }
}
