using EspProv.Exceptions;
using Tmds.DBus.Protocol;

namespace EspProv.Transport.Ble.Bluez;

/// <summary>Choosing the local adapter, and reading a Device1 object into a <see cref="BleDevice"/>.</summary>
internal static class BluezAdapters
{
    /// <summary>
    /// The adapter named <paramref name="name"/> (<c>hci0</c> or its path), or the first powered one (as bleak). Missing or
    /// powered off → <see cref="TransportFailure.Unavailable"/>, with what to do about it.
    /// </summary>
    public static string Find(BluezClient client, string? name, string endpoint)
    {
        var adapters = client.PathsWith(BluezApi.Adapter);
        if (adapters.Count == 0)
        {
            throw new BleTransportException(TransportFailure.Unavailable, endpoint, "no Bluetooth adapter: BlueZ is running but lists none");
        }

        if (name is not null)
        {
            var path = name.StartsWith('/') ? name : "/org/bluez/" + name;
            if (!adapters.Contains(path))
            {
                throw new BleTransportException(TransportFailure.Unavailable, endpoint,
                    $"no Bluetooth adapter {name} (BlueZ has {string.Join(", ", adapters.Select(ShortName))})");
            }

            return IsPowered(client, path) ? path : throw PoweredOff(path, endpoint);
        }

        return adapters.FirstOrDefault(a => IsPowered(client, a)) ?? throw PoweredOff(adapters[0], endpoint);
    }

    public static string ShortName(string adapterPath) => adapterPath[(adapterPath.LastIndexOf('/') + 1)..];

    public static BleTransportException PoweredOff(string adapterPath, string endpoint, string? bluezError = null, Exception? inner = null) =>
        new(TransportFailure.Unavailable, endpoint,
            $"Bluetooth adapter {ShortName(adapterPath)} is powered off (or blocked): bluetoothctl power on", bluezError, inner);

    private static bool IsPowered(BluezClient client, string path) => client.Is(path, BluezApi.Adapter, "Powered", true);

    /// <summary>The device as BlueZ's cache has it now, or null when it is gone.</summary>
    public static BleDevice? ReadDevice(BluezClient client, string path)
    {
        if (client.Properties(path, BluezApi.Device) is not { } props)
        {
            return null;
        }

        var address = props.TryGetValue("Address", out var a) && a.Type == VariantValueType.String ? a.GetString() : "";
        var name = String(props, "Name") ?? NotAddressAlias(String(props, "Alias"), address);
        short? rssi = props.TryGetValue("RSSI", out var r) && r.Type == VariantValueType.Int16 ? r.GetInt16() : null;
        string[] uuids = props.TryGetValue("UUIDs", out var u) && u.Type == VariantValueType.Array && u.ItemType == VariantValueType.String
            ? [.. u.GetArray<string>().Select(s => s.ToLowerInvariant())]
            : [];
        var adapter = props.TryGetValue("Adapter", out var ad) && ad.Type == VariantValueType.ObjectPath ? ad.GetObjectPathAsString() : "";
        return new BleDevice(address, name, rssi, uuids, ManufacturerData(props), ShortName(adapter)) { ObjectPath = path };
    }

    private static string? String(Dictionary<string, VariantValue> props, string key) =>
        props.TryGetValue(key, out var v) && v.Type == VariantValueType.String ? v.GetString() : null;

    // BlueZ's Alias is the address with '-' when the device has no name: that is no name.
    private static string? NotAddressAlias(string? alias, string address) =>
        alias is null || alias.Replace('-', ':').Equals(address, StringComparison.OrdinalIgnoreCase) ? null : alias;

    /// <summary>ManufacturerData is <c>a{qv}</c>, each variant an <c>ay</c> (docs/ble.md#bluez-central-role).</summary>
    private static Dictionary<ushort, byte[]> ManufacturerData(Dictionary<string, VariantValue> props)
    {
        var result = new Dictionary<ushort, byte[]>();
        if (!props.TryGetValue("ManufacturerData", out var data) || data.Type != VariantValueType.Dictionary)
        {
            return result;
        }

        for (var i = 0; i < data.Count; i++)
        {
            var (key, value) = data.GetDictionaryEntry(i);
            while (value.Type == VariantValueType.Variant)
            {
                value = value.GetVariantValue();
            }

            if (key.Type == VariantValueType.UInt16 && value.Type == VariantValueType.Array && value.ItemType == VariantValueType.Byte)
            {
                result[key.GetUInt16()] = value.GetArray<byte>();
            }
        }

        return result;
    }
}
