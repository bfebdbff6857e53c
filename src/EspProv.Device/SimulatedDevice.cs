using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EspProv.Device.Hosting;
using EspProv.Device.Wifi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EspProv.Device;

/// <summary>
/// A simulated Espressif provisioning device: protocomm + Wi-Fi provisioning over HTTP on Kestrel, wire-compatible
/// with firmware (PROTOCOL.md). Start with <see cref="StartAsync"/>, point a client at <see cref="Url"/>, inspect what
/// happened, dispose to stop. Every instance has its own state, so devices run side by side.
/// </summary>
/// <example>
/// <code>
/// await using var device = await SimulatedDevice.StartAsync(new SimulatedDeviceOptions { Port = 0, ConnectDelay = TimeSpan.Zero, Log = Console.WriteLine });
/// // provision http://127.0.0.1:{device.EndPoint.Port} with PoP "abcd1234", ssid "myssid", passphrase "mypassword"
/// </code>
/// </example>
public sealed class SimulatedDevice : IAsyncDisposable
{
    private readonly DeviceCore _core;
    private readonly DeviceHttpServer _server;
    private readonly WebApplication _app;
    private readonly Lock _stopLock = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _stopTask;

    /// <summary>esp_http_server's <c>backlog_conn</c> default.</summary>
    internal const int ListenBacklog = 5;

    private SimulatedDevice(DeviceCore core, DeviceHttpServer server, DeviceFaults faults, WebApplication app, IPEndPoint endPoint, SimulatedDeviceOptions options)
    {
        Faults = faults;
        _core = core;
        _server = server;
        _app = app;
        EndPoint = endPoint;
        Options = options;
        var host = endPoint.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]" : endPoint.Address.ToString();
        Url = new Uri($"http://{host}:{endPoint.Port.ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>The device's base URL, e.g. <c>http://127.0.0.1:8080/</c> (a wildcard listen address is shown as loopback).</summary>
    public Uri Url { get; }

    /// <summary>The address and port the device listens on (the real port when <see cref="SimulatedDeviceOptions.Port"/> was 0).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The options the device was started with.</summary>
    public SimulatedDeviceOptions Options { get; }

    /// <summary>The firmware family simulated.</summary>
    public DeviceFlavor Flavor => _core.Flavor;

    /// <summary>One-shot faults to inject into the next request for an endpoint.</summary>
    public DeviceFaults Faults { get; }

    /// <summary>The requests received so far, in order, with their outcome (the newest <see cref="SimulatedDeviceOptions.MaxRecordedRequests"/>, default 10,000, so memory stays flat under load).</summary>
    public IReadOnlyList<DeviceRequest> Requests => _server.Requests;

    /// <summary>The Wi-Fi station's current state.</summary>
    public StationStatus WifiStatus => _core.Manager.Station.Status;

    /// <summary>The provisioning manager's state.</summary>
    public ProvisioningState ProvisioningState => _core.Manager.State;

    /// <summary>Credentials received by set-config and not yet applied (null if none).</summary>
    public DeviceCredentials? PendingCredentials => _core.Manager.PendingCredentials;

    /// <summary>The station configuration: credentials applied and kept (null if none, or cleared by reset/reprov/rearm).</summary>
    public DeviceCredentials? AppliedCredentials => _core.Manager.AppliedCredentials;

    /// <summary>Every <c>custom-config</c> request received.</summary>
    public IReadOnlyList<CustomConfigRecord> CustomConfigs => _core.Manager.CustomConfigs;

    /// <summary>Every <c>custom-data</c> body received (decrypted).</summary>
    public IReadOnlyList<byte[]> CustomData => _core.Manager.CustomData;

    /// <summary>How many security sessions the device has created.</summary>
    public int SessionsCreated => _core.Protocomm.SessionsCreated;

    /// <summary>TCP connections currently open (at most 1, like firmware).</summary>
    public int OpenConnections => _server.OpenConnections;

    /// <summary>Requests received since start (also those <see cref="Requests"/> no longer keeps).</summary>
    public long RequestTotal => _server.RequestTotal;

    /// <summary>TCP connections accepted since start.</summary>
    public long ConnectionsAccepted => _server.ConnectionsAccepted;

    /// <summary>Connection handlers still running: the open connection plus purged ones still winding down.</summary>
    public int ConnectionHandlersRunning => _server.HandlersRunning;

    /// <summary>
    /// Closes every open connection at once, as firmware does when it purges its sockets or its HTTP server restarts; a
    /// request in progress on one is lost. The sockets are shut before this returns, so a client sees the close on its
    /// next request. Sessions keyed by socket (ESP8266, or a client that sends no cookie) go with their connection.
    /// </summary>
    /// <returns>How many connections were closed.</returns>
    public int DropConnections() => _server.DropConnections();

    /// <summary>Completes when the HTTP server has stopped (auto-stop, <see cref="StopAsync"/> or dispose).</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>Validates <paramref name="options"/>, binds the port and starts serving.</summary>
    /// <exception cref="IOException">The port is in use.</exception>
    public static async Task<SimulatedDevice> StartAsync(SimulatedDeviceOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var log = options.Log ?? (_ => { });
        var core = new DeviceCore(options, log);
        var faults = new DeviceFaults();
        var server = new DeviceHttpServer(core, options, faults, log);
        WebApplication? app = null;
        try
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "EspProv.Device" });
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<IHostLifetime, NoConsoleLifetime>();
            builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(2));
            // esp_http_server's listen backlog is 5 (PROTOCOL.md §3.1).
            builder.WebHost.UseSockets(sockets => sockets.Backlog = ListenBacklog);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Listen(options.ListenAddress, options.Port, listen => listen.Run(server.HandleConnectionAsync));
            });
            app = builder.Build();
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            var port = new Uri(address).Port;
            var shown = options.ListenAddress.Equals(IPAddress.Any) ? IPAddress.Loopback
                : options.ListenAddress.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
                : options.ListenAddress;
            var device = new SimulatedDevice(core, server, faults, app, new IPEndPoint(shown, port), options);
            core.Manager.StopRequested = () => _ = device.StopAsync();
            log($"device ({options.Flavor}, security {(int)(options.Security?.Scheme ?? EspProv.Security.SecurityScheme.Sec1)}) started on {device.Url}");
            return device;
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }

            server.Dispose();
            core.Dispose();
            throw;
        }
    }

    /// <summary>Stops the HTTP server (open connections are closed). Idempotent; state stays readable.</summary>
    public Task StopAsync()
    {
        lock (_stopLock)
        {
            return _stopTask ??= StopCoreAsync();
        }
    }

    private async Task StopCoreAsync()
    {
        _core.Manager.MarkStopped();
        try
        {
            await _app.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>Stops the device and releases everything.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _server.Dispose();
        _core.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"SimulatedDevice {{ {Flavor}, {Url} }}";
}
