using System.Globalization;
using System.Text;
using EspProv.Device.Security;

namespace EspProv.Device.Protocomm;

/// <summary>
/// The <c>proto-ver</c> answer (docs/protocol.md#proto-ver). ESP8266 legacy: the plain string <c>V0.1</c>. ESP-IDF
/// <c>wifi_prov_mgr</c>: the document cJSON prints in formatted mode — tab indentation, <c>":\t"</c> after keys,
/// one-line arrays joined by <c>", "</c>, no trailing newline — e.g. 95 bytes for security 1 with a PoP.
/// </summary>
internal static class VersionDocument
{
    public const string LegacyVersion = "V0.1";
    public const string ManagerVersion = "v1.1";

    public static byte[] For(DeviceFlavor flavor, IDeviceSecurity security) =>
        Encoding.UTF8.GetBytes(flavor == DeviceFlavor.Esp8266 ? LegacyVersion : Json(security));

    public static string Json(IDeviceSecurity security)
    {
        var caps = new List<string>(2);
        if (security.Capability is { } capability)
        {
            caps.Add(capability);
        }

        caps.Add(EspProv.Provisioning.Capabilities.WifiScan);
        var text = new StringBuilder(128)
            .Append("{\n\t\"prov\":\t{\n")
            .Append("\t\t\"ver\":\t\"").Append(ManagerVersion).Append("\",\n")
            .Append("\t\t\"sec_ver\":\t").Append(((int)security.Scheme).ToString(CultureInfo.InvariantCulture)).Append(",\n");
        if (security.AdvertisedPatchVersion is { } patch)
        {
            text.Append("\t\t\"sec_patch_ver\":\t").Append(patch.ToString(CultureInfo.InvariantCulture)).Append(",\n");
        }

        text.Append("\t\t\"cap\":\t[").Append(string.Join(", ", caps.Select(c => "\"" + c + "\""))).Append("]\n")
            .Append("\t}\n}");
        return text.ToString();
    }
}
