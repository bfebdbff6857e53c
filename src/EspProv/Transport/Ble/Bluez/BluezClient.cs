using EspProv.Exceptions;
using Tmds.DBus.Protocol;

namespace EspProv.Transport.Ble.Bluez;

/// <summary>Writes a method call's arguments.</summary>
internal delegate void ArgsWriter(ref MessageWriter writer);

/// <summary>
/// One connection to BlueZ on the system bus, with a cache of BlueZ's objects: loaded once with GetManagedObjects and
/// kept current by InterfacesAdded, InterfacesRemoved and PropertiesChanged, as bleak does
/// (docs/ble.md#bluez-central-role, #a-bluez-stand-in-for-bleak). Waits are conditions on the cache, re-checked after
/// every signal, each with a timeout.
/// </summary>
internal sealed class BluezClient : IDisposable
{
    private readonly DBusConnection _connection;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, Dictionary<string, VariantValue>>> _objects = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BluezClient(DBusConnection connection, TimeProvider time, string address)
    {
        _connection = connection;
        _time = time;
        BusAddress = address;
    }

    /// <summary>Raised after a signal changed (or added) properties of an interface: path, interface, the changed names.</summary>
    public event Action<string, string, IReadOnlyCollection<string>>? Changed;

    public string BusAddress { get; }

