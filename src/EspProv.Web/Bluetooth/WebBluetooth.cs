using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;

namespace EspProv.Web.Bluetooth;

/// <summary>What the chooser offers: devices named with a prefix, or every device, with the provisioning service UUIDs the page may use.</summary>
/// <param name="NamePrefix">Advertised name prefix (firmware examples use <c>PROV_</c>).</param>
/// <param name="AllDevices">Offer every device in range instead of filtering by name.</param>
/// <param name="ServiceUuids">Service UUIDs the page may open: a browser only lets a page use services it named in the request.</param>
public sealed record DeviceFilter(string NamePrefix, bool AllDevices, IReadOnlyList<string> ServiceUuids)
{
    /// <summary>The service UUID of wifi_prov_mgr's example (<c>wifi_prov_scheme_ble_set_service_uuid</c>), which esp_prov also assumes.</summary>
    public const string ExampleServiceUuid = "021a9004-0382-4aea-bff4-6b3f1c5adfb4";

    /// <summary>The default service UUID of <c>wifi_prov_scheme_ble</c> when the application sets none.</summary>
    public const string DefaultServiceUuid = "1775244d-6b43-439b-877c-060f2d9bed07";

    /// <summary><c>PROV_</c> devices with both well-known service UUIDs, plus <paramref name="customUuid"/> when given.</summary>
    /// <exception cref="FormatException"><paramref name="customUuid"/> is not a UUID.</exception>
    public static DeviceFilter Create(bool allDevices, string? customUuid)
    {
        var uuids = new List<string> { ExampleServiceUuid, DefaultServiceUuid };
        if (!string.IsNullOrWhiteSpace(customUuid))
        {
            uuids.Insert(0, Guid.Parse(customUuid.Trim()).ToString("D"));
        }

        return new DeviceFilter("PROV_", allDevices, uuids);
    }
}

/// <summary>
/// The page's calls into <c>navigator.bluetooth</c> (wwwroot/js/webble.js, registered as the <c>webble</c> module by
/// wwwroot/js/app.js). A link is webble.js's object for one picked device. Bytes cross as hex: requests and responses
/// are at most 512 bytes, and a string is the one array-like type a promise can hand to .NET.
/// </summary>
[SupportedOSPlatform("browser")]
internal static partial class WebBluetooth
{
    /// <summary>The browser's chooser; the link to the device picked (not connected yet).</summary>
    [JSImport("requestDevice", "webble")]
    internal static partial Task<JSObject> RequestDevice(string namePrefix, bool allDevices, [JSMarshalAs<JSType.Array<JSType.String>>] string[] serviceUuids);

    /// <summary>The picked device's advertised name (or the browser's id for it).</summary>
    [JSImport("linkName", "webble")]
    internal static partial string Name(JSObject link);

    /// <summary>Connects when the link is down and maps the endpoints; the link's generation.</summary>
    [JSImport("prepare", "webble")]
    internal static partial Task<int> Prepare(JSObject link);

    /// <summary>Write with response, then read back; hex in, hex out.</summary>
    [JSImport("exchange", "webble")]
    internal static partial Task<string> Exchange(JSObject link, string endpoint, string requestHex);

    /// <summary>Drops the GATT connection (no-op when it is down).</summary>
    [JSImport("disconnect", "webble")]
    internal static partial void Disconnect(JSObject link);
}
