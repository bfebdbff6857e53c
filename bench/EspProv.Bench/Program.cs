using BenchmarkDotNet.Running;

namespace EspProv.Bench;

internal static class Program
{
    private const string Usage = """
        EspProv benchmarks (see docs/benchmarks.md):
          micro [BenchmarkDotNet args]     micro-benchmarks, e.g.: micro --filter '*'
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
            default:
                await Console.Error.WriteLineAsync(Usage);
                return 64;
        }
    }
}
