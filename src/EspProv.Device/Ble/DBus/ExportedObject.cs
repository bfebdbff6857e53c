using Tmds.DBus.Protocol;

namespace EspProv.Device.Ble.DBus;

/// <summary>Handles a method call of an exported object; returns false for an unknown method.</summary>
internal delegate bool MethodHandler(MethodCall call);

/// <summary>Validates and applies <c>Properties.Set</c>; returns null on success, else a D-Bus error name and message.</summary>
internal delegate (string Name, string Message)? PropertySetter(string iface, string property, VariantValue value);

/// <summary>
/// An object exported by an <see cref="ObjectServer"/>: its interfaces with their properties (in insertion order, which is the
/// order GetManagedObjects and GetAll report), and delegates for its methods and writable properties.
/// </summary>
internal sealed class ExportedObject
{
    private readonly Dictionary<string, Dictionary<string, VariantValue>> _interfaces = new(StringComparer.Ordinal);

    public ExportedObject(string path)
    {
        Path = path;
    }

    public string Path { get; }

    /// <summary>Methods of the object's own interfaces (Properties, Introspectable and ObjectManager are served by the server).</summary>
    public MethodHandler? Methods { get; init; }

    /// <summary>Writable properties; without it every property is read-only.</summary>
    public PropertySetter? Setter { get; init; }

    public IReadOnlyDictionary<string, Dictionary<string, VariantValue>> Interfaces => _interfaces;

    public bool HasInterface(string iface) => _interfaces.ContainsKey(iface);

    /// <summary>Adds or replaces an interface's properties (no signal: use the server's methods once exported).</summary>
    public ExportedObject With(string iface, Dictionary<string, VariantValue> properties)
    {
        _interfaces[iface] = properties;
        return this;
    }

    internal bool RemoveInterface(string iface) => _interfaces.Remove(iface);

    public bool TryGet(string iface, string property, out VariantValue value)
    {
        value = default;
        return _interfaces.TryGetValue(iface, out var props) && props.TryGetValue(property, out value);
    }
}
