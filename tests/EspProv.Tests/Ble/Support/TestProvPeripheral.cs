using System.Collections.Concurrent;
using System.Text;
using EspProv.Device.Ble.DBus;
using Tmds.DBus.Protocol;

namespace EspProv.Tests.Ble.Support;

/// <summary>
/// A stand-in for the simulated device's future BLE front-end: over its own D-Bus connection it registers, on one
/// peripheral adapter, a GATT application and an advertisement laid out as docs/ble.md#gatt-layout, #advertising,
/// #bluez-peripheral-role describe a provisioning device (example service UUID, six read|write characteristics each
/// with an exact 0x2901 name). A write stores the endpoint's response, a read returns it from the requested offset;
/// <c>proto-ver</c> answers a fixed JSON.
/// </summary>
internal sealed class TestProvPeripheral : IAsyncDisposable
{
    public const string ServiceUuid = "021a9004-0382-4aea-bff4-6b3f1c5adfb4";
    public const string ProtoVerAnswer = """{"prov":{"ver":"v1.1","sec_ver":1,"cap":["wifi_scan"]}}""";
    public static readonly string[] Endpoints = ["prov-ctrl", "prov-scan", "prov-session", "prov-config", "proto-ver", "custom-data"];

    private static readonly string[] ReadWrite = ["read", "write"];
    private static readonly string[] ReadOnly = ["read"];

    private const string AppPath = "/com/espprov/test";
    private const string AdvPath = "/com/espprov/test/advertisement0";
    private const string CudUuid = "00002901-0000-1000-8000-00805f9b34fb";

    private readonly DBusConnection _connection;
    private readonly string _adapterPath;
    private readonly Dictionary<string, byte[]> _values = [];
    private readonly Dictionary<string, string> _endpointOfPath = [];

    private TestProvPeripheral(DBusConnection connection, string adapterPath, string name)
    {
        _connection = connection;
        _adapterPath = adapterPath;
        Name = name;
    }

    public string Name { get; }

    /// <summary>Options of every ReadValue/WriteValue received, with the endpoint (or "endpoint/desc") they were for.</summary>
    public ConcurrentQueue<(string Target, string Method, Dictionary<string, VariantValue> Options)> Calls { get; } = new();

    /// <summary>Writes to this endpoint are never answered (to observe a link loss while a request is pending).</summary>
    public string? HangOnWrite { get; set; }

