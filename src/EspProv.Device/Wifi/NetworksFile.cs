using System.Globalization;
using System.Text.Json;

namespace EspProv.Device.Wifi;

/// <summary>
/// Reads networks from JSON: an array of objects with <c>ssid</c> (required), <c>passphrase</c>, <c>channel</c>,
/// <c>rssi</c>, <c>auth</c>, <c>bssid</c>, <c>ip</c>. Useful for SSIDs containing ':' or passphrases containing ';'.
/// Parsed with <see cref="JsonDocument"/> (no reflection, AOT-safe).
/// </summary>
public static class NetworksFile
{
    /// <summary>Reads and parses the file at <paramref name="path"/>.</summary>
    public static IReadOnlyList<SimulatedNetwork> Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>Parses JSON text; throws <see cref="FormatException"/> naming the entry and field at fault.</summary>
    public static IReadOnlyList<SimulatedNetwork> Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"networks file: not valid JSON ({ex.Message})", ex);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("networks file: expected a JSON array of network objects");
            }

            var networks = new List<SimulatedNetwork>();
            var index = 0;
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                networks.Add(ParseEntry(item, index++));
            }

            return networks;
        }
    }

    private static SimulatedNetwork ParseEntry(JsonElement item, int index)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"networks file: entry {index} is not an object");
        }

        if (!item.TryGetProperty("ssid", out var ssidElement) || ssidElement.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"networks file: entry {index} needs a string \"ssid\"");
        }

        var ssid = ssidElement.GetString()!;
        var passphrase = string.Empty;
        if (item.TryGetProperty("passphrase", out var pass) && pass.ValueKind != JsonValueKind.Null)
        {
            passphrase = pass.ValueKind == JsonValueKind.String
                ? pass.GetString()!
                : throw new FormatException($"networks file: entry {index} ('{ssid}'): \"passphrase\" must be a string");
        }

        var fields = new NetworkFields(ssid, passphrase);
        foreach (var property in item.EnumerateObject())
        {
            if (property.Name is "ssid" or "passphrase" || property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!,
                JsonValueKind.Number => property.Value.GetRawText(),
                _ => throw new FormatException($"networks file: entry {index} ('{ssid}'): \"{property.Name}\" must be a string or number"),
            };
            fields.Set(property.Name, value.ToString(CultureInfo.InvariantCulture));
        }

        return fields.Build();
    }
}
