using EspProv.Transport.Ble.Bluez;
using Tmds.DBus.Protocol;

namespace EspProv.Transport.SoftAp.NetworkManager;

/// <summary>
/// One connection to NetworkManager on the system bus: method calls and property reads, each with a timeout from the
/// <see cref="TimeProvider"/>. NetworkManager's D-Bus API: https://networkmanager.dev/docs/api/latest/spec.html.
/// </summary>
internal sealed class NmBus : IDisposable
{
    public const string Service = "org.freedesktop.NetworkManager";
    public const string RootPath = "/org/freedesktop/NetworkManager";
    public const string SettingsPath = "/org/freedesktop/NetworkManager/Settings";
    public const string Device = Service + ".Device";
    public const string Wireless = Service + ".Device.Wireless";
    public const string AccessPoint = Service + ".AccessPoint";
    public const string Active = Service + ".Connection.Active";
    public const string Settings = Service + ".Settings";
    public const string SettingsConnection = Service + ".Settings.Connection";
    public const string Ip4Config = Service + ".IP4Config";
    private const string Properties = "org.freedesktop.DBus.Properties";

    private readonly DBusConnection _connection;
    private readonly TimeProvider _time;
    private readonly TimeSpan _callTimeout;

    private NmBus(DBusConnection connection, TimeProvider time, TimeSpan callTimeout)
    {
        _connection = connection;
        _time = time;
        _callTimeout = callTimeout;
    }

    /// <summary>Connects and checks that NetworkManager answers; every failure is <see cref="SoftApJoinFailure.Unavailable"/>.</summary>
    public static async Task<NmBus> ConnectAsync(string? busAddress, TimeProvider time, TimeSpan callTimeout, string ssid, CancellationToken cancellationToken)
    {
        var address = BluezApi.SystemBusAddress(busAddress);
        var bus = new NmBus(new DBusConnection(address), time, callTimeout);
        try
        {
            await bus._connection.ConnectAsync().AsTask().WaitAsync(callTimeout, time, cancellationToken).ConfigureAwait(false);
            await bus.GetAsync(RootPath, Service, "Version", cancellationToken).ConfigureAwait(false);
            return bus;
        }
        catch (DBusErrorReplyException ex)
        {
            bus.Dispose();
            throw new SoftApJoinException(SoftApJoinFailure.Unavailable, ssid, ex.ErrorName == "org.freedesktop.DBus.Error.ServiceUnknown"
                ? "joining needs NetworkManager, and it is not running (no org.freedesktop.NetworkManager on the system bus)"
                : $"NetworkManager did not answer ({ex.ErrorName}: {ex.ErrorMessage})", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not SoftApJoinException)
        {
            bus.Dispose();
            throw new SoftApJoinException(SoftApJoinFailure.Unavailable, ssid,
                $"joining needs NetworkManager on the D-Bus system bus, and there is none at {address} ({ex.Message})", ex);
        }
    }

    /// <summary>Calls a method; <paramref name="read"/> parses the reply. Throws <see cref="DBusErrorReplyException"/> for an error reply.</summary>
    public Task<T> CallAsync<T>(string path, string iface, string member, string? signature, ArgsWriter? args,
        MessageValueReader<T> read, CancellationToken cancellationToken)
    {
        var writer = _connection.GetMessageWriter();
        MessageBuffer message;
        try
        {
            writer.WriteMethodCallHeader(Service, path, iface, member, signature, MessageFlags.None);
            args?.Invoke(ref writer);
            message = writer.CreateMessage();
        }
        finally
        {
            writer.Dispose();
        }

        return _connection.CallMethodAsync(message, read, null).WaitAsync(_callTimeout, _time, cancellationToken);
    }

    /// <summary>Calls a method whose reply carries nothing of interest.</summary>
    public Task CallAsync(string path, string iface, string member, string? signature, ArgsWriter? args, CancellationToken cancellationToken) =>
        CallAsync(path, iface, member, signature, args, static (_, _) => true, cancellationToken);

    /// <summary>Reads one property.</summary>
    public Task<VariantValue> GetAsync(string path, string iface, string name, CancellationToken cancellationToken) =>
        CallAsync(path, Properties, "Get", "ss", (ref MessageWriter w) =>
        {
            w.WriteString(iface);
            w.WriteString(name);
        }, static (m, _) => m.GetBodyReader().ReadVariantValue(), cancellationToken);

    /// <summary>Reads all properties of an interface.</summary>
    public Task<Dictionary<string, VariantValue>> GetAllAsync(string path, string iface, CancellationToken cancellationToken) =>
        CallAsync(path, Properties, "GetAll", "s", (ref MessageWriter w) => w.WriteString(iface),
            static (m, _) => m.GetBodyReader().ReadDictionaryOfStringToVariantValue(), cancellationToken);

    /// <summary>Calls <paramref name="onStateChanged"/> with (new state, old state, reason) for each state change of a device.</summary>
    public Task<IDisposable> WatchDeviceStateAsync(string devicePath, Action<uint, uint, uint> onStateChanged, CancellationToken cancellationToken) =>
        _connection.WatchSignalAsync(Service, devicePath, Device, "StateChanged",
            static (m, _) =>
            {
                var r = m.GetBodyReader();
                return (r.ReadUInt32(), r.ReadUInt32(), r.ReadUInt32());
            },
            (Notification<(uint New, uint Old, uint Reason)> n) =>
            {
                if (n.HasValue)
                {
                    onStateChanged(n.Value.New, n.Value.Old, n.Value.Reason);
                }
            }, ObserverFlags.None, emitOnCapturedContext: false).AsTask().WaitAsync(_callTimeout, _time, cancellationToken);

    public static List<string> Paths(VariantValue value)
    {
        var paths = new List<string>();
        if (value.Type == VariantValueType.Array && value.ItemType == VariantValueType.ObjectPath)
        {
            for (var i = 0; i < value.Count; i++)
            {
                paths.Add(value.GetItem(i).GetObjectPathAsString());
            }
        }

        return paths;
    }

    public static string? Path(Dictionary<string, VariantValue> props, string name) =>
        props.TryGetValue(name, out var v) && v.Type == VariantValueType.ObjectPath && v.GetObjectPathAsString() is { Length: > 1 } p ? p : null;

    public static string? String(Dictionary<string, VariantValue> props, string name) =>
        props.TryGetValue(name, out var v) && v.Type == VariantValueType.String ? v.GetString() : null;

    public static uint UInt(Dictionary<string, VariantValue> props, string name) =>
        props.TryGetValue(name, out var v) && v.Type == VariantValueType.UInt32 ? v.GetUInt32() : 0;

    public void Dispose() => _connection.Dispose();
}
