namespace EspProv.Bench.Timing;

/// <summary>
/// <c>startup --exe out/esp-prov [--runs 50] [-- args]</c>: process wall time and peak RSS of one command line
/// (default <c>--help</c>).
/// </summary>
internal static class StartupCommand
{
    public static Task<int> RunAsync(BenchArgs args)
    {
        var exe = Path.GetFullPath(args.String("exe", "out/esp-prov"));
        IReadOnlyList<string> commandLine = args.Rest.Count > 0 ? args.Rest : ["--help"];
        return ProcessTimer.SeriesAsync($"{Path.GetFileName(exe)} {string.Join(' ', commandLine)}", exe, commandLine, args.Int("runs", 50));
    }
}
