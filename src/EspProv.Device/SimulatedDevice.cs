using System.Net;
using EspProv.Device.Ble.Peripheral;
using EspProv.Device.Core;
using EspProv.Device.Hosting;
using EspProv.Device.InMemory;
using EspProv.Device.Wifi;
using EspProv.Transport.InMemory;
using Microsoft.Extensions.Logging;

namespace EspProv.Device;

/// <summary>
/// A simulated Espressif provisioning device: protocomm + Wi-Fi provisioning, wire-compatible with firmware
/// (docs/protocol.md), reachable through front-ends: HTTP on a loopback port (<see cref="StartAsync"/>) and in-memory
/// links (<see cref="InMemory"/>, always there; <see cref="CreateInMemory"/> for a device without sockets). Inspect
/// what happened, inject faults, dispose to stop. Every instance has its own state, so devices run side by side.
/// </summary>
/// <example>
/// <code>
/// await using var device = await SimulatedDevice.StartAsync(new SimulatedDeviceOptions { Port = 0, ConnectDelay = TimeSpan.Zero, LoggerFactory = loggerFactory });
/// // provision http://127.0.0.1:{device.EndPoint.Port} with PoP "abcd1234", ssid "myssid", passphrase "mypassword"
/// </code>
/// </example>
public sealed class SimulatedDevice : IAsyncDisposable
{
    private readonly DeviceCore _core;
    private readonly DeviceService _service;
    private readonly InMemoryFrontEnd _memory;
    private readonly List<IDeviceFrontEnd> _frontEnds = [];
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _stopTask;

    private SimulatedDevice(SimulatedDeviceOptions options)
    {
        Options = options;
        _core = new DeviceCore(options, options.LoggerFactory);
        Faults = new DeviceFaults();
        _service = new DeviceService(_core, options, Faults);
        _memory = new InMemoryFrontEnd(_service);
        _frontEnds.Add(_memory);
        _core.Manager.StopRequested = () => _ = StopAsync();
    }

    /// <summary>The device's HTTP base URL, e.g. <c>http://127.0.0.1:8080/</c> (a wildcard listen address is shown as loopback).</summary>
    /// <exception cref="InvalidOperationException">The device serves no HTTP (<see cref="CreateInMemory"/>).</exception>
    public Uri Url => Http.Url;

    /// <summary>The address and port the HTTP front-end listens on (the real port when <see cref="SimulatedDeviceOptions.Port"/> was 0).</summary>
    /// <exception cref="InvalidOperationException">The device serves no HTTP (<see cref="CreateInMemory"/>).</exception>
    public IPEndPoint EndPoint => Http.EndPoint;

    /// <summary>The in-memory front-end: pass it to <see cref="InMemoryTransport"/> to reach this device without sockets.</summary>
    public IInMemoryDevice InMemory => _memory;

    /// <summary>The options the device was started with.</summary>
    public SimulatedDeviceOptions Options { get; }

    /// <summary>The firmware family simulated.</summary>
    public DeviceFlavor Flavor => _core.Flavor;

    /// <summary>One-shot faults to inject into the next request for an endpoint, on any front-end.</summary>
    public DeviceFaults Faults { get; }

    /// <summary>The requests received so far on every front-end, in order, with their outcome (the newest <see cref="SimulatedDeviceOptions.MaxRecordedRequests"/>, default 10,000, so memory stays flat under load).</summary>
    public IReadOnlyList<DeviceRequest> Requests => _service.Requests;

    /// <summary>The Wi-Fi station's current state.</summary>
    public StationStatus WifiStatus => _core.Manager.Station.Status;

    /// <summary>The provisioning manager's state.</summary>
    public ProvisioningState ProvisioningState => _core.Manager.State;

    /// <summary>Credentials received by set-config and not yet applied (null if none).</summary>
    public DeviceCredentials? PendingCredentials => _core.Manager.PendingCredentials;

    /// <summary>The station configuration: credentials applied and kept (null if none, or cleared by reset/reprov/rearm).</summary>
    public DeviceCredentials? AppliedCredentials => _core.Manager.AppliedCredentials;

