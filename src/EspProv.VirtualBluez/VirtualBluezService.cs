using Tmds.DBus.Protocol;

namespace EspProv.VirtualBluez;

/// <summary>
/// A software BlueZ 5.66 on a private bus: it owns <c>org.bluez</c> on its own dbus-daemon and models the central adapter
/// <c>hci0</c> and peripheral adapters <c>hci1</c>…<c>hciN</c> in radio range of each other. Whatever a peripheral registers
/// on <c>hciN</c> (GATT application, advertisement) is seen by centrals on <c>hci0</c> as a Device1 with that adapter's
/// address, as through real BlueZ hosts (docs/ble.md#bluez-central-role, #bluez-peripheral-role,
/// #a-bluez-stand-in-for-bleak; docs/virtual-bluez.md). Point clients at <see cref="BusAddress"/>
/// with <c>DBUS_SYSTEM_BUS_ADDRESS</c>.
/// </summary>
public sealed class VirtualBluezService : IAsyncDisposable
{
    private readonly DaemonProcess _daemon;
    private readonly DBusConnection _connection;
    private readonly BluezRoot _root;

    private VirtualBluezService(DaemonProcess daemon, DBusConnection connection, BluezRoot root)
    {
        _daemon = daemon;
        _connection = connection;
        _root = root;
    }

    /// <summary>Address of the private bus (for <c>DBUS_SYSTEM_BUS_ADDRESS</c> or <see cref="DBusConnection"/>).</summary>
    public string BusAddress => _daemon.Address;

    /// <summary>Process id of the private dbus-daemon (it dies with this process).</summary>
    public int DaemonProcessId => _daemon.ProcessId;

    /// <summary>The central adapter, <c>hci0</c> (the only powered adapter, so bleak picks it).</summary>
    public VirtualAdapter CentralAdapter => _root.Central.Info;

    /// <summary>The peripheral adapters <c>hci1</c>…<c>hciN</c>, each with GattManager1 and LEAdvertisingManager1.</summary>
    public IReadOnlyList<VirtualAdapter> PeripheralAdapters => [.. _root.Peripherals.Select(p => p.Info)];

    /// <summary>Starts the private dbus-daemon, exports the adapters and takes the <c>org.bluez</c> name.</summary>
    /// <param name="options">Settings; null for the defaults (one peripheral adapter).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="InvalidOperationException">dbus-daemon is missing or did not start.</exception>
    public static async Task<VirtualBluezService> StartAsync(VirtualBluezOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new VirtualBluezOptions();
        options.Validate();
        var daemon = await DaemonProcess.StartAsync(options.DaemonPath, options.StartTimeout, cancellationToken).ConfigureAwait(false);
        DBusConnection? connection = null;
        BluezRoot? root = null;
        try
        {
            connection = new DBusConnection(daemon.Address);
            await connection.ConnectAsync().AsTask().WaitAsync(options.StartTimeout, cancellationToken).ConfigureAwait(false);
            root = new BluezRoot(connection, options);
            for (var i = 0; i < options.PeripheralAdapters; i++)
            {
                root.AddPeripheral();
            }
            await root.StartAsync(cancellationToken).ConfigureAwait(false);
            return new VirtualBluezService(daemon, connection, root);
        }
        catch
        {
            root?.Dispose();
            connection?.Dispose();
            await daemon.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Adds a peripheral adapter <c>hci(N+1)</c>; it appears with InterfacesAdded.</summary>
    public VirtualAdapter AddPeripheralAdapter() => _root.AddPeripheral().Info;

    /// <summary>Powers the central adapter <c>hci0</c> on or off (<c>bluetoothctl power off</c>).</summary>
    public void SetCentralPowered(bool powered) => _root.Central.SetPowered(powered);

    /// <summary>Removes the central adapter <c>hci0</c>, as unplugging a USB dongle does; with no peripheral adapters BlueZ then lists none.</summary>
    public void RemoveCentralAdapter() => _root.Central.Remove();

    /// <summary>Device1.Connect calls the central's devices received so far, refused ones included.</summary>
    public int ConnectCalls
    {
        get
        {
            lock (_root.Gate)
            {
                return _root.ConnectCalls;
            }
        }
    }

    /// <summary>Links the central adapter has set up so far; they are numbered from 1 in the order of their Connect.</summary>
    public int Connections
    {
        get
        {
            lock (_root.Gate)
            {
                return _root.Connections;
            }
        }
    }

    /// <summary>
    /// Fault: the peripheral drops link number <paramref name="connection"/> (see <see cref="Connections"/>) during service
    /// discovery, as a device that disconnects while its database is read: Connect succeeds, then Connected becomes false
    /// before ServicesResolved is ever true, and the peripheral advertises again. Several numbers may be set.
    /// </summary>
    public void DropDuringServiceDiscovery(int connection)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connection, 1);
        _root.DropInDiscovery(connection);
    }

    /// <summary>
    /// Makes <c>hci0</c> remember the device of <paramref name="peripheral"/> as BlueZ does after an earlier connection: its
    /// Device1 is there with <paramref name="name"/>, Connected=false and no RSSI, though the peripheral does not advertise
    /// (a scan does not report it until it does). Connect to it fails while it is silent, as on a real host after a timeout.
    /// </summary>
    public void RememberDevice(VirtualAdapter peripheral, string name)
    {
        ArgumentNullException.ThrowIfNull(peripheral);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var adapter = _root.Peripherals.FirstOrDefault(p => p.Info == peripheral)
            ?? throw new ArgumentException($"{peripheral.Name} is not a peripheral adapter of this virtual BlueZ", nameof(peripheral));
        _root.Central.Remember(adapter, name);
    }

    /// <summary>Stops BlueZ (pending application calls end) and the private bus.</summary>
    public async ValueTask DisposeAsync()
    {
        _root.Dispose();
        _connection.Dispose();
        await _daemon.DisposeAsync().ConfigureAwait(false);
    }
}
