using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;

namespace EspProv.Bench.Timing;

/// <summary>
/// <c>batch --exe out/esp-prov [--devices 100] [--concurrency 16] [--connect-delay 1000] [--runs 3]</c>: whole
/// <c>esp-prov batch --json</c> runs against a re-arming simulated fleet in this process (each device joins after the
/// connect delay), alternately with the SQLite journal (a new file per run) and the in-memory one
/// (<c>--journal :memory:</c>). Prints a table: wall time, the floor (rounds × one device's time alone), the ratio,
/// the mean per-device time and its overhead over the connect delay; then the SQLite journal's cost over memory.
/// </summary>
internal static class BatchBenchCommand
{
    private const string Pop = "abcd1234";

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var exe = Path.GetFullPath(args.String("exe", "out/esp-prov"));
        var count = args.Int("devices", 100);
        var concurrency = args.Int("concurrency", 16);
        var delay = args.Int("connect-delay", 1000);
        var runs = args.Int("runs", 3);
        await using var fleet = await SimulatedFleet.StartAsync(new SimulatedDeviceOptions
        {
            ConnectDelay = TimeSpan.FromMilliseconds(delay),
            Rearm = true,
            Security = new DeviceSecurity1(Pop),
            Networks = [SimulatedNetwork.Default],
        }, count, new HttpDeviceOptions { Port = 0 }).ConfigureAwait(false);
        var dir = Directory.CreateTempSubdirectory("espprov-batch-bench-").FullName;
        try
        {
            var all = Manifest(dir, "all.csv", fleet.Devices);
            var one = Manifest(dir, "one.csv", fleet.Devices.Take(1));

            // One device alone, three times: the floor's unit.
            var single = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                single.Add((await RunBatchAsync(exe, one, ":memory:", 1).ConfigureAwait(false)).DeviceMs.Single());
            }

            var unit = single.Order().ElementAt(1);
            var rounds = (count + concurrency - 1) / concurrency;
            var floor = rounds * unit / 1000.0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"batch: {count} devices, concurrency {concurrency}, connect delay {delay} ms, {Environment.ProcessorCount} cores, load {LoadAverage()}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"one device alone: {unit:0} ms (median of 3); floor = {rounds} rounds x {unit:0} ms = {floor:0.00} s"));
            Console.WriteLine("| run | journal | wall s | / floor | mean device ms | overhead ms | max device ms | exit |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            var walls = new Dictionary<string, List<double>> { ["sqlite"] = [], ["memory"] = [] };
            for (var run = 1; run <= runs; run++)
            {
                foreach (var kind in new[] { "sqlite", "memory" })
                {
                    var journal = kind == "memory" ? ":memory:" : Path.Combine(dir, $"run{run}.db");
                    var r = await RunBatchAsync(exe, all, journal, concurrency).ConfigureAwait(false);
                    walls[kind].Add(r.Wall);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {run} | {kind} | {r.Wall:0.00} | {r.Wall / floor:0.00} | {r.DeviceMs.Average():0} | {r.DeviceMs.Average() - delay:0} | {r.DeviceMs.Max():0} | {r.Exit} |"));
                }
            }

            var sqlite = walls["sqlite"].Order().ElementAt(runs / 2);
            var memory = walls["memory"].Order().ElementAt(runs / 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median wall: sqlite {sqlite:0.00} s, memory {memory:0.00} s: journal cost {(sqlite / memory - 1) * 100:+0.0;-0.0} %; sqlite / floor {sqlite / floor:0.00}"));
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Manifest(string dir, string name, IEnumerable<SimulatedDevice> devices)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, "name,address\n" + string.Concat(devices.Select((d, i) =>
            string.Create(CultureInfo.InvariantCulture, $"dev{i:D3},127.0.0.1:{d.EndPoint.Port}\n"))));
        return path;
    }

    private static async Task<(double Wall, List<double> DeviceMs, int Exit)> RunBatchAsync(string exe, string manifest, string journal, int concurrency)
    {
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "batch", "--manifest", manifest, "--journal", journal, "--ssid", SimulatedNetwork.Default.Ssid,
            "--passphrase", SimulatedNetwork.Default.Passphrase, "--pop", Pop, "--json", "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        var stdout = await process.StandardOutput.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        var wall = clock.Elapsed.TotalSeconds;
        var error = await stderr.ConfigureAwait(false);
        if (error.Length > 0)
        {
            await Console.Error.WriteAsync(error).ConfigureAwait(false);
        }

        var deviceMs = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("event").GetString() == "result")
            .Select(e => (double)e.GetProperty("elapsed_ms").GetInt64())
            .ToList();
        return (wall, deviceMs, process.ExitCode);
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
