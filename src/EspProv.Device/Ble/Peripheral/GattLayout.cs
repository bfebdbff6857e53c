using System.Globalization;
using Ep = EspProv.Transport.Endpoints;

namespace EspProv.Device.Ble.Peripheral;

/// <summary>One characteristic of the provisioning service: the endpoint it carries and its UUIDs.</summary>
/// <param name="Name">The endpoint name, also the exact text of its 0x2901 descriptor.</param>
/// <param name="Uuid16">The 16-bit value placed in the service UUID.</param>
/// <param name="Uuid">The characteristic's 128-bit UUID, lower-case.</param>
internal sealed record GattEndpoint(string Name, ushort Uuid16, string Uuid);

/// <summary>
/// The GATT layout of a provisioning device (docs/ble.md#characteristic-uuids, #attributes-and-descriptors): one
/// characteristic per endpoint the device has, in firmware's order (prov-ctrl, prov-scan, prov-session, prov-config,
/// proto-ver, then custom endpoints from 0xff54), each UUID the service UUID with hex characters 5–8 replaced by the
/// endpoint's 16-bit value.
/// </summary>
internal static class GattLayout
{
    /// <summary>Characteristic User Description, the descriptor that names each endpoint.</summary>
    public const string DescriptionUuid = "00002901-0000-1000-8000-00805f9b34fb";

    private const ushort FirstCustom = 0xff54;

    /// <summary>wifi_prov_mgr's fixed values (a missing endpoint leaves its value unused, as firmware before IDF 5.1 has no prov-ctrl).</summary>
    private static readonly (string Name, ushort Uuid16)[] Fixed =
        [(Ep.Control, 0xff4f), (Ep.Scan, 0xff50), (Ep.Session, 0xff51), (Ep.Config, 0xff52), (Ep.ProtoVer, 0xff53)];

    /// <summary>
    /// The characteristics for a device with <paramref name="endpoints"/> (in registration order). Custom endpoints
    /// follow in creation order, custom-data first as in the example (so it gets 0xff54 there too).
    /// </summary>
    public static IReadOnlyList<GattEndpoint> For(IReadOnlyCollection<string> endpoints, string serviceUuid)
    {
        var service = serviceUuid.ToLowerInvariant();
        var layout = new List<GattEndpoint>();
        foreach (var (name, uuid16) in Fixed)
        {
            if (endpoints.Contains(name))
            {
                layout.Add(new GattEndpoint(name, uuid16, CharacteristicUuid(service, uuid16)));
            }
        }

        var customs = endpoints.Where(e => !Fixed.Any(f => f.Name == e)).OrderBy(e => e == Ep.CustomData ? 0 : 1).ToList();
        for (var i = 0; i < customs.Count; i++)
        {
            var uuid16 = (ushort)(FirstCustom + i);
            layout.Add(new GattEndpoint(customs[i], uuid16, CharacteristicUuid(service, uuid16)));
        }

        return layout;
    }

    /// <summary><c>XXXXyyyy-…</c> → <c>XXXX&lt;uuid16&gt;-…</c> (docs/ble.md#characteristic-uuids).</summary>
    public static string CharacteristicUuid(string serviceUuid, ushort uuid16) =>
        string.Concat(serviceUuid.AsSpan(0, 4), uuid16.ToString("x4", CultureInfo.InvariantCulture), serviceUuid.AsSpan(8)).ToLowerInvariant();
}
