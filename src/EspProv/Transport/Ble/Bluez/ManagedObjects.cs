using Tmds.DBus.Protocol;

namespace EspProv.Transport.Ble.Bluez;

/// <summary>One object of a D-Bus ObjectManager's GetManagedObjects reply: its path and interface → properties.</summary>
internal sealed record ManagedObject(string Path, Dictionary<string, Dictionary<string, VariantValue>> Interfaces);

/// <summary>
/// The one reader of <c>org.freedesktop.DBus.ObjectManager</c> replies and signals, for the BlueZ client here and, through
/// <c>InternalsVisibleTo</c>, the simulated device's BLE front-end and the virtual BlueZ.
/// </summary>
internal static class ManagedObjects
{
    /// <summary>Reads a GetManagedObjects reply (<c>a{oa{sa{sv}}}</c>).</summary>
    public static List<ManagedObject> Read(Message message, object? state)
    {
        var reader = message.GetBodyReader();
        var objects = new List<ManagedObject>();
        var end = reader.ReadDictionaryStart();
        while (reader.HasNext(end))
        {
            var path = reader.ReadObjectPathAsString();
            objects.Add(new ManagedObject(path, ReadInterfaces(ref reader)));
        }

        return objects;
    }

    /// <summary>Reads <c>a{sa{sv}}</c> (also the body of InterfacesAdded after the path).</summary>
    public static Dictionary<string, Dictionary<string, VariantValue>> ReadInterfaces(ref Reader reader)
    {
        var interfaces = new Dictionary<string, Dictionary<string, VariantValue>>(StringComparer.Ordinal);
        var end = reader.ReadDictionaryStart();
        while (reader.HasNext(end))
        {
            var name = reader.ReadString();
            interfaces[name] = reader.ReadDictionaryOfStringToVariantValue();
        }

        return interfaces;
    }
}
