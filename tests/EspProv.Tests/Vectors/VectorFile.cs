using System.Text.Json;

namespace EspProv.Tests.Vectors;

/// <summary>Loads one of the reference vector files in Vectors/data (made with Espressif's own client and device
/// code).</summary>
internal sealed class VectorFile
{
    private VectorFile(JsonElement root) => Root = root;

    public JsonElement Root { get; }

    public static VectorFile Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Vectors", "data", name);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new VectorFile(doc.RootElement.Clone());
    }

    public string String(string name) => Root.GetProperty(name).GetString()!;

    public byte[] Hex(string name) => Convert.FromHexString(String(name));

    public IReadOnlyList<JsonElement> SessionMessages => [.. Root.GetProperty("session_messages").EnumerateArray()];

    public IReadOnlyList<JsonElement> ApplicationMessages => [.. Root.GetProperty("application_messages").EnumerateArray()];

    public static byte[] Hex(JsonElement element, string name) => Convert.FromHexString(element.GetProperty(name).GetString()!);
}