    /// <summary>Connects to the bus and loads BlueZ's objects. Every failure is <see cref="TransportFailure.Unavailable"/>.</summary>
    public static async Task<BluezClient> ConnectAsync(string? busAddress, TimeProvider time, TimeSpan timeout, string endpoint, CancellationToken cancellationToken)
    {
        var address = BluezApi.SystemBusAddress(busAddress);
        var connection = new DBusConnection(address);
        var client = new BluezClient(connection, time, address);
        try
        {
            try
            {
                await connection.ConnectAsync().AsTask().WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new BleTransportException(TransportFailure.Unavailable, endpoint,
                    $"no D-Bus system bus at {address} ({ex.Message}): BLE needs the system bus and BlueZ", innerException: ex);
            }

            await client.WatchAsync().ConfigureAwait(false);
            await client.LoadAsync(timeout, endpoint, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Calls a BlueZ method; <paramref name="read"/> parses the reply. Throws <see cref="DBusErrorReplyException"/> for an error reply.</summary>
    public Task<T> CallAsync<T>(string path, string iface, string member, string? signature, ArgsWriter? args,
        MessageValueReader<T> read, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var writer = _connection.GetMessageWriter();
        MessageBuffer message;
        try
        {
            writer.WriteMethodCallHeader(BluezApi.Service, path, iface, member, signature, MessageFlags.None);
            args?.Invoke(ref writer);
            message = writer.CreateMessage();
        }
        finally
        {
            writer.Dispose();
        }

        return _connection.CallMethodAsync(message, read, null).WaitAsync(timeout, _time, cancellationToken);
    }

    /// <summary>Calls a BlueZ method whose reply carries nothing of interest.</summary>
    public Task CallAsync(string path, string iface, string member, string? signature, ArgsWriter? args, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync(path, iface, member, signature, args, static (_, _) => true, timeout, cancellationToken);

    /// <summary>A copy of the cached properties of an object's interface, or null when BlueZ has no such object.</summary>
    public Dictionary<string, VariantValue>? Properties(string path, string iface)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(path, out var ifaces) && ifaces.TryGetValue(iface, out var props) ? new(props) : null;
        }
    }

    /// <summary>Paths of the objects with <paramref name="iface"/>, in path order, optionally only below <paramref name="under"/>.</summary>
    public List<string> PathsWith(string iface, string? under = null)
    {
        lock (_gate)
        {
            return [.. _objects.Where(o => o.Value.ContainsKey(iface) && (under is null || o.Key.StartsWith(under + "/", StringComparison.Ordinal)))
                .Select(o => o.Key).Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>True when the cached boolean property has the expected value.</summary>
    public bool Is(string path, string iface, string property, bool expected) =>
        Properties(path, iface) is { } props && props.TryGetValue(property, out var v) && v.Type == VariantValueType.Bool && v.GetBool() == expected;

    /// <summary>Waits until <paramref name="condition"/> holds on the cache. False when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitForAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition())
            {
                return true;
            }

            try
            {
                await changed.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return condition();
            }
        }
    }

    private async Task LoadAsync(TimeSpan timeout, string endpoint, CancellationToken cancellationToken)
    {
        List<ManagedObject> objects;
        try
        {
            objects = await CallAsync("/", BluezApi.ObjectManager, "GetManagedObjects", null, null, ManagedObjects.Read, timeout, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (DBusErrorReplyException ex)
        {
            throw new BleTransportException(TransportFailure.Unavailable, endpoint, ex.ErrorName == "org.freedesktop.DBus.Error.ServiceUnknown"
                    ? "BlueZ is not running (no org.bluez on the system bus): start bluetoothd (systemctl start bluetooth)"
                    : $"BlueZ did not answer ({ex.ErrorName}: {ex.ErrorMessage})", ex.ErrorName, ex);
        }
        catch (TimeoutException ex)
        {
            throw new BleTransportException(TransportFailure.Unavailable, endpoint, $"BlueZ did not answer within {timeout.TotalSeconds:0.#} s", innerException: ex);
        }

        lock (_gate)
        {
            foreach (var (path, interfaces) in objects)
            {
                Merge(path, interfaces);
            }
        }
    }

    private async Task WatchAsync()
    {
        await _connection.AddMatchAsync(
            new MatchRule { Type = MessageType.Signal, Sender = BluezApi.Service, Interface = BluezApi.ObjectManager, Member = "InterfacesAdded" },
            static (Message m, object? _) =>
            {
                var r = m.GetBodyReader();
                var path = r.ReadObjectPathAsString();
                return (path, ManagedObjects.ReadInterfaces(ref r));
            },
            (Notification<(string Path, Dictionary<string, Dictionary<string, VariantValue>> Interfaces)> n) =>
            {
                if (n.HasValue)
                {
                    Update(() => Merge(n.Value.Path, n.Value.Interfaces),
                        [.. n.Value.Interfaces.Select(i => (n.Value.Path, i.Key, (IReadOnlyCollection<string>)i.Value.Keys.ToArray()))]);
                }
            }, false, ObserverFlags.None, null).ConfigureAwait(false);
        await _connection.AddMatchAsync(
            new MatchRule { Type = MessageType.Signal, Sender = BluezApi.Service, Interface = BluezApi.ObjectManager, Member = "InterfacesRemoved" },
            static (Message m, object? _) =>
            {
                var r = m.GetBodyReader();
                return (r.ReadObjectPathAsString(), r.ReadArrayOfString());
            },
            (Notification<(string Path, string[] Interfaces)> n) =>
            {
                if (n.HasValue)
                {
                    Update(() => Remove(n.Value.Path, n.Value.Interfaces), []);
                }
            }, false, ObserverFlags.None, null).ConfigureAwait(false);
        await _connection.AddMatchAsync(
            new MatchRule { Type = MessageType.Signal, Sender = BluezApi.Service, Interface = BluezApi.Properties, Member = "PropertiesChanged", PathNamespace = "/org/bluez" },
            static (Message m, object? _) =>
            {
                var r = m.GetBodyReader();
                return (m.PathAsString!, r.ReadString(), r.ReadDictionaryOfStringToVariantValue(), r.ReadArrayOfString());
            },
            (Notification<(string Path, string Interface, Dictionary<string, VariantValue> Changed, string[] Invalidated)> n) =>
            {
                if (n.HasValue)
                {
                    var (path, iface, changed, invalidated) = n.Value;
                    Update(() => Apply(path, iface, changed, invalidated), [(path, iface, changed.Keys)]);
                }
            }, false, ObserverFlags.None, null).ConfigureAwait(false);
    }

    private void Update(Action change, (string Path, string Interface, IReadOnlyCollection<string> Keys)[] events)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            change();
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        foreach (var (path, iface, keys) in events)
        {
            Changed?.Invoke(path, iface, keys);
        }

        changed.TrySetResult();
    }

    private void Merge(string path, Dictionary<string, Dictionary<string, VariantValue>> interfaces)
    {
        if (!_objects.TryGetValue(path, out var ifaces))
        {
            _objects[path] = ifaces = new(StringComparer.Ordinal);
        }

        foreach (var (name, props) in interfaces)
        {
            if (ifaces.TryGetValue(name, out var known))
            {
                foreach (var (key, value) in props)
                {
                    known[key] = value;
                }
            }
            else
            {
                ifaces[name] = props;
            }
        }
    }

    private void Remove(string path, string[] interfaces)
    {
        if (_objects.TryGetValue(path, out var ifaces))
        {
            foreach (var i in interfaces)
            {
                ifaces.Remove(i);
            }

            if (ifaces.Count == 0)
            {
                _objects.Remove(path);
            }
        }
    }

    private void Apply(string path, string iface, Dictionary<string, VariantValue> changed, string[] invalidated)
    {
        // BlueZ sends PropertiesChanged only for objects it announced, so a miss is an object we do not track.
        if (_objects.TryGetValue(path, out var ifaces) && ifaces.TryGetValue(iface, out var props))
        {
            foreach (var (key, value) in changed)
            {
                props[key] = value;
            }

            foreach (var key in invalidated)
            {
                props.Remove(key);
            }
        }
    }

    public void Dispose() => _connection.Dispose();
}