    /// <summary>
    /// How many apply requests the device acted on (started joining a network), over its whole life: tests assert
    /// "applied exactly once". A refused apply (no credentials, or a second one on ESP-IDF) does not count.
    /// </summary>
    public int AppliesReceived => _core.Manager.AppliesReceived;

    /// <summary>Every <c>custom-config</c> request received.</summary>
    public IReadOnlyList<CustomConfigRecord> CustomConfigs => _core.Manager.CustomConfigs;

    /// <summary>Every <c>custom-data</c> body received (decrypted).</summary>
    public IReadOnlyList<byte[]> CustomData => _core.Manager.CustomData;

    /// <summary>How many security sessions the device has created.</summary>
    public int SessionsCreated => _core.Protocomm.SessionsCreated;

    /// <summary>TCP connections currently open on the HTTP front-end (at most 1, like firmware); 0 without HTTP.</summary>
    public int OpenConnections => HttpOrNull?.OpenLinks ?? 0;

    /// <summary>Links currently open on every front-end.</summary>
    public int OpenLinks
    {
        get
        {
            lock (_lock)
            {
                return _frontEnds.Sum(f => f.OpenLinks);
            }
        }
    }

    /// <summary>Requests received since start (also those <see cref="Requests"/> no longer keeps).</summary>
    public long RequestTotal => _service.RequestTotal;

    /// <summary>TCP connections accepted since start on the HTTP front-end.</summary>
    public long ConnectionsAccepted => HttpOrNull?.Server.ConnectionsAccepted ?? 0;

    /// <summary>Connection handlers still running: the open connection plus purged ones still winding down.</summary>
    public int ConnectionHandlersRunning => HttpOrNull?.Server.HandlersRunning ?? 0;

    /// <summary>Completes when the device has stopped (auto-stop, <see cref="StopAsync"/> or dispose).</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>The name the device advertises over BLE; null when it serves no BLE (<see cref="StartBleAsync"/>).</summary>
    public string? BleName => Ble?.DeviceName;

    internal DeviceService Service => _service;

    /// <summary>When the station's current attempt reaches its outcome, on the device clock's timestamp scale (benchmarks measure detection from it).</summary>
    internal long StationOutcomeTimestamp => _core.Manager.Station.OutcomeTimestamp;

    /// <summary>The BLE front-end, when the device has one.</summary>
    internal BleFrontEnd? Ble => FrontEnd<BleFrontEnd>();

    private HttpFrontEnd? HttpOrNull => FrontEnd<HttpFrontEnd>();

    private HttpFrontEnd Http => HttpOrNull ?? throw new InvalidOperationException("this simulated device serves no HTTP (it was created in-memory only)");

