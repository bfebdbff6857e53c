namespace EspProv.Bench.Timing;

/// <summary>
/// <c>startup --exe out/esp-prov [--runs 50] [-- args]</c>: process wall time and peak RSS of one command line
/// (default <c>--help</c>), after 3 warm-up runs (page cache); peak RSS = the largest of 5 more runs under GNU time.
/// </summary>
internal static class StartupCommand
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var exe = Path.GetFullPath(args.String("exe", "out/esp-prov"));
        var runs = args.Int("runs", 50);
        IReadOnlyList<string> commandLine = args.Rest.Count > 0 ? args.Rest : ["--help"];
        for (var i = 0; i < 3; i++)
        {
            await ProcessTimer.RunOnceAsync(exe, commandLine).ConfigureAwait(false);
        }

        var samples = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var (ms, code, output) = await ProcessTimer.RunOnceAsync(exe, commandLine).ConfigureAwait(false);
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
            peak = Math.Max(peak ?? 0, await ProcessTimer.PeakRssMiBAsync(exe, commandLine).ConfigureAwait(false) ?? double.NaN);
        }

        Console.WriteLine(ProcessTimer.Table($"{Path.GetFileName(exe)} {string.Join(' ', commandLine)}", samples, double.IsNaN(peak ?? double.NaN) ? null : peak));
        return 0;
    }
}
