using EspProv.Device.Ble.DBus;
using Tmds.DBus.Protocol;

namespace EspProv.VirtualBluez;

/// <summary>
/// The central adapter <c>hci0</c>: Adapter1 with discovery (docs/ble.md#bluez-central-role,
/// #a-bluez-stand-in-for-bleak; src/adapter.c). While at least one client has a discovery session, each advertising
/// peripheral is reported once per StartDiscovery after a delay drawn from its advertising interval, as InterfacesAdded
/// for a new device or PropertiesChanged(RSSI, …) for a known one.
/// </summary>
internal sealed class CentralAdapter : IDisposable
{
    private static readonly string[] FilterKeys = ["UUIDs", "RSSI", "Pathloss", "Transport", "DuplicateData", "Discoverable", "Pattern"];

    private static readonly string[] Roles = ["central", "peripheral"];

    private readonly BluezRoot _root;
    private readonly ExportedObject _object;
    private readonly Dictionary<string, string[]> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _filters = new(StringComparer.Ordinal);
    private readonly Dictionary<PeripheralAdapter, RemoteDevice> _devices = [];
    private readonly Dictionary<PeripheralAdapter, ITimer> _reports = [];

    public CentralAdapter(BluezRoot root, VirtualAdapter info)
    {
        _root = root;
        Info = info;
        _object = new ExportedObject(info.Path) { Methods = HandleMethod, Setter = SetProperty }
            .With(BluezNames.Adapter, new()
            {
                ["Address"] = info.Address,
                ["AddressType"] = "public",
                ["Name"] = "vbluez",
                ["Alias"] = "vbluez",
                ["Class"] = VariantValue.UInt32(0),
                ["Powered"] = true,
                ["Discoverable"] = false,
                ["DiscoverableTimeout"] = VariantValue.UInt32(180),
                ["Pairable"] = false,
                ["PairableTimeout"] = VariantValue.UInt32(0),
                ["Discovering"] = false,
                ["UUIDs"] = VariantValue.Array(Array.Empty<string>()),
                ["Modalias"] = "usb:v1D6Bp0246d0542",
                ["Roles"] = VariantValue.Array(Roles),
            });
        root.Server.Export(_object);
    }

    public VirtualAdapter Info { get; }

    public bool Discovering => _sessions.Count > 0;

    public BluezRoot Root => _root;

    /// <summary>Powers the adapter on or off, as <c>bluetoothctl power</c> does: the Powered property changes.</summary>
    public void SetPowered(bool powered) => _root.Server.SetProperty(_object, BluezNames.Adapter, "Powered", powered);

    /// <summary>Takes the adapter away, as unplugging a USB dongle does (InterfacesRemoved).</summary>
    public void Remove() => _root.Server.Remove(Info.Path);

    /// <summary>A peripheral started, changed or stopped advertising, or its link went down.</summary>
    public void OnAdvertisingChanged(PeripheralAdapter peripheral)
    {
        if (peripheral.OnAir is null)
        {
            CancelReport(peripheral);
            // A discovered device that stops advertising goes away (BlueZ: when its temporary timeout expires).
            if (_devices.TryGetValue(peripheral, out var device) && device.Link is null && !device.EverConnected)
            {
                RemoveDeviceObject(peripheral, device);
            }
            return;
        }
        ScheduleReport(peripheral);
    }

    /// <summary>The peripheral's set of GATT applications changed.</summary>
    public void OnGattChanged(PeripheralAdapter peripheral)
    {
        if (_devices.TryGetValue(peripheral, out var device))
        {
            device.OnGattChanged();
        }
    }

    /// <summary>
    /// Makes this adapter remember <paramref name="peripheral"/> as BlueZ does after an earlier connection: its Device1
    /// stays (name, Connected=false, no RSSI) whether or not it advertises. Nothing changes if it is already known.
    /// </summary>
    public void Remember(PeripheralAdapter peripheral, string name)
    {
        lock (_root.Gate)
        {
            if (!_devices.ContainsKey(peripheral))
            {
                var remembered = new AdvertisementData(string.Empty, string.Empty, Connectable: true, name, [], new Dictionary<ushort, byte[]>(),
                    new Dictionary<string, byte[]>(StringComparer.Ordinal), IncludesLocalName: false, TxPower: null, MaxInterval: null);
                _devices[peripheral] = new RemoteDevice(this, peripheral, remembered, rssi: null);
            }
        }
    }

    public void OnClientGone(string uniqueName)
    {
        _filters.Remove(uniqueName);
        if (_sessions.Remove(uniqueName))
        {
            AfterSessionEnded();
        }
    }

