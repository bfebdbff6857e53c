using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EspProv.Device.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EspProv.Device.Hosting;

/// <summary>
/// The HTTP front-end: Kestrel only accepts TCP connections (backlog 5, as esp_http_server), and
/// <see cref="DeviceHttpServer"/> speaks HTTP on them byte for byte as firmware does.
/// </summary>
internal sealed class HttpFrontEnd : IDeviceFrontEnd
{
    /// <summary>esp_http_server's <c>backlog_conn</c> default.</summary>
    internal const int ListenBacklog = 5;

    private readonly WebApplication _app;
    private readonly DeviceHttpServer _server;
    private readonly Lock _stopLock = new();
    private Task? _stopTask;

    private HttpFrontEnd(WebApplication app, DeviceHttpServer server, IPEndPoint endPoint)
    {
        _app = app;
        _server = server;
        EndPoint = endPoint;
        var host = endPoint.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]" : endPoint.Address.ToString();
        Url = new Uri($"http://{host}:{endPoint.Port.ToString(CultureInfo.InvariantCulture)}/");
    }

    public string Name => "http";

    public Uri Url { get; }

    public IPEndPoint EndPoint { get; }

    public DeviceHttpServer Server => _server;

    public int OpenLinks => _server.OpenConnections;

    /// <summary>Binds the port of <paramref name="options"/> and starts serving <paramref name="device"/>.</summary>
    public static async Task<HttpFrontEnd> StartAsync(DeviceService device, SimulatedDeviceOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var server = new DeviceHttpServer(device, options, logger);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "EspProv.Device" });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, NoConsoleLifetime>();
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.UseSockets(sockets => sockets.Backlog = ListenBacklog);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.ListenAddress, options.Port, listen => listen.Run(server.HandleConnectionAsync));
        });
        var app = builder.Build();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var port = new Uri(address).Port;
        var shown = options.ListenAddress.Equals(IPAddress.Any) ? IPAddress.Loopback
            : options.ListenAddress.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : options.ListenAddress;
        return new HttpFrontEnd(app, server, new IPEndPoint(shown, port));
    }

    public int DropLinks() => _server.DropConnections();

    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_stopLock)
        {
            return _stopTask ??= _app.StopAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
