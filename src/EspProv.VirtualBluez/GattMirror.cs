using System.Globalization;
using EspProv.Device.Ble.DBus;
using Tmds.DBus.Protocol;

namespace EspProv.VirtualBluez;

/// <summary>One remote attribute object under the central's device, and the application object behind it.</summary>
internal sealed class MirrorAttribute(ExportedObject obj, GattApplication app, string appPath, string iface, IReadOnlyList<string> flags)
{
    public ExportedObject Object { get; } = obj;

    public GattApplication App { get; } = app;

    /// <summary>The application's object (target of ReadValue/WriteValue).</summary>
    public string AppPath { get; } = appPath;

    /// <summary><c>GattCharacteristic1</c> or <c>GattDescriptor1</c>.</summary>
    public string Interface { get; } = iface;

    /// <summary>The application's flags (properties and permissions).</summary>
    public IReadOnlyList<string> Flags { get; } = flags;

    /// <summary>A request on this attribute is waiting for the application (a second one gets InProgress).</summary>
    public bool Busy { get; set; }

    /// <summary>For a CCCD BlueZ adds itself: the value it serves without asking the application.</summary>
    public byte[]? LocalValue { get; set; }
}

/// <summary>
/// The central's copy of a peripheral's GATT database: <c>serviceHHHH</c>/<c>charHHHH</c>/<c>descHHHH</c> objects below the
/// device, named by ATT handle (docs/ble.md#bluez-central-role; src/gatt-client.c). Handles are allocated as the
/// peripheral's BlueZ does (src/gatt-database.c): its own GAP and GATT services come first, then each application's
/// services in the order its GetManagedObjects listed them, each characteristic taking a declaration and a value
/// handle, then a CCCD BlueZ adds for notify/indicate (unless the application has one), then the application's
/// descriptors.
/// </summary>
internal sealed class GattMirror(RemoteDevice device, BluezRoot root)
{
    /// <summary>First handle after the peripheral BlueZ's GAP and GATT services (paths as in
    /// docs/ble.md#bluez-central-role: service000c…).</summary>
    private const int FirstApplicationHandle = 0x000c;

    private static readonly string Cccd = BluezNames.Uuid16(0x2902);

    private static readonly string[] PropertyFlags =
        ["broadcast", "read", "write-without-response", "write", "notify", "indicate", "authenticated-signed-writes", "extended-properties", "reliable-write", "writable-auxiliaries"];

    private readonly List<ExportedObject> _objects = [];
    private readonly List<string> _serviceUuids = [];
    private int _generation = -1;

    public bool IsExported => _objects.Count > 0;

    public bool IsCurrent => _generation == device.Peripheral.GattGeneration;

    public IReadOnlyList<string> ServiceUuids => _serviceUuids;

    public void Build(Link link)
    {
        _generation = device.Peripheral.GattGeneration;
        var operations = new GattOperations(device, root);
        var handle = FirstApplicationHandle;
        foreach (var app in device.Peripheral.Applications)
        {
            foreach (var service in app.Services)
            {
                var servicePath = device.Path + "/service" + Hex(handle++);
                Export(new ExportedObject(servicePath).With(BluezNames.GattService, new()
                {
                    ["UUID"] = service.Uuid,
                    ["Device"] = VariantValue.ObjectPath(device.Path),
                    ["Primary"] = service.Primary,
                    ["Includes"] = VariantValue.Array(Array.Empty<ObjectPath>()),
                }));
                _serviceUuids.Add(service.Uuid);
                foreach (var chr in service.Characteristics)
                {
                    var charPath = servicePath + "/char" + Hex(handle);
                    handle += 2;
                    var flags = RemoteFlags(chr.Flags);
                    var props = new Dictionary<string, VariantValue>(StringComparer.Ordinal)
                    {
                        ["UUID"] = chr.Uuid,
                        ["Service"] = VariantValue.ObjectPath(servicePath),
                        ["Flags"] = VariantValue.Array(flags),
                        ["MTU"] = VariantValue.UInt16(link.Mtu),
                    };
                    if (flags.Contains("notify") || flags.Contains("indicate"))
                    {
                        props["Notifying"] = false;
                    }
                    var chrAttr = new MirrorAttribute(new ExportedObject(charPath) { Methods = operations.Handle }.With(BluezNames.GattCharacteristic, props),
                        app, chr.Path, BluezNames.GattCharacteristic, chr.Flags);
                    operations.Add(chrAttr);
                    Export(chrAttr.Object);
                    if ((flags.Contains("notify") || flags.Contains("indicate")) && !chr.Descriptors.Any(d => d.Uuid == Cccd))
                    {
                        ExportDescriptor(operations, app, charPath, handle++, Cccd, "", ["read", "write"], [0, 0]);
                    }
                    foreach (var desc in chr.Descriptors)
                    {
                        ExportDescriptor(operations, app, charPath, handle++, desc.Uuid, desc.Path, desc.Flags, null);
                    }
                }
            }
        }
    }

    public void SetMtu(ushort mtu)
    {
        foreach (var obj in _objects.Where(o => o.HasInterface(BluezNames.GattCharacteristic)))
        {
            root.Server.SetProperty(obj, BluezNames.GattCharacteristic, "MTU", VariantValue.UInt16(mtu));
        }
    }

    /// <summary>Removes the objects, innermost first (InterfacesRemoved for each).</summary>
    public void RemoveAll()
    {
        for (var i = _objects.Count - 1; i >= 0; i--)
        {
            root.Server.Remove(_objects[i].Path);
        }
        _objects.Clear();
        _serviceUuids.Clear();
        _generation = -1;
    }

    private void ExportDescriptor(GattOperations operations, GattApplication app, string charPath, int handle, string uuid, string appPath,
        IReadOnlyList<string> flags, byte[]? localValue)
    {
        // Remote descriptors have no Flags in BlueZ 5.66 (src/gatt-client.c).
        var obj = new ExportedObject(charPath + "/desc" + Hex(handle)) { Methods = operations.Handle }
            .With(BluezNames.GattDescriptor, new()
            {
                ["UUID"] = uuid,
                ["Characteristic"] = VariantValue.ObjectPath(charPath),
            });
        operations.Add(new MirrorAttribute(obj, app, appPath, BluezNames.GattDescriptor, flags) { LocalValue = localValue });
        Export(obj);
    }

    private void Export(ExportedObject obj)
    {
        _objects.Add(obj);
        root.Server.Export(obj);
    }

    /// <summary>What a remote central sees of an application's flags: only the characteristic properties (permissions such
    /// as <c>secure-read</c> become <c>read</c>), in BlueZ's order.</summary>
    private static string[] RemoteFlags(IReadOnlyList<string> appFlags)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var flag in appFlags)
        {
            set.Add(flag switch
            {
                "encrypt-read" or "encrypt-authenticated-read" or "secure-read" => "read",
                "encrypt-write" or "encrypt-authenticated-write" or "secure-write" => "write",
                "encrypt-notify" or "encrypt-authenticated-notify" or "secure-notify" => "notify",
                "encrypt-indicate" or "encrypt-authenticated-indicate" or "secure-indicate" => "indicate",
                _ => flag,
            });
            if (flag is "reliable-write" or "writable-auxiliaries")
            {
                set.Add("extended-properties");
            }
        }
        return [.. PropertyFlags.Where(set.Contains)];
    }

    private static string Hex(int handle) => handle.ToString("x4", CultureInfo.InvariantCulture);
}
