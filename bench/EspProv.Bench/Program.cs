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
          e2e-ble --exe out/esp-prov [--runs 30] [--stack nimble|bluedroid]
                                           the same over BLE, against a device on a virtual BlueZ in this process
          load [--devices 16] [--seconds 10] [--sec 0|1|2] [--warmup 5] [--transport http|memory]
                                           complete flows against a re-arming simulated fleet
          detect [--runs 10] [--delays 0,1000,3000] [--flavor idf|esp8266]
                                           latency from the device's Wi-Fi verdict to the client seeing it
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
            case "e2e-ble":
                return await BleEndToEndCommand.RunAsync(new BenchArgs(rest));
            case "load":
                return await LoadCommand.RunAsync(new BenchArgs(rest));
            case "detect":
                return await DetectCommand.RunAsync(new BenchArgs(rest));
            case "batch":
                return await BatchBenchCommand.RunAsync(new BenchArgs(rest));
            default:
                await Console.Error.WriteLineAsync(Usage);
                return 64;
        }
    }
}