    private bool HandleMethod(MethodCall call)
    {
        if (call.Interface != BluezNames.Adapter)
        {
            return false;
        }
        switch (call.Member)
        {
            case "StartDiscovery":
                var first = _sessions.Count == 0;
                _sessions[call.Sender] = _filters.GetValueOrDefault(call.Sender) ?? [];
                call.ReplyEmpty();
                if (first)
                {
                    _root.Server.SetProperty(_object, BluezNames.Adapter, "Discovering", true);
                    foreach (var p in _root.Peripherals)
                    {
                        ScheduleReport(p);
                    }
                }
                return true;
            case "StopDiscovery":
                if (!_sessions.Remove(call.Sender))
                {
                    call.ReplyError(BluezNames.ErrorFailed, "No discovery started");
                    return true;
                }
                call.ReplyEmpty();
                AfterSessionEnded();
                return true;
            case "SetDiscoveryFilter":
                var filter = call.GetReader().ReadDictionaryOfStringToVariantValue();
                string[] uuids = filter.TryGet("UUIDs", VariantValueType.Array, out var u) && u.ItemType == VariantValueType.String
                    ? [.. u.GetArray<string>().Select(s => BluezNames.NormalizeUuid(s) ?? s)]
                    : [];
                _filters[call.Sender] = uuids;
                if (_sessions.ContainsKey(call.Sender))
                {
                    _sessions[call.Sender] = uuids;
                }
                call.ReplyEmpty();
                return true;
            case "GetDiscoveryFilters":
                call.Reply("as", (ref MessageWriter w) => w.WriteArray(FilterKeys));
                return true;
            case "RemoveDevice":
                var path = call.GetReader().ReadObjectPathAsString();
                var entry = _devices.FirstOrDefault(d => d.Value.Path == path);
                if (entry.Value is null)
                {
                    call.ReplyError(BluezNames.ErrorDoesNotExist, "Does Not Exist");
                    return true;
                }
                if (entry.Value.Link is { } link)
                {
                    _root.DropLink(link, null);
                }
                RemoveDeviceObject(entry.Key, entry.Value);
                call.ReplyEmpty();
                return true;
            default:
                return false;
        }
    }

    private (string, string)? SetProperty(string iface, string property, VariantValue value)
    {
        if (property is "Powered" or "Discoverable" or "Pairable" && value.Type == VariantValueType.Bool)
        {
            _root.Server.SetProperty(_object, iface, property, value.GetBool());
            return null;
        }
        if (property == "Alias" && value.Type == VariantValueType.String)
        {
            _root.Server.SetProperty(_object, iface, property, value.GetString());
            return null;
        }
        return (BluezNames.ErrorInvalidArguments, "Invalid arguments in method call");
    }

    private void AfterSessionEnded()
    {
        if (_sessions.Count > 0)
        {
            return;
        }
        foreach (var timer in _reports.Values)
        {
            timer.Dispose();
        }
        _reports.Clear();
        _root.Server.SetProperty(_object, BluezNames.Adapter, "Discovering", false);
        foreach (var device in _devices.Values)
        {
            device.OnDiscoveryStopped();
        }
    }

    /// <summary>Reports an advertiser after a delay: uniform in its advertising interval plus the 0–10 ms advDelay.</summary>
    private void ScheduleReport(PeripheralAdapter peripheral)
    {
        var adv = peripheral.OnAir;
        if (!Discovering || adv is null || _reports.ContainsKey(peripheral))
        {
            return;
        }
        var interval = adv.MaxInterval ?? _root.Options.AdvertisingInterval;
        var delay = (interval * _root.Random.NextDouble()) + TimeSpan.FromMilliseconds(10 * _root.Random.NextDouble());
        _reports[peripheral] = _root.Options.TimeProvider.CreateTimer(
            static state =>
            {
                var (self, p) = ((CentralAdapter, PeripheralAdapter))state!;
                self.OnReportDue(p);
            },
            (this, peripheral), delay, Timeout.InfiniteTimeSpan);
    }

    private void OnReportDue(PeripheralAdapter peripheral)
    {
        lock (_root.Gate)
        {
            if (!_reports.Remove(peripheral, out var timer))
            {
                return;
            }
            timer.Dispose();
            if (!Discovering || peripheral.OnAir is not { } adv || !PassesFilters(adv))
            {
                return;
            }
            var rssi = (short)(peripheral.Rssi + _root.Random.Next(-2, 3));
            if (_devices.TryGetValue(peripheral, out var device))
            {
                device.OnAdvertisement(adv, rssi);
            }
            else
            {
                _devices[peripheral] = new RemoteDevice(this, peripheral, adv, rssi);
            }
        }
    }

    private bool PassesFilters(AdvertisementData adv) =>
        _sessions.Values.Any(uuids => uuids.Length == 0 || uuids.Intersect(adv.ServiceUuids).Any());

    private void CancelReport(PeripheralAdapter peripheral)
    {
        if (_reports.Remove(peripheral, out var timer))
        {
            timer.Dispose();
        }
    }

    private void RemoveDeviceObject(PeripheralAdapter peripheral, RemoteDevice device)
    {
        _devices.Remove(peripheral);
        device.RemoveObjects();
    }

    public void Dispose()
    {
        lock (_root.Gate)
        {
            foreach (var timer in _reports.Values)
            {
                timer.Dispose();
            }
            _reports.Clear();
        }
    }
}
