using System.Text;
using System.Text.Json;

namespace EspProv.Provisioning;

/// <summary>
/// The device's answer to <c>proto-ver</c> (docs/protocol.md#proto-ver): either the plain string of legacy firmware
/// (ESP8266 examples answer <c>V0.1</c>) or the JSON document of wifi_prov_mgr / network_provisioning.
/// </summary>
public sealed class DeviceVersionInfo
{
    private DeviceVersionInfo(string raw, bool isJson, string? version, int? securityVersion, int? securityPatchVersion,
        IReadOnlyList<string> capabilities, IReadOnlyDictionary<string, ApplicationInfo> applications)
    {
        Raw = raw;
        IsJson = isJson;
        Version = version;
        SecurityVersion = securityVersion;
        SecurityPatchVersion = securityPatchVersion;
        Capabilities = capabilities;
        Applications = applications;
    }

    /// <summary>The answer as text.</summary>
    public string Raw { get; }

    /// <summary>True when the device answered JSON (current firmware); false for a plain version string.</summary>
    public bool IsJson { get; }

    /// <summary><c>prov.ver</c> for JSON answers, the whole string for plain answers.</summary>
    public string? Version { get; }

    /// <summary><c>prov.sec_ver</c> (ESP-IDF 5.0+), or null when absent.</summary>
    public int? SecurityVersion { get; }

    /// <summary><c>prov.sec_patch_ver</c>, or null when absent (which means 0).</summary>
    public int? SecurityPatchVersion { get; }

    /// <summary><c>prov.cap</c>: e.g. <c>no_sec</c>, <c>no_pop</c>, <c>wifi_scan</c>. Empty for plain answers.</summary>
    public IReadOnlyList<string> Capabilities { get; }

    /// <summary>Application entries added with <c>wifi_prov_mgr_set_app_info</c>, keyed by label.</summary>
    public IReadOnlyDictionary<string, ApplicationInfo> Applications { get; }

    /// <summary>True if <paramref name="capability"/> is in <see cref="Capabilities"/> (case-sensitive, as firmware and esp_prov compare).</summary>
    public bool HasCapability(string capability) => Capabilities.Contains(capability, StringComparer.Ordinal);

    /// <summary>
    /// True if this answer satisfies a required version: equal to the plain string, or to <c>prov.ver</c>, ignoring case
    /// (the rule of later esp_prov versions, docs/protocol.md#how-clients-use-proto-ver).
    /// </summary>
    public bool Matches(string expectedVersion) =>
        string.Equals(Raw, expectedVersion, StringComparison.OrdinalIgnoreCase)
        || (IsJson && Version is not null && string.Equals(Version, expectedVersion, StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses a <c>proto-ver</c> response body.</summary>
    public static DeviceVersionInfo Parse(ReadOnlySpan<byte> body)
    {
        // Firmware returns the string without a NUL; tolerate one anyway.
        var text = Encoding.UTF8.GetString(body).TrimEnd('\0');
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                return FromJson(text, doc.RootElement);
            }
            catch (JsonException)
            {
                // Not JSON after all: treat as a plain version string, as esp_prov does.
            }
        }

        return new DeviceVersionInfo(text, false, text, null, null, [], new Dictionary<string, ApplicationInfo>());
    }

    private static DeviceVersionInfo FromJson(string raw, JsonElement root)
    {
        string? version = null;
        int? sec = null, patch = null;
        IReadOnlyList<string> caps = [];
        var apps = new Dictionary<string, ApplicationInfo>(StringComparer.Ordinal);
        if (root.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in root.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var (ver, entryCaps) = (ReadString(property.Value, "ver"), ReadCapabilities(property.Value));
                if (property.NameEquals("prov"))
                {
                    version = ver;
                    caps = entryCaps;
                    sec = ReadInt(property.Value, "sec_ver");
                    patch = ReadInt(property.Value, "sec_patch_ver");
                }
                else
                {
                    apps[property.Name] = new ApplicationInfo(ver, entryCaps);
                }
            }
        }

        return new DeviceVersionInfo(raw, true, version, sec, patch, caps, apps);
    }

    private static string? ReadString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? ReadInt(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private static string[] ReadCapabilities(JsonElement obj) =>
        obj.TryGetProperty("cap", out var v) && v.ValueKind == JsonValueKind.Array
            ? [.. v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
            : [];

    /// <summary>One line for logs: kind, version, and for JSON answers the security and capabilities.</summary>
    internal string Describe() => $"{(IsJson ? "JSON" : "plain")} '{Version}'"
        + (IsJson ? $", sec_ver {Show(SecurityVersion)}, sec_patch_ver {Show(SecurityPatchVersion)}, cap [{string.Join(", ", Capabilities)}]" : string.Empty);

    private static string Show(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";
}

/// <summary>An application entry in the JSON <c>proto-ver</c> answer.</summary>
/// <param name="Version">Its <c>ver</c>.</param>
/// <param name="Capabilities">Its <c>cap</c> list.</param>
public sealed record ApplicationInfo(string? Version, IReadOnlyList<string> Capabilities);
