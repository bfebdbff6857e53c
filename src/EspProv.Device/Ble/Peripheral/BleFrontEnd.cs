using EspProv.Device.Ble.DBus;
using EspProv.Device.Core;
using EspProv.Transport.Ble.Bluez;
using Microsoft.Extensions.Logging;
using Tmds.DBus.Protocol;

namespace EspProv.Device.Ble.Peripheral;

/// <summary>
/// The BLE front-end: the simulated device as a BlueZ peripheral application (docs/ble.md#bluez-peripheral-role) on one
/// adapter, over its own D-Bus connection: a GATT application through <c>GattManager1.RegisterApplication</c> and an
/// advertisement through
/// <c>LEAdvertisingManager1.RegisterAdvertisement</c>. BlueZ itself suspends advertising while a central is connected
/// and resumes it afterwards, as ESP firmware does, so the front-end does not. Stopping unregisters both and drops the link.
/// </summary>
internal sealed class BleFrontEnd : IDeviceFrontEnd
{
    private readonly DBusConnection _connection;
    private readonly BleDeviceOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _stopLock = new();
    private string? _previousAlias;
    private Task? _stopTask;

    private BleFrontEnd(DBusConnection connection, GattProvisioningServer server, BleDeviceOptions options, string adapterPath, ILogger logger)
    {
        _connection = connection;
        Server = server;
        _options = options;
        AdapterPath = adapterPath;
        _logger = logger;
    }

    public string Name => "ble";

    public string Address => "ble " + DeviceName;

    /// <summary>The adapter the device is registered on, e.g. <c>/org/bluez/hci1</c>.</summary>
    public string AdapterPath { get; }

    /// <summary>The advertised name.</summary>
    public string DeviceName => _options.Name;

    public GattProvisioningServer Server { get; }

    public int OpenLinks => Server.OpenLinks;

    /// <summary>Connects to BlueZ, exports the application and registers it and the advertisement on the adapter.</summary>
    /// <exception cref="BleUnavailableException">No bus, no BlueZ, no suitable adapter, or BlueZ refused a registration.</exception>
    public static async Task<BleFrontEnd> StartAsync(DeviceService device, BleDeviceOptions options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var connection = new DBusConnection(options.BusAddress ?? DBusAddress.System ?? "unix:path=/var/run/dbus/system_bus_socket");
        BleFrontEnd? frontEnd = null;
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(options.CallTimeout, cancellationToken).ConfigureAwait(false);
            var adapter = options.AdapterPath ?? await FindAdapterAsync(connection, options, cancellationToken).ConfigureAwait(false);
            var layout = GattLayout.For([.. device.EndpointNames], options.ServiceUuid);
            var server = new GattProvisioningServer(device, layout, options.Stack, loggers.CreateLogger<GattProvisioningServer>());
            frontEnd = new BleFrontEnd(connection, server, options, adapter, loggers.CreateLogger<BleFrontEnd>());
            await frontEnd.RegisterAsync(cancellationToken).ConfigureAwait(false);
            return frontEnd;
        }
        catch (Exception e) when (e is DBusExceptionBase or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            connection.Dispose();
            throw new BleUnavailableException($"cannot register the BLE device with BlueZ: {e.Message}", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        await WatchCentralsAsync().ConfigureAwait(false);
        new GattApplicationObjects(Server, DisconnectAsync, _logger, _stopping.Token).Export(_connection, _options.ServiceUuid, _options.Name);
        // BlueZ's GAP Device Name is the adapter's Alias: make it the advertised name, as on the ESP
        // (docs/ble.md#advertising, #bluez-peripheral-role).
        _previousAlias = await GetAliasAsync(cancellationToken).ConfigureAwait(false);
        await SetAliasAsync(_options.Name, cancellationToken).ConfigureAwait(false);
        // Both replies are deferred until BlueZ has read our objects; Tmds keeps dispatching its calls meanwhile.
        await CallAsync(AdapterPath, BluezNames.GattManager, "RegisterApplication", "oa{sv}", (ref MessageWriter w) =>
        {
            w.WriteObjectPath(PeripheralNames.ApplicationPath);
            w.WriteDictionary(new Dictionary<string, VariantValue>());
        }, cancellationToken).ConfigureAwait(false);
        await CallAsync(AdapterPath, BluezNames.AdvertisingManager, "RegisterAdvertisement", "oa{sv}", (ref MessageWriter w) =>
        {
            w.WriteObjectPath(PeripheralNames.AdvertisementPath);
            w.WriteDictionary(new Dictionary<string, VariantValue>());
        }, cancellationToken).ConfigureAwait(false);
        _logger.BleAdvertising(_options.Name, AdapterPath, _options.Stack, _options.ServiceUuid);
    }

    /// <summary>The first powered adapter with GattManager1 and LEAdvertisingManager1.</summary>
    private static async Task<string> FindAdapterAsync(DBusConnection connection, BleDeviceOptions options, CancellationToken cancellationToken)
    {
        var objects = await BusCalls.CallAsync(connection, BluezNames.Service, "/", DBusNames.ObjectManager, "GetManagedObjects", null, null,
            ManagedObjects.Read, options.CallTimeout, cancellationToken).ConfigureAwait(false);
        foreach (var o in objects.OrderBy(o => o.Path, StringComparer.Ordinal))
        {
            if (o.Interfaces.TryGetValue(BluezNames.Adapter, out var adapter) && o.Interfaces.ContainsKey(BluezNames.GattManager)
                && o.Interfaces.ContainsKey(BluezNames.AdvertisingManager)
                && adapter.TryGet("Powered", VariantValueType.Bool, out var powered) && powered.GetBool())
            {
                return o.Path;
            }
        }

        throw new BleUnavailableException("no powered Bluetooth adapter with GattManager1 and LEAdvertisingManager1 (try `bluetoothctl power on`, or name one)", null);
    }

    /// <summary>Closes a central's session when BlueZ reports it disconnected (Connected=false) or removes it.</summary>
    private async Task WatchCentralsAsync()
    {
        await _connection.AddMatchAsync(
            new MatchRule { Type = MessageType.Signal, Sender = BluezNames.Service, Interface = DBusNames.Properties, Member = "PropertiesChanged", PathNamespace = AdapterPath },
            static (Message m, object? _) =>
            {
                var r = m.GetBodyReader();
                var iface = r.ReadString();
                var changed = r.ReadDictionaryOfStringToVariantValue();
                var down = iface == BluezNames.Device && changed.TryGet("Connected", VariantValueType.Bool, out var c) && !c.GetBool();
                return (m.PathAsString ?? string.Empty, down);
            },
            (Notification<(string Path, bool Down)> n) =>
            {
                if (n.HasValue && n.Value.Down)
                {
                    _ = Server.CentralDisconnectedAsync(n.Value.Path);
                }
            }, false, ObserverFlags.None, null).ConfigureAwait(false);
        await _connection.AddMatchAsync(
            new MatchRule { Type = MessageType.Signal, Sender = BluezNames.Service, Interface = DBusNames.ObjectManager, Member = "InterfacesRemoved" },
            static (Message m, object? _) =>
            {
                var r = m.GetBodyReader();
                var path = r.ReadObjectPathAsString();
                return (path, r.ReadArrayOfString().Contains(BluezNames.Device));
            },
            (Notification<(string Path, bool Device)> n) =>
            {
                if (n.HasValue && n.Value.Device)
                {
                    _ = Server.CentralDisconnectedAsync(n.Value.Path);
                }
            }, false, ObserverFlags.None, null).ConfigureAwait(false);
    }

    /// <summary>Device1.Disconnect on a central; completes once BlueZ reports the link down (or failed to).</summary>
    private async Task DisconnectAsync(string central)
    {
        try
        {
            await CallAsync(central, BluezNames.Device, "Disconnect", null, null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DBusExceptionBase or TimeoutException or ObjectDisposedException)
        {
            _logger.BleDisconnectFailed(central, e.Message);
        }

        // BlueZ answers Disconnect before it emits Connected=false; the session ends now either way.
        await Server.CentralDisconnectedAsync(central).ConfigureAwait(false);
    }

    public int DropLinks()
    {
        var centrals = Server.Centrals;
        foreach (var central in centrals)
        {
            _ = DisconnectAsync(central);
        }

        return centrals.Length;
    }

    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_stopLock)
        {
            return _stopTask ??= StopCoreAsync();
        }
    }

