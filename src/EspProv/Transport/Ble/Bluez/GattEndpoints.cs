using System.Text;
using Tmds.DBus.Protocol;

namespace EspProv.Transport.Ble.Bluez;

/// <summary>
/// Finds the provisioning service of a connected device and maps endpoint names to characteristic paths
/// (docs/ble.md#gatt-layout). Unlike esp_prov it does not need the device to list exactly one service UUID: BlueZ
/// caches every resolved service UUID in Device1.UUIDs, so that list holds GAP and GATT too after the first connection
/// (docs/ble.md#esp_prov-over-ble).
/// </summary>
internal static class GattEndpoints
{
    // The 16-bit values (docs/ble.md#characteristic-uuids) of wifi_prov_mgr's endpoints; the fallback when a
    // characteristic has no usable 0x2901 name.
    private static readonly (string Name, string Uuid16)[] Standard =
    [
        (Endpoints.Control, "ff4f"), (Endpoints.Scan, "ff50"), (Endpoints.Session, "ff51"),
        (Endpoints.Config, "ff52"), (Endpoints.ProtoVer, "ff53"), (Endpoints.CustomData, "ff54"),
    ];

    private const string SigBaseSuffix = "-0000-1000-8000-00805f9b34fb";

    /// <summary>The service and its endpoint map; null when the device has no provisioning service.</summary>
    public static async Task<(string Uuid, Dictionary<string, string> Endpoints)?> ResolveAsync(BluezClient client, string devicePath,
        IReadOnlyList<string> advertisedUuids, string? wantedUuid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var services = client.PathsWith(BluezApi.GattService, devicePath)
            .Select(p => (Path: p, Uuid: Uuid(client, p, BluezApi.GattService)))
            .Where(s => s.Uuid is not null)
            .ToList();
        if (wantedUuid is not null)
        {
            var wanted = services.FirstOrDefault(s => string.Equals(s.Uuid, wantedUuid, StringComparison.OrdinalIgnoreCase));
            return wanted.Path is null ? null : (wanted.Uuid!, await MapAsync(client, wanted.Path, wanted.Uuid!, timeout, cancellationToken).ConfigureAwait(false));
        }

        // Advertised 128-bit UUIDs that are services of this device; the Bluetooth SIG's own (GAP, GATT…) never are ours.
        var advertised = services.Where(s => advertisedUuids.Contains(s.Uuid!) && !s.Uuid!.EndsWith(SigBaseSuffix, StringComparison.Ordinal)).ToList();
        if (advertised.Count == 1)
        {
            return (advertised[0].Uuid!, await MapAsync(client, advertised[0].Path, advertised[0].Uuid!, timeout, cancellationToken).ConfigureAwait(false));
        }

        // Otherwise the service whose characteristics are named proto-ver and prov-session (advertised ones first).
        foreach (var (path, uuid) in advertised.Concat(services.Except(advertised)))
        {
            var map = await MapAsync(client, path, uuid!, timeout, cancellationToken).ConfigureAwait(false);
            if (map.ContainsKey(Endpoints.ProtoVer) && map.ContainsKey(Endpoints.Session))
            {
                return (uuid!, map);
            }
        }

        return advertised.Count > 0
            ? (advertised[0].Uuid!, await MapAsync(client, advertised[0].Path, advertised[0].Uuid!, timeout, cancellationToken).ConfigureAwait(false))
            : null;
    }

    /// <summary>Endpoint name → characteristic path: by 0x2901 names, then by the UUID derivation of
    /// docs/ble.md#characteristic-uuids for standard endpoints still missing.</summary>
    private static async Task<Dictionary<string, string>> MapAsync(BluezClient client, string servicePath, string serviceUuid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var characteristics = client.PathsWith(BluezApi.GattCharacteristic, servicePath);
        var descriptors = client.PathsWith(BluezApi.GattDescriptor, servicePath)
            .Where(d => Uuid(client, d, BluezApi.GattDescriptor) == BluezApi.UserDescriptionUuid)
            .ToList();
        // Reads are independent, so they go out together: one round trip instead of six.
        var names = await Task.WhenAll(descriptors.Select(d => ReadNameAsync(client, d, timeout, cancellationToken))).ConfigureAwait(false);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < descriptors.Count; i++)
        {
            var characteristic = descriptors[i][..descriptors[i].LastIndexOf('/')];
            if (names[i] is { Length: > 0 } name && characteristics.Contains(characteristic))
            {
                map.TryAdd(name, characteristic);
            }
        }

        foreach (var (name, uuid16) in Standard)
        {
            if (!map.ContainsKey(name) && serviceUuid.Length == 36)
            {
                var derived = serviceUuid[..4] + uuid16 + serviceUuid[8..];
                if (characteristics.FirstOrDefault(c => Uuid(client, c, BluezApi.GattCharacteristic) == derived) is { } path && !map.ContainsValue(path))
                {
                    map[name] = path;
                }
            }
        }

        return map;
    }

    private static async Task<string?> ReadNameAsync(BluezClient client, string descriptor, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var value = await client.CallAsync(descriptor, BluezApi.GattDescriptor, "ReadValue", "a{sv}",
                (ref MessageWriter w) => w.WriteDictionary(new Dictionary<string, VariantValue>()),
                static (m, _) => m.SignatureAsString == "ay" ? m.GetBodyReader().ReadArrayOfByte() : [], timeout, cancellationToken).ConfigureAwait(false);
            // Firmware sends exactly strlen(name) bytes; a stray trailing NUL would still name the same endpoint.
            return Encoding.Latin1.GetString(value).TrimEnd('\0');
        }
        catch (DBusErrorReplyException)
        {
            return null; // an unreadable description names nothing; the UUID fallback may still map it
        }
    }

    private static string? Uuid(BluezClient client, string path, string iface) =>
        client.Properties(path, iface) is { } props && props.TryGetValue("UUID", out var v) && v.Type == VariantValueType.String
            ? v.GetString().ToLowerInvariant()
            : null;
}
