using System.CommandLine;
using EspProv.Device;

namespace EspProv.Cli.Transports.SoftAp;

/// <summary><c>esp-prov simulate --transport softap</c>: each device's HTTP server on <c>--listen</c> (consecutive ports for a fleet).</summary>
internal sealed class SimulateSoftAp : ISimulateFrontEnd
{
    private readonly Option<string> _listen = new("--listen") { Description = "address and port to listen on (port 0 = a free port)", DefaultValueFactory = _ => "127.0.0.1:8080", HelpName = "ip:port" };

    public IEnumerable<Option> Options => [_listen];

    public void Check(ParseResult result, bool chosen, DeviceFlavor flavor, int count) => SimulateCommand.ParseListen(result.GetValue(_listen)!);

    public async Task<int> RunAsync(SimulateRun run, ParseResult result, CancellationToken cancellationToken)
    {
        var (address, port) = SimulateCommand.ParseListen(result.GetValue(_listen)!);
        var started = new List<SimulatedDevice>();
        try
        {
            run.PrintDataset();
            await run.ServeAsync(async () =>
            {
                for (var i = 0; i < run.Count; i++)
                {
                    var http = new HttpDeviceOptions { ListenAddress = address, Port = port == 0 ? 0 : port + i };
                    var device = await SimulatedDevice.StartAsync(run.Options(i), http, cancellationToken).ConfigureAwait(false);
                    started.Add(device);
                    run.Started(i, device);
                    // Each device of a fleet has its own soft-AP name, as real devices do (from the MAC, here the port).
                    run.Output.WriteLine($"{run.Prefix(i)}listening on {device.Url.ToString().TrimEnd('/')}" + (run.Count == 1 ? string.Empty : $" as {DeviceName(device)}"));
                }

                if (run.Count == 1)
                {
                    run.PrintLabel(DeviceName(started[0]), "softap", "SoftAP");
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            // The HTTP front-end reports an address it cannot bind (in use, not local) this way.
            await run.Error.WriteLineAsync($"esp-prov simulate: cannot listen: {ex.Message}").ConfigureAwait(false);
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

    /// <summary>The device's soft-AP name, <c>PROV_</c> and 6 hex digits (distinct: one port per device).</summary>
    internal static string DeviceName(SimulatedDevice device) => $"PROV_{device.EndPoint.Port:X6}";
}
