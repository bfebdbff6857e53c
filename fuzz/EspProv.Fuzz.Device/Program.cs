using EspProv.Fuzz.Device.Targets;
using SharpFuzz;

namespace EspProv.Fuzz.Device;

/// <summary>
/// SharpFuzz entry point for AFL++: <c>EspProv.Fuzz.Device device</c> fuzzes the simulated device's request handling
/// (<see cref="DeviceTargets"/>). <c>EspProv.Fuzz.Device replay FILE...</c> runs saved inputs once, outside AFL.
/// See fuzz/run.sh and docs/reliability.md.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "device";
        switch (mode)
        {
            case "device":
                Fuzzer.OutOfProcess.Run(stream =>
                {
                    using var buffer = new MemoryStream();
                    stream.CopyTo(buffer);
                    DeviceTargets.Run(buffer.ToArray());
                });
                return 0;
            case "replay":
                foreach (var file in args.Skip(1))
                {
                    Console.WriteLine($"{Path.GetFileName(file)}: {DeviceTargets.Describe(File.ReadAllBytes(file))}");
                    DeviceTargets.Run(File.ReadAllBytes(file));
                    Console.WriteLine($"ok {Path.GetFileName(file)}");
                }

                return 0;
            default:
                Console.Error.WriteLine("usage: EspProv.Fuzz.Device device | replay FILE...");
                return 64;
        }
    }
}
