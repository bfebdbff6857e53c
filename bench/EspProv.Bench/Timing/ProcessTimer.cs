using System.Diagnostics;
using System.Globalization;

namespace EspProv.Bench.Timing;

/// <summary>
/// Runs a command line repeatedly and measures each run's wall time from just before the process is started to just
/// after its exit is observed (stdout and stderr are drained through pipes, as a script would read them), and the
/// peak resident set of separate runs under GNU time.
/// </summary>
internal static class ProcessTimer
{
    public static async Task<(double WallMs, int ExitCode, string Output)> RunOnceAsync(string exe, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {exe}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        var output = await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false);
        stopwatch.Stop();
        return (stopwatch.Elapsed.TotalMilliseconds, process.ExitCode, output);
    }

    /// <summary>
    /// Peak resident set of one run in MiB, through GNU time's <c>%M</c> (wait4's <c>ru_maxrss</c> of a child forked by
    /// a small native parent). Our own children cannot be measured with getrusage: .NET starts them with vfork, so the
    /// kernel charges the parent's resident set to the child until exec. Null when GNU time is not installed.
    /// </summary>
    public static async Task<double?> PeakRssMiBAsync(string exe, IReadOnlyList<string> args)
    {
        const string gnuTime = "/usr/bin/time";
        if (!File.Exists(gnuTime))
        {
            return null;
        }

        var report = Path.GetTempFileName();
        try
        {
            var (_, code, output) = await RunOnceAsync(gnuTime, ["-f", "%M", "-o", report, exe, .. args]).ConfigureAwait(false);
            if (code != 0)
            {
                throw new InvalidOperationException($"{exe} exited {code}: {output}");
            }

            var lines = await File.ReadAllLinesAsync(report).ConfigureAwait(false);
            return double.Parse(lines[^1], NumberStyles.Integer, CultureInfo.InvariantCulture) / 1024.0;
        }
        finally
        {
            File.Delete(report);
        }
    }

    /// <summary>
    /// 3 warm-up runs (page cache), <paramref name="runs"/> timed runs, then 5 runs under GNU time for the peak RSS;
    /// prints the table. Any run exiting non-zero fails the series.
    /// </summary>
    public static async Task<int> SeriesAsync(string title, string exe, IReadOnlyList<string> args, int runs)
    {
        for (var i = 0; i < 3; i++)
        {
            await RunOnceAsync(exe, args).ConfigureAwait(false);
        }

        var samples = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var (ms, code, output) = await RunOnceAsync(exe, args).ConfigureAwait(false);
            if (code != 0)
            {
                await Console.Error.WriteLineAsync($"run {i} exited {code}:\n{output}").ConfigureAwait(false);
                return 1;
            }

            samples.Add(ms);
        }

        double? peak = null;
        for (var i = 0; i < 5; i++)
        {
            if (await PeakRssMiBAsync(exe, args).ConfigureAwait(false) is { } mib)
            {
                peak = Math.Max(peak ?? 0, mib);
            }
        }

        Console.WriteLine(Table(title, samples, peak));
        return 0;
    }

    public static string Table(string title, IReadOnlyList<double> samples, double? peakMiB)
    {
        var sorted = samples.Order().ToArray();
        var f = CultureInfo.InvariantCulture;
        return string.Create(f, $"""
            | {title} | runs | median ms | p90 ms | min ms | max ms | peak RSS MiB |
            |---|---:|---:|---:|---:|---:|---:|
            | | {sorted.Length} | {Percentile(sorted, 50):0.0} | {Percentile(sorted, 90):0.0} | {sorted[0]:0.0} | {sorted[^1]:0.0} | {(peakMiB is { } p ? p.ToString("0.0", f) : "n/a")} |
            """);
    }

    public static double Percentile(double[] sorted, double percent)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
