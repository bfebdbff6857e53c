using EspProv.Device.Ble.DBus;
using EspProv.Transport.Ble.Bluez;
using Tmds.DBus.Protocol;

namespace EspProv.VirtualBluez;

/// <summary>What a registered advertisement puts on the air, as BlueZ parses it (src/advertising.c, parse_* functions).</summary>
internal sealed record AdvertisementData(
    string Owner,
    string Path,
    bool Connectable,
    string? LocalName,
    IReadOnlyList<string> ServiceUuids,
    IReadOnlyDictionary<ushort, byte[]> ManufacturerData,
    IReadOnlyDictionary<string, byte[]> ServiceData,
    bool IncludesLocalName,
    short? TxPower,
    TimeSpan? MaxInterval);

/// <summary>
/// Reads an advertisement object the way BlueZ does at RegisterAdvertisement: <c>GetManagedObjects</c> on its path
/// (a failure is tolerated), then <c>Properties.GetAll("org.bluez.LEAdvertisement1")</c>.
/// </summary>
internal static class AdvertisementReader
{
    /// <exception cref="BluezException">The properties cannot be read or parsed (RegisterAdvertisement's error).</exception>
    public static async Task<AdvertisementData> ReadAsync(DBusConnection connection, string owner, string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await BusCalls.CallAsync(connection, owner, path, DBusNames.ObjectManager, "GetManagedObjects", null, null,
                ManagedObjects.Read, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (DBusErrorReplyException)
        {
            // Tolerated, as in BlueZ: most advertisement objects are no ObjectManager.
        }

        Dictionary<string, VariantValue> props;
        try
        {
            props = await BusCalls.CallAsync(connection, owner, path, DBusNames.Properties, "GetAll", "s",
                (ref MessageWriter w) => w.WriteString(BluezNames.Advertisement), BusCalls.ReadProperties, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (DBusErrorReplyException)
        {
            throw new BluezException(BluezNames.ErrorFailed, "Failed to parse advertisement.");
        }
        return Parse(owner, path, props);
    }

    internal static AdvertisementData Parse(string owner, string path, Dictionary<string, VariantValue> props)
    {
        if (!props.TryGet("Type", VariantValueType.String, out var type) || type.GetString() is not ("peripheral" or "broadcast"))
        {
            throw new BluezException(BluezNames.ErrorFailed, "Failed to parse advertisement.");
        }
        var includes = Strings(props, "Includes");
        var name = props.TryGet("LocalName", VariantValueType.String, out var n) ? n.GetString() : null;
        if (name is not null && includes.Contains("local-name"))
        {
            // BlueZ rejects LocalName combined with the local-name include (docs/ble.md#bluez-peripheral-role).
            throw new BluezException(BluezNames.ErrorFailed, "Failed to parse advertisement.");
        }
        var uuids = new List<string>();
        foreach (var text in Strings(props, "ServiceUUIDs"))
        {
            uuids.Add(BluezNames.NormalizeUuid(text) ?? throw new BluezException(BluezNames.ErrorFailed, "Failed to parse advertisement."));
        }
        var manufacturer = new Dictionary<ushort, byte[]>();
        if (props.TryGet("ManufacturerData", VariantValueType.Dictionary, out var md))
        {
            for (var i = 0; i < md.Count; i++)
            {
                (var key, var value) = md.GetDictionaryEntry(i);
                manufacturer[key.GetUInt16()] = Bytes(value);
            }
        }
        var serviceData = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (props.TryGet("ServiceData", VariantValueType.Dictionary, out var sd))
        {
            for (var i = 0; i < sd.Count; i++)
            {
                (var key, var value) = sd.GetDictionaryEntry(i);
                serviceData[BluezNames.NormalizeUuid(key.GetString()) ?? key.GetString()] = Bytes(value);
            }
        }
        short? txPower = props.TryGet("TxPower", VariantValueType.Int16, out var tx) ? tx.GetInt16() : null;
        TimeSpan? maxInterval = props.TryGet("MaxInterval", VariantValueType.UInt32, out var mi) && mi.GetUInt32() > 0
            ? TimeSpan.FromMilliseconds(mi.GetUInt32())
            : null;
        return new AdvertisementData(owner, path, type.GetString() == "peripheral", name, uuids, manufacturer, serviceData,
            includes.Contains("local-name"), txPower, maxInterval);
    }

    private static byte[] Bytes(VariantValue value)
    {
        if (value.Type == VariantValueType.Variant)
        {
            value = value.GetVariantValue();
        }
        return value.Type == VariantValueType.Array && value.ItemType == VariantValueType.Byte ? value.GetArray<byte>() : [];
    }

    private static string[] Strings(Dictionary<string, VariantValue> props, string key) =>
        props.TryGet(key, VariantValueType.Array, out var v) && v.ItemType == VariantValueType.String ? v.GetArray<string>() : [];
}
