using EspProv.Device.Core;
using EspProv.Device.InMemory;
using EspProv.Device.Wifi;
using EspProv.Transport.InMemory;
using Microsoft.Extensions.Logging;

namespace EspProv.Device;

/// <summary>
/// A simulated Espressif provisioning device: protocomm + Wi-Fi or Thread provisioning, wire-compatible with firmware
/// (docs/protocol.md). The device is a transport-neutral core composed with front-ends, each in its own folder with its
/// entry points as extension members: HTTP (<see cref="SimulatedHttp"/>), BLE (<see cref="SimulatedBle"/>), the serial
/// console (<see cref="SimulatedConsole"/>) and in-memory links (<see cref="InMemory"/>, always there;
/// <see cref="CreateInMemory"/> for a device without any other). Inspect what happened, inject faults, dispose to stop.
/// Every instance has its own state, so devices run side by side.
/// </summary>
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
    public ProvisioningState ProvisioningState => _core.State;

    /// <summary>A Thread device's state (<see cref="DeviceFlavor.Netprov"/> with <see cref="SimulatedDeviceOptions.NetworkType"/> Thread); null for a Wi-Fi device.</summary>
    public EspProv.Thread.ThreadStatus? ThreadStatus => _core.Thread?.RadioStatus is { } s
        ? new(s.State, s.FailureReason, s.Network is { } n ? new EspProv.Thread.ThreadNetworkInfo(n.PanId, n.ExtendedPanId, n.Channel, n.NetworkName) : null)
        : null;

    /// <summary>Credentials received by set-config and not yet applied (null if none).</summary>
    public DeviceCredentials? PendingCredentials => _core.Manager.PendingCredentials;

    /// <summary>The station configuration: credentials applied and kept (null if none, or cleared by reset/reprov/rearm).</summary>
    public DeviceCredentials? AppliedCredentials => _core.Manager.AppliedCredentials;

    /// <summary>
    /// How many apply requests the device acted on (started joining a network), over its whole life: tests assert
    /// "applied exactly once". A refused apply (no credentials, or a second one on ESP-IDF) does not count.
    /// </summary>
    public int AppliesReceived => _core.Manager.AppliesReceived + (_core.Thread?.AppliesReceived ?? 0);

    /// <summary>Every <c>custom-config</c> request received.</summary>
    public IReadOnlyList<CustomConfigRecord> CustomConfigs => _core.Manager.CustomConfigs;

    /// <summary>Every <c>custom-data</c> body received (decrypted).</summary>
    public IReadOnlyList<byte[]> CustomData => _core.Manager.CustomData;

    /// <summary>How many security sessions the device has created.</summary>
    public int SessionsCreated => _core.Protocomm.SessionsCreated;

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

    /// <summary>Completes when the device has stopped (auto-stop, <see cref="StopAsync"/> or dispose).</summary>
    public Task Stopped => _stopped.Task;

    internal DeviceService Service => _service;

    /// <summary>When the station's current attempt reaches its outcome, on the device clock's timestamp scale (benchmarks measure detection from it).</summary>
    internal long StationOutcomeTimestamp => _core.Manager.Station.OutcomeTimestamp;

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
    public override string ToString()
    {
        lock (_lock)
        {
            return $"SimulatedDevice {{ {Flavor}, {_frontEnds[^1].Address} }}";
        }
    }
}
