using System.CommandLine;
using System.Diagnostics;
using System.Net;

namespace EspProv.Cli.Web;

/// <summary>
/// <c>esp-prov web</c>: serves the browser app (src/EspProv.Web, embedded in this binary) on localhost, a secure
/// context where Web Bluetooth works without HTTPS (docs/web.md). Stops on Ctrl+C.
/// </summary>
internal static class WebCommand
{
    public const string Name = "web";
    public const string Description = "serve the browser app (provisioning over Web Bluetooth in Chrome or Edge) from this binary on localhost";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var listen = new Option<string>("--listen") { Description = "address and port to serve on (port 0 = a free port; browsers allow Web Bluetooth only on localhost or HTTPS)", DefaultValueFactory = _ => "127.0.0.1:8000", HelpName = "ip:port" };
        var open = new Option<bool>("--open") { Description = "open the page in the default browser" };
        var command = new Command(Name, Description)
        {
            listen, open,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            IPEndPoint endpoint;
            try
            {
                var (address, port) = SimulateCommand.ParseListen(result.GetValue(listen)!);
                endpoint = new IPEndPoint(address, port);
            }
            catch (FormatException ex)
            {
                await error.WriteLineAsync($"esp-prov: error: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            return await RunAsync(output, error, endpoint, result.GetValue(open), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(TextWriter output, TextWriter error, IPEndPoint endpoint, bool open, CancellationToken cancellationToken)
    {
        var assets = WebAssets.Load();
        if (assets.Count == 0)
        {
            await error.WriteLineAsync("esp-prov: error: this esp-prov was built without the web app (-p:EspProvEmbedWeb=false)").ConfigureAwait(false);
            return ExitCodes.InternalError;
        }

        await using var server = new WebServer(assets, endpoint);
        try
        {
            server.Start();
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            await error.WriteLineAsync($"esp-prov: error: cannot listen on {endpoint}: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var bound = server.Endpoint;
        var host = bound.Address.Equals(IPAddress.Any) || IPAddress.IsLoopback(bound.Address) ? "localhost" : bound.Address.ToString();
        var url = $"http://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{bound.Port}/";
        await output.WriteLineAsync($"serving the EspProv web app at {url} (Chrome or Edge; press Ctrl+C to stop)").ConfigureAwait(false);
        if (host != "localhost")
        {
            await output.WriteLineAsync("note: browsers offer Web Bluetooth only on localhost or HTTPS; from another machine, serve `dotnet publish src/EspProv.Web` over HTTPS (docs/web.md)").ConfigureAwait(false);
        }

        if (open)
        {
            OpenBrowser(url, error);
        }

        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C.
        }

        return ExitCodes.Success;
    }

    private static void OpenBrowser(string url, TextWriter error)
    {
        var opener = OperatingSystem.IsWindows() ? "explorer" : OperatingSystem.IsMacOS() ? "open" : "xdg-open";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(opener, url) { UseShellExecute = false });
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            error.WriteLine($"esp-prov: could not open a browser ({opener}: {ex.Message}); open {url} yourself");
        }
    }
}
