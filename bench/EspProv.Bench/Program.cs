using BenchmarkDotNet.Running;
using EspProv.Bench.Timing;

namespace EspProv.Bench;

internal static class Program
{
    private const string Usage = """
        EspProv benchmarks (see docs/benchmarks.md):
          micro [BenchmarkDotNet args]     micro-benchmarks, e.g.: micro --filter '*'
          startup --exe out/esp-prov [--runs 50] [-- args]
                                           process wall time and peak RSS of one command line (default --help)
          e2e --exe out/esp-prov [--sec 1] [--runs 30]
                                           wall time and peak RSS of whole esp-prov provisioning runs
          load [--devices 16] [--seconds 10] [--sec 0|1|2] [--warmup 5]
                                           complete flows against a re-arming simulated fleet on loopback
          batch --exe out/esp-prov [--devices 100] [--concurrency 16] [--connect-delay 1000] [--runs 3]
                                           whole esp-prov batch runs, SQLite journal vs in-memory, against the floor
        """;

    private static async Task<int> Main(string[] args)
    {
        var command = args.Length > 0 ? args[0] : string.Empty;
        var rest = args.Length > 0 ? args[1..] : [];
        switch (command)
        {
            case "micro":
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest);
                return 0;
            case "startup":
                return await StartupCommand.RunAsync(new BenchArgs(rest));
            case "e2e":
                return await EndToEndCommand.RunAsync(new BenchArgs(rest));
            case "load":
                return await LoadCommand.RunAsync(new BenchArgs(rest));
            case "batch":
                return await BatchBenchCommand.RunAsync(new BenchArgs(rest));
            default:
                await Console.Error.WriteLineAsync(Usage);
                return 64;
        }
    }
}
