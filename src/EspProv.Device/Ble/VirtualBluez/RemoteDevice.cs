using EspProv.Device.Ble.DBus;
using Tmds.DBus.Protocol;

namespace EspProv.Device.Ble.VirtualBluez;

/// <summary>
/// A peripheral adapter as the central adapter sees it: <c>org.bluez.Device1</c> at <c>/org/bluez/hci0/dev_XX_…</c> with
/// the advertised name, UUIDs and manufacturer data (docs/ble.md#bluez-central-role, #a-bluez-stand-in-for-bleak;
/// src/device.c), Connect/Disconnect, and its GATT objects once connected and resolved.
/// </summary>
internal sealed class RemoteDevice
{
    private static readonly string[] GapAndGatt = [BluezNames.Uuid16(0x1800), BluezNames.Uuid16(0x1801)];

    private readonly BluezRoot _root;
    private readonly ExportedObject _object;
    private readonly GattMirror _mirror;
    private AdvertisementData _advertisement;

    /// <param name="central">The central adapter.</param>
    /// <param name="peripheral">The peripheral adapter this device is.</param>
    /// <param name="advertisement">What the central heard (or remembers) of it.</param>
    /// <param name="rssi">The signal of the advertisement just heard; null for a device BlueZ only remembers from an earlier connection.</param>
    public RemoteDevice(CentralAdapter central, PeripheralAdapter peripheral, AdvertisementData advertisement, short? rssi)
    {
        Central = central;
        Peripheral = peripheral;
        _root = central.Root;
        _advertisement = advertisement;
        Path = BluezNames.DevicePath(central.Info.Path, peripheral.Info.Address);
        _mirror = new GattMirror(this, _root);
        var props = new Dictionary<string, VariantValue>(StringComparer.Ordinal)
        {
            ["Address"] = peripheral.Info.Address,
            ["AddressType"] = "public",
        };
        if (NameOf(advertisement) is { } name)
        {
            props["Name"] = name;
        }
        props["Alias"] = NameOf(advertisement) ?? BluezNames.AddressAlias(peripheral.Info.Address);
        props["Paired"] = false;
        props["Bonded"] = false;
        props["Trusted"] = false;
        props["Blocked"] = false;
        props["LegacyPairing"] = false;
        if (rssi is { } heard)
        {
            props["RSSI"] = VariantValue.Int16(heard);
        }
        else
        {
            EverConnected = true;
        }
        props["Connected"] = false;
        props["UUIDs"] = VariantValue.Array(advertisement.ServiceUuids.ToArray());
        props["Adapter"] = VariantValue.ObjectPath(central.Info.Path);
        AddAdvertisingData(props, advertisement);
        props["ServicesResolved"] = false;
        _object = new ExportedObject(Path) { Methods = HandleMethod }.With(BluezNames.Device, props);
        _root.Server.Export(_object);
    }

    public CentralAdapter Central { get; }

    public PeripheralAdapter Peripheral { get; }

    public string Path { get; }

    public Link? Link { get; private set; }

    /// <summary>Connect makes a public-address device non-temporary: it then stays after advertising stops.</summary>
    public bool EverConnected { get; private set; }

    public void OnAdvertisement(AdvertisementData advertisement, short rssi)
    {
        _advertisement = advertisement;
        var changes = new List<KeyValuePair<string, VariantValue>> { new("RSSI", VariantValue.Int16(rssi)) };
        if (NameOf(advertisement) is { } name)
        {
            changes.Add(new("Name", name));
            changes.Add(new("Alias", name));
        }
        if (!_mirror.IsExported)
        {
            changes.Add(new("UUIDs", VariantValue.Array(advertisement.ServiceUuids.ToArray())));
        }
        var extra = new Dictionary<string, VariantValue>(StringComparer.Ordinal);
        AddAdvertisingData(extra, advertisement);
        changes.AddRange(extra);
        _root.Server.SetProperties(_object, BluezNames.Device, [.. changes]);
    }