    /// <summary>Validates <paramref name="options"/>, binds the HTTP port and starts serving (in-memory links work too).</summary>
    /// <exception cref="IOException">The port is in use.</exception>
    public static async Task<SimulatedDevice> StartAsync(SimulatedDeviceOptions options, CancellationToken cancellationToken = default)
    {
        var device = await StartWithAsync(options, async (service, ct) =>
            await HttpFrontEnd.StartAsync(service, options, options.LoggerFactory.CreateLogger<DeviceHttpServer>(), ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        options.LoggerFactory.CreateLogger<SimulatedDevice>().Started(options.Flavor, (int)(options.Security?.Scheme ?? EspProv.Security.SecurityScheme.Sec1), device.Url);
        return device;
    }

    /// <summary>
    /// The front-end seam: a device served by the front-end <paramref name="start"/> makes on the device's
    /// transport-neutral core (in-memory links work too). Each transport's front-end lives in its own folder and starts
    /// through this; the device stops it with the others, and <see cref="FrontEnd{T}"/> finds it again.
    /// </summary>
    internal static async Task<SimulatedDevice> StartWithAsync(SimulatedDeviceOptions options, Func<DeviceService, CancellationToken, Task<IDeviceFrontEnd>> start,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var device = CreateInMemory(options);
        try
        {
            device.Attach(await start(device._service, cancellationToken).ConfigureAwait(false));
            return device;
        }
        catch
        {
            await device.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The device's front-end of type <typeparamref name="T"/>, when it has one.</summary>
    internal T? FrontEnd<T>()
        where T : class, IDeviceFrontEnd
    {
        lock (_lock)
        {
            return _frontEnds.OfType<T>().FirstOrDefault();
        }
    }

    /// <summary>
    /// Validates the options and starts a device that BLE centrals reach through BlueZ
    /// (docs/ble.md#bluez-peripheral-role): it registers a GATT application and an advertisement on
    /// <paramref name="ble"/>'s adapter, laid out and behaving as ESP-IDF firmware (in-memory links work too).
    /// Auto-stop unregisters both and drops the link, as firmware stops its BLE stack.
    /// </summary>
    /// <example>
    /// <code>
    /// // With the virtual BlueZ (no Bluetooth hardware): a central on hci0 finds "PROV_TEST01".
    /// await using var bluez = await VirtualBluez.StartAsync();
    /// await using var device = await SimulatedDevice.StartBleAsync(new SimulatedDeviceOptions(),
    ///     new BleDeviceOptions { Name = "PROV_TEST01", Adapter = "hci1", BusAddress = bluez.BusAddress });
    /// </code>
    /// </example>
    /// <exception cref="ArgumentException">Invalid options, or an ESP8266 flavor (it has no BLE).</exception>
    /// <exception cref="BleUnavailableException">No bus, no BlueZ, no suitable adapter, or BlueZ refused a registration.</exception>
    public static async Task<SimulatedDevice> StartBleAsync(SimulatedDeviceOptions options, BleDeviceOptions ble, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ble);
        ble.Validate();
        if (options.Flavor == DeviceFlavor.Esp8266)
        {
            throw new ArgumentException("the ESP8266 has no BLE: use the idf flavor for a BLE device", nameof(options));
        }

        return await StartWithAsync(options, async (service, ct) =>
            await BleFrontEnd.StartAsync(service, ble, options.LoggerFactory, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates a device reachable only in-memory (<see cref="InMemory"/>): no port, no socket, for tests of app code.
    /// </summary>
    public static SimulatedDevice CreateInMemory(SimulatedDeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new SimulatedDevice(options);
    }

    /// <summary>An <see cref="InMemoryTransport"/> to this device (the caller disposes it).</summary>
    public InMemoryTransport CreateInMemoryTransport(InMemoryTransportOptions? options = null) => new(_memory, options);

    /// <summary>Adds a front-end; the device stops it with the others.</summary>
    internal void Attach(IDeviceFrontEnd frontEnd)
    {
        lock (_lock)
        {
            _frontEnds.Add(frontEnd);
        }
    }

    /// <summary>
    /// Closes every open link at once, on every front-end, as firmware does when it purges its sockets, restarts its
    /// server, or a BLE link drops; a request in progress on one is lost. TCP sockets are shut before this returns, so
    /// a client sees the close on its next request. Sessions keyed by link go with their link.
    /// </summary>
    /// <returns>How many links were closed.</returns>
    public int DropConnections()
    {
        lock (_lock)
        {
            return _frontEnds.Sum(f => f.DropLinks());
        }
    }

    /// <summary>Stops every front-end (open links are closed). Idempotent; state stays readable.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return _stopTask ??= StopCoreAsync();
        }
    }

    private async Task StopCoreAsync()
    {
        _core.Manager.MarkStopped();
        try
        {
            IDeviceFrontEnd[] frontEnds;
            lock (_lock)
            {
                frontEnds = [.. _frontEnds];
            }

            foreach (var frontEnd in frontEnds)
            {
                await frontEnd.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
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
        IDeviceFrontEnd[] frontEnds;
        lock (_lock)
        {
            frontEnds = [.. _frontEnds];
        }

        foreach (var frontEnd in frontEnds)
        {
            await frontEnd.DisposeAsync().ConfigureAwait(false);
        }

        _service.Dispose();
        _core.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"SimulatedDevice {{ {Flavor}, {(HttpOrNull is { } http ? http.Url.ToString() : Ble is { } b ? "ble " + b.DeviceName : "in-memory")} }}";
}
