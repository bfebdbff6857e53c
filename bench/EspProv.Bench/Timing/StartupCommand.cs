using System.Globalization;

namespace EspProv.Bench.Timing;

/// <summary>
/// <c>startup --exe out/esp-prov [--floor bench/EmptyAot/out-empty/EmptyAot] [--runs 50] [-- args]</c>: process wall
/// time and peak RSS of one command line (default <c>--help</c>). With <c>--floor</c>, the floor program (an empty
/// NativeAOT program built the same way) runs alternately with it in the same series, and the ratio of the medians is
/// printed with the load average, as issue 11 asks.
/// </summary>
internal static class StartupCommand
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var exe = Path.GetFullPath(args.String("exe", "out/esp-prov"));
        var commandLine = args.Rest.Count > 0 ? args.Rest : ["--help"];
        var runs = args.Int("runs", 50);
        var title = $"{Path.GetFileName(exe)} {string.Join(' ', commandLine)}";
        if (args.String("floor", string.Empty) is not { Length: > 0 } floorPath)
        {
            return await ProcessTimer.SeriesAsync(title, exe, commandLine, runs).ConfigureAwait(false);
        }

        var floor = Path.GetFullPath(floorPath);
        var load = await File.ReadAllTextAsync("/proc/loadavg").ConfigureAwait(false);
        var measured = new List<double>(runs);
        var floorSamples = new List<double>(runs);
        for (var i = -3; i < runs; i++)
        {
            // Alternating runs: a neighbour's burst on this shared VM then lands on both series alike.
            var (floorMs, floorCode, floorOutput) = await ProcessTimer.RunOnceAsync(floor, commandLine).ConfigureAwait(false);
            var (ms, code, output) = await ProcessTimer.RunOnceAsync(exe, commandLine).ConfigureAwait(false);
            if (code != 0 || floorCode != 0)
            {
                await Console.Error.WriteLineAsync($"run {i} exited {code}/{floorCode}:\n{output}{floorOutput}").ConfigureAwait(false);
                return 1;
            }

            if (i >= 0)
            {
                measured.Add(ms);
                floorSamples.Add(floorMs);
            }
        }

        Console.WriteLine(ProcessTimer.Table(title, measured, await ProcessTimer.PeakRssMiBAsync(exe, commandLine).ConfigureAwait(false)));
        Console.WriteLine();
        Console.WriteLine(ProcessTimer.Table($"{Path.GetFileName(floor)} (floor)", floorSamples, await ProcessTimer.PeakRssMiBAsync(floor, commandLine).ConfigureAwait(false)));
        var ratio = Median(measured) / Median(floorSamples);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ratio of medians: {ratio:0.00}x the floor ({runs} alternating runs each; load average before: {string.Join(' ', load.Split(' ').Take(3))})"));
        return 0;
    }

    private static double Median(List<double> samples) => ProcessTimer.Percentile([.. samples.Order()], 50);
}