    public void OnDiscoveryStopped() => _root.Server.InvalidateProperties(_object, BluezNames.Device, "RSSI", "TxPower");

    public void OnLinkDown(Link link)
    {
        if (Link != link)
        {
            return;
        }
        Link = null;
        _root.Server.SetProperties(_object, BluezNames.Device, new KeyValuePair<string, VariantValue>("ServicesResolved", false), new KeyValuePair<string, VariantValue>("Connected", false));
    }

    /// <summary>The peripheral's applications changed: a connected central re-discovers (Service Changed), others keep the cache.</summary>
    public void OnGattChanged()
    {
        if (Link is { IsUp: true } link)
        {
            _mirror.RemoveAll();
            _mirror.Build(link);
            UpdateUuids();
        }
    }

    public void RemoveObjects()
    {
        _mirror.RemoveAll();
        _root.Server.Remove(Path);
    }

    private bool HandleMethod(MethodCall call)
    {
        switch (call.Interface, call.Member)
        {
            case (BluezNames.Device, "Connect"):
                Connect(call);
                return true;
            case (BluezNames.Device, "Disconnect"):
                if (Link is { } link)
                {
                    _root.DropLink(link, call);
                }
                else
                {
                    call.ReplyEmpty();
                }
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// LE connect: Connected=true, the reply (BlueZ answers once ATT is up, before discovery ends), then the GATT objects
    /// (first time, or after the peripheral's database changed), UUIDs, and ServicesResolved=true (src/device.c,
    /// docs/ble.md#a-bluez-stand-in-for-bleak).
    /// </summary>
    private void Connect(MethodCall call)
    {
        _root.ConnectCalls++;
        if (Link is not null)
        {
            call.ReplyEmpty();
            return;
        }
        if (Peripheral.OnAir is not { Connectable: true })
        {
            call.ReplyError(BluezNames.ErrorFailed, "le-connection-abort-by-local");
            return;
        }
        var link = new Link(this, Peripheral, _root.Options.Mtu, BluezNames.DevicePath(Peripheral.Info.Path, Central.Info.Address));
        Link = link;
        EverConnected = true;
        _root.Server.SetProperty(_object, BluezNames.Device, "Connected", true);
        Peripheral.OnLinkUp(link);
        Central.OnAdvertisingChanged(Peripheral);
        call.ReplyEmpty();
        if (_root.TakeDiscoveryDrop(++_root.Connections))
        {
            // Fault: the peer disconnects while its database is being read: Connected=false, ServicesResolved never true.
            _root.DropLink(link, null);
            return;
        }
        if (!_mirror.IsCurrent)
        {
            _mirror.RemoveAll();
            _mirror.Build(link);
        }
        else
        {
            _mirror.SetMtu(link.Mtu);
        }
        UpdateUuids();
        _root.Server.SetProperty(_object, BluezNames.Device, "ServicesResolved", true);
    }

    /// <summary>After discovery BlueZ lists every GATT service (GAP and GATT included) with the advertised UUIDs, sorted.</summary>
    private void UpdateUuids()
    {
        string[] uuids = [.. _advertisement.ServiceUuids.Concat(GapAndGatt).Concat(_mirror.ServiceUuids).Distinct().Order(StringComparer.Ordinal)];
        _root.Server.SetProperty(_object, BluezNames.Device, "UUIDs", VariantValue.Array(uuids));
    }

    private string? NameOf(AdvertisementData adv) => adv.LocalName ?? (adv.IncludesLocalName ? Peripheral.Alias : null);

    private static void AddAdvertisingData(Dictionary<string, VariantValue> props, AdvertisementData adv)
    {
        if (adv.ManufacturerData.Count > 0)
        {
            props["ManufacturerData"] = DBusWrite.ManufacturerData(adv.ManufacturerData);
        }
        if (adv.ServiceData.Count > 0)
        {
            props["ServiceData"] = DBusWrite.ServiceData(adv.ServiceData);
        }
        if (adv.TxPower is { } tx)
        {
            props["TxPower"] = VariantValue.Int16(tx);
        }
    }
}