    /// <summary>Set once a write is hanging: the <c>device</c> option it carried.</summary>
    public TaskCompletionSource<string> HungWriteDevice { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string UniqueName => _connection.UniqueName!;

    public static async Task<TestProvPeripheral> StartAsync(string busAddress, string adapterPath, string name, TimeSpan timeout)
    {
        var connection = new DBusConnection(busAddress);
        await connection.ConnectAsync().AsTask().WaitAsync(timeout);
        var peripheral = new TestProvPeripheral(connection, adapterPath, name);
        peripheral.ExportObjects();
        await BusCalls.CallAsync(connection, "org.bluez", adapterPath, "org.bluez.GattManager1", "RegisterApplication", "oa{sv}",
            (ref MessageWriter w) =>
            {
                w.WriteObjectPath(AppPath);
                w.WriteDictionary(new Dictionary<string, VariantValue>());
            }, timeout, default);
        await BusCalls.CallAsync(connection, "org.bluez", adapterPath, "org.bluez.LEAdvertisingManager1", "RegisterAdvertisement", "oa{sv}",
            (ref MessageWriter w) =>
            {
                w.WriteObjectPath(AdvPath);
                w.WriteDictionary(new Dictionary<string, VariantValue>());
            }, timeout, default);
        return peripheral;
    }

    public Task UnregisterAdvertisementAsync(TimeSpan timeout) =>
        BusCalls.CallAsync(_connection, "org.bluez", _adapterPath, "org.bluez.LEAdvertisingManager1", "UnregisterAdvertisement", "o",
            (ref MessageWriter w) => w.WriteObjectPath(AdvPath), timeout, default);

    /// <summary>Drops the link from the peripheral side, as Bluedroid does on a protocol error
    /// (docs/ble.md#bluez-peripheral-role).</summary>
    public Task DisconnectCentralAsync(string devicePath, TimeSpan timeout) =>
        BusCalls.CallAsync(_connection, "org.bluez", devicePath, "org.bluez.Device1", "Disconnect", null, null, timeout, default);

    private void ExportObjects()
    {
        var app = new ObjectServer(_connection, AppPath);
        var service = AppPath + "/service0";
        app.Export(new ExportedObject(service).With("org.bluez.GattService1", new()
        {
            ["UUID"] = ServiceUuid,
            ["Primary"] = true,
        }));
        for (var i = 0; i < Endpoints.Length; i++)
        {
            var endpoint = Endpoints[i];
            var uuid = "021a" + (0xff4f + i).ToString("x4", System.Globalization.CultureInfo.InvariantCulture) + ServiceUuid[8..];
            var chr = service + "/char" + i;
            var desc = chr + "/desc0";
            _endpointOfPath[chr] = endpoint;
            _endpointOfPath[desc] = endpoint + "/desc";
            _values[chr] = [];
            _values[desc] = Encoding.ASCII.GetBytes(endpoint);
            app.Export(new ExportedObject(chr) { Methods = call => Handle(call, app) }.With("org.bluez.GattCharacteristic1", new()
            {
                ["UUID"] = uuid,
                ["Service"] = VariantValue.ObjectPath(service),
                ["Flags"] = VariantValue.Array(ReadWrite),
            }));
            app.Export(new ExportedObject(desc) { Methods = call => Handle(call, app) }.With("org.bluez.GattDescriptor1", new()
            {
                ["UUID"] = CudUuid,
                ["Characteristic"] = VariantValue.ObjectPath(chr),
                ["Flags"] = VariantValue.Array(ReadOnly),
            }));
        }
        var adv = new ObjectServer(_connection, AdvPath);
        adv.Export(new ExportedObject(AdvPath) { Methods = call => call.Member == "Release" }.With("org.bluez.LEAdvertisement1", new()
        {
            ["Type"] = "peripheral",
            ["ServiceUUIDs"] = VariantValue.Array(new[] { ServiceUuid }),
            ["LocalName"] = Name,
            ["Discoverable"] = true,
        }));
    }

    private bool Handle(MethodCall call, ObjectServer app)
    {
        lock (app.Gate)
        {
            var target = _endpointOfPath[call.Path];
            var reader = call.GetReader();
            switch (call.Member)
            {
                case "ReadValue":
                {
                    var options = reader.ReadDictionaryOfStringToVariantValue();
                    Calls.Enqueue((target, call.Member, options));
                    var offset = options.TryGetValue("offset", out var o) ? o.GetUInt16() : 0;
                    var value = _values[call.Path];
                    if (offset > value.Length)
                    {
                        call.ReplyError("org.bluez.Error.InvalidOffset", "Invalid offset");
                        return true;
                    }
                    var rest = value[offset..];
                    call.Reply("ay", (ref MessageWriter w) => w.WriteArray(rest));
                    return true;
                }
                case "WriteValue":
                {
                    var request = reader.ReadArrayOfByte();
                    var options = reader.ReadDictionaryOfStringToVariantValue();
                    Calls.Enqueue((target, call.Member, options));
                    if (target == HangOnWrite)
                    {
                        call.Defer();
                        HungWriteDevice.TrySetResult(options["device"].GetObjectPathAsString());
                        return true;
                    }
                    _values[call.Path] = target == "proto-ver" ? Encoding.UTF8.GetBytes(ProtoVerAnswer) : request;
                    call.ReplyEmpty();
                    return true;
                }
                default:
                    return false;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }
}
