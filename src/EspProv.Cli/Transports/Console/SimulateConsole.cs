using System.CommandLine;
using EspProv.Device;

namespace EspProv.Cli.Transports.Console;

/// <summary><c>esp-prov simulate --transport console</c>: devices whose consoles are pseudo-terminals, each path printed for clients.</summary>
internal sealed class SimulateConsole : ISimulateFrontEnd
{
    public IEnumerable<Option> Options => [];

    public void Check(ParseResult result, bool chosen, DeviceFlavor flavor, int count)
    {
    }

    public async Task<int> RunAsync(SimulateRun run, ParseResult result, CancellationToken cancellationToken)
    {
        var started = new List<SimulatedDevice>();
        try
        {
            await run.ServeAsync(async () =>
            {
                for (var i = 0; i < run.Count; i++)
                {
                    var device = await SimulatedDevice.StartConsoleAsync(run.Options(i), cancellationToken).ConfigureAwait(false);
                    started.Add(device);
                    // Alone at the end of its line, so scripts can take the port from it.
                    run.Output.WriteLine($"{run.Prefix(i)}console on {device.ConsolePath}");
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException)
        {
            await run.Error.WriteLineAsync($"esp-prov simulate: cannot create the console's pseudo-terminal: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.NoConnection;
        }
        finally
        {
            foreach (var device in started)
            {
                await device.DisposeAsync().ConfigureAwait(false);
            }
        }

        return ExitCodes.Success;
    }
}
