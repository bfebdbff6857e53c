using System.Text.Json;

namespace EspProv.Device.Thread;

/// <summary>
/// Reads simulated Thread networks from JSON: an array of objects with <c>dataset</c> (hex, required), <c>rssi</c>,
/// <c>lqi</c> and <c>ext_addr</c> (16 hex digits). Parsed with <see cref="JsonDocument"/> (no reflection, AOT-safe).
/// </summary>
public static class ThreadNetworksFile
{
    /// <summary>Reads and parses the file at <paramref name="path"/>.</summary>
    public static IReadOnlyList<SimulatedThreadNetwork> Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>Parses JSON text; throws <see cref="FormatException"/> naming the entry and field at fault.</summary>
    public static IReadOnlyList<SimulatedThreadNetwork> Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Thread networks file: not valid JSON ({ex.Message})", ex);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("Thread networks file: expected a JSON array of network objects");
            }

            var networks = new List<SimulatedThreadNetwork>();
            var index = 0;
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                networks.Add(ParseEntry(item, index++));
            }

            return networks;
        }
    }

    private static SimulatedThreadNetwork ParseEntry(JsonElement item, int index)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("dataset", out var hex) || hex.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"Thread networks file: entry {index} needs a string \"dataset\" (hex)");
        }

        SimulatedThreadNetwork network;
        try
        {
            network = SimulatedThreadNetwork.Parse(hex.GetString()!);
            if (item.TryGetProperty("rssi", out var rssi))
            {
                network = network with { Rssi = rssi.GetInt32() };
            }

            if (item.TryGetProperty("lqi", out var lqi))
            {
                network = network with { Lqi = lqi.GetInt32() };
            }

            if (item.TryGetProperty("ext_addr", out var address))
            {
                network = network with { ExtendedAddress = Convert.FromHexString(address.GetString() ?? string.Empty) };
            }

            network.Validate();
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new FormatException($"Thread networks file: entry {index}: {ex.Message}", ex);
        }

        return network;
    }
}
