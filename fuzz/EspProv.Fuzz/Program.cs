using EspProv.Fuzz.Targets;
using SharpFuzz;

namespace EspProv.Fuzz;

/// <summary>
/// SharpFuzz entry point for AFL++: <c>EspProv.Fuzz client</c> fuzzes the client's response parsing
/// (<see cref="ClientTargets"/>). <c>EspProv.Fuzz replay FILE...</c> runs saved inputs once, outside AFL.
/// See fuzz/run.sh and docs/reliability.md.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "client";
        switch (mode)
        {
            case "client":
                Fuzzer.OutOfProcess.Run(stream =>
                {
                    using var buffer = new MemoryStream();
                    stream.CopyTo(buffer);
                    ClientTargets.Run(buffer.ToArray());
                });
                return 0;
            case "replay":
                foreach (var file in args.Skip(1))
                {
                    ClientTargets.Run(File.ReadAllBytes(file));
                    Console.WriteLine($"ok {Path.GetFileName(file)}");
                }

                return 0;
            default:
                Console.Error.WriteLine("usage: EspProv.Fuzz client | replay FILE...");
                return 64;
        }
    }
}
