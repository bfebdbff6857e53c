using EspProv.Device;

namespace EspProv.Cli.Transports.Console;

/// <summary><c>esp-prov simulate --transport console</c>: devices whose consoles are pseudo-terminals, each path printed for clients.</summary>
internal static class SimulateConsole
{
    public static async Task<int> RunAsync(TextWriter output, TextWriter error, int count, Func<int, SimulatedDeviceOptions> options, CancellationToken cancellationToken)
    {
        var started = new List<SimulatedDevice>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var device = await SimulatedDevice.StartConsoleAsync(options(i), cancellationToken).ConfigureAwait(false);
                started.Add(device);
                // Alone at the end of its line, so scripts can take the port from it.
                output.WriteLine($"{(count == 1 ? string.Empty : $"[device {i + 1}] ")}console on {device.ConsolePath}");
            }

            output.WriteLine("press Ctrl+C to stop");
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            output.WriteLine("stopping");
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException)
        {
            await error.WriteLineAsync($"esp-prov simulate: cannot create the console's pseudo-terminal: {ex.Message}").ConfigureAwait(false);
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