    /// <summary>As firmware ends provisioning: advertising ends, the endpoints go, then the BLE stack stops and the link drops.</summary>
    private async Task StopCoreAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await TryAsync(() => CallAsync(AdapterPath, BluezNames.AdvertisingManager, "UnregisterAdvertisement", "o",
            (ref MessageWriter w) => w.WriteObjectPath(PeripheralNames.AdvertisementPath), CancellationToken.None)).ConfigureAwait(false);
        await TryAsync(() => CallAsync(AdapterPath, BluezNames.GattManager, "UnregisterApplication", "o",
            (ref MessageWriter w) => w.WriteObjectPath(PeripheralNames.ApplicationPath), CancellationToken.None)).ConfigureAwait(false);
        foreach (var central in Server.Centrals)
        {
            await DisconnectAsync(central).ConfigureAwait(false);
        }
        if (_previousAlias is { } alias)
        {
            await TryAsync(() => SetAliasAsync(alias, CancellationToken.None)).ConfigureAwait(false);
        }

        await Server.CloseAllAsync().ConfigureAwait(false);
        _logger.BleStopped(_options.Name);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _connection.Dispose();
        _stopping.Dispose();
    }

    private async Task<string?> GetAliasAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await BusCalls.CallAsync(_connection, BluezNames.Service, AdapterPath, DBusNames.Properties, "Get", "ss", (ref MessageWriter w) =>
            {
                w.WriteString(BluezNames.Adapter);
                w.WriteString("Alias");
            }, static (m, _) => m.GetBodyReader().ReadVariantValue().GetString(), _options.CallTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (DBusErrorReplyException)
        {
            return null;
        }
    }

    private Task SetAliasAsync(string alias, CancellationToken cancellationToken) =>
        CallAsync(AdapterPath, DBusNames.Properties, "Set", "ssv", (ref MessageWriter w) =>
        {
            w.WriteString(BluezNames.Adapter);
            w.WriteString("Alias");
            w.WriteVariant(alias);
        }, cancellationToken);

    private Task CallAsync(string path, string iface, string member, string? signature, BodyWriter? args, CancellationToken cancellationToken) =>
        BusCalls.CallAsync(_connection, BluezNames.Service, path, iface, member, signature, args, _options.CallTimeout, cancellationToken);

    private async Task TryAsync(Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (Exception e) when (e is DBusExceptionBase or TimeoutException or ObjectDisposedException)
        {
            _logger.BleStopFailed(e.Message);
        }
    }
}
