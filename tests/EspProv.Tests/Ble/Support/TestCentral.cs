using EspProv.Device.Ble.DBus;
using EspProv.Transport.Ble.Bluez;
using Tmds.DBus.Protocol;

namespace EspProv.Tests.Ble.Support;

/// <summary>
/// A minimal BLE central over the BlueZ D-Bus API (docs/ble.md#bluez-central-role), as bleak uses it: it keeps a cache
/// of org.bluez objects from GetManagedObjects plus InterfacesAdded/InterfacesRemoved/PropertiesChanged, and waits on
/// that cache.
/// </summary>
internal sealed class TestCentral : IAsyncDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private readonly DBusConnection _connection;
    private readonly Dictionary<string, Dictionary<string, Dictionary<string, VariantValue>>> _objects = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TestCentral(DBusConnection connection)
    {
        _connection = connection;
    }

    public const string Adapter = "/org/bluez/hci0";

    public static async Task<TestCentral> StartAsync(string busAddress)
    {
        var connection = new DBusConnection(busAddress);
        await connection.ConnectAsync().AsTask().WaitAsync(CallTimeout);
        var central = new TestCentral(connection);
        await central.WatchAsync();
        var objects = await BusCalls.CallAsync(connection, "org.bluez", "/", DBusNames.ObjectManager, "GetManagedObjects",
            null, null, ManagedObjects.Read, CallTimeout, default);
        lock (central._gate)
        {
            foreach (var o in objects)
            {
                central.Merge(o.Path, o.Interfaces);
            }
        }
        return central;
    }

    /// <summary>A copy of the cached properties of an object's interface, or null.</summary>
    public Dictionary<string, VariantValue>? Properties(string path, string iface)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(path, out var ifaces) && ifaces.TryGetValue(iface, out var props) ? new(props) : null;
        }
    }

    public string[] Paths()
    {
        lock (_gate)
        {
            return [.. _objects.Keys];
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds on the cache (re-checked after every signal).</summary>
    public async Task<T> WaitForAsync<T>(Func<TestCentral, T?> condition, string what, TimeSpan timeout)
        where T : class
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }
            if (condition(this) is { } result)
            {
                return result;
            }
            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"{what}: not within {timeout}; objects: {string.Join(", ", Paths())}");
            }
        }
    }

    /// <summary>The first device whose Device1 properties satisfy <paramref name="match"/>.</summary>
    public string? FindDevice(Func<Dictionary<string, VariantValue>, bool> match) =>
        Paths().FirstOrDefault(p => Properties(p, "org.bluez.Device1") is { } d && match(d));

    public bool Is(string path, string iface, string property, bool expected) =>
        Properties(path, iface) is { } p && p.TryGetValue(property, out var v) && v.GetBool() == expected;

    public Task CallAsync(string path, string iface, string member, string? signature = null, BodyWriter? args = null) =>
        BusCalls.CallAsync(_connection, "org.bluez", path, iface, member, signature, args, CallTimeout, default);

    public Task StartDiscoveryAsync() => CallAsync(Adapter, "org.bluez.Adapter1", "StartDiscovery");

    public async Task ConnectAsync(string device)
    {
        await CallAsync(device, "org.bluez.Device1", "Connect");
        await WaitForAsync(c => c.Is(device, "org.bluez.Device1", "ServicesResolved", true) ? "" : null, "ServicesResolved", CallTimeout);
    }

    public Task<byte[]> ReadAsync(string path, string iface, ushort offset = 0) =>
        BusCalls.CallAsync(_connection, "org.bluez", path, iface, "ReadValue", "a{sv}", (ref MessageWriter w) =>
        {
            var options = new Dictionary<string, VariantValue>();
            if (offset != 0)
            {
                options["offset"] = VariantValue.UInt16(offset);
            }
            w.WriteDictionary(options);
        }, (m, _) => m.GetBodyReader().ReadArrayOfByte(), CallTimeout, default);

    public Task WriteAsync(string path, string iface, byte[] value, string type = "request") =>
        CallAsync(path, iface, "WriteValue", "aya{sv}", (ref MessageWriter w) =>
        {
            w.WriteArray(value);
            w.WriteDictionary(new Dictionary<string, VariantValue> { ["type"] = type });
        });

    /// <summary>The characteristic (or descriptor) object with this UUID below <paramref name="device"/>.</summary>
    public string FindAttribute(string device, string iface, string uuid) =>
        Paths().Single(p => p.StartsWith(device + "/", StringComparison.Ordinal)
            && Properties(p, iface) is { } props && props["UUID"].GetString() == uuid);

    private async Task WatchAsync()
    {
        await _connection.AddMatchAsync(
            new MatchRule { Type = MessageType.Signal, Sender = "org.bluez", Interface = DBusNames.ObjectManager, Member = "InterfacesAdded" },
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
                    Update(() => Merge(n.Value.Path, n.Value.Interfaces));
                }
            }, false, ObserverFlags.None, null);
        await _connection.AddMatchAsync(
            new MatchRule { Type = MessageType.Signal, Sender = "org.bluez", Interface = DBusNames.ObjectManager, Member = "InterfacesRemoved" },
            static (Message m, object? _) =>
            {
                var r = m.GetBodyReader();
                return (r.ReadObjectPathAsString(), r.ReadArrayOfString());
            },
            (Notification<(string Path, string[] Interfaces)> n) =>
            {
                if (n.HasValue)
                {
                    Update(() =>
                    {
                        if (_objects.TryGetValue(n.Value.Path, out var ifaces))
                        {
                            foreach (var i in n.Value.Interfaces)
                            {
                                ifaces.Remove(i);
                            }
                            if (ifaces.Count == 0)
                            {
                                _objects.Remove(n.Value.Path);
                            }
                        }
                    });
                }
            }, false, ObserverFlags.None, null);
        await _connection.AddMatchAsync(
            new MatchRule { Type = MessageType.Signal, Sender = "org.bluez", Interface = DBusNames.Properties, Member = "PropertiesChanged", PathNamespace = "/org/bluez" },
            static (Message m, object? _) =>
            {
                var r = m.GetBodyReader();
                return (m.PathAsString!, r.ReadString(), r.ReadDictionaryOfStringToVariantValue(), r.ReadArrayOfString());
            },
            (Notification<(string Path, string Interface, Dictionary<string, VariantValue> Changed, string[] Invalidated)> n) =>
            {
                if (n.HasValue)
                {
                    Update(() =>
                    {
                        if (_objects.TryGetValue(n.Value.Path, out var ifaces) && ifaces.TryGetValue(n.Value.Interface, out var props))
                        {
                            foreach ((var k, var v) in n.Value.Changed)
                            {
                                props[k] = v;
                            }
                            foreach (var k in n.Value.Invalidated)
                            {
                                props.Remove(k);
                            }
                        }
                    });
                }
            }, false, ObserverFlags.None, null);
    }

    private void Merge(string path, Dictionary<string, Dictionary<string, VariantValue>> interfaces)
    {
        if (!_objects.TryGetValue(path, out var ifaces))
        {
            _objects[path] = ifaces = new(StringComparer.Ordinal);
        }
        foreach ((var name, var props) in interfaces)
        {
            ifaces[name] = props;
        }
    }

    private void Update(Action change)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            change();
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    public ValueTask DisposeAsync()
    {
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }
}
