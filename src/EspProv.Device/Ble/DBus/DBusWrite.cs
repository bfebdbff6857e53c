using Tmds.DBus.Protocol;

namespace EspProv.Device.Ble.DBus;

/// <summary>Writers for the container shapes the BlueZ API uses (<c>a{sv}</c>, <c>a{sa{sv}}</c>, <c>a{oa{sa{sv}}}</c>).</summary>
internal static class DBusWrite
{
    /// <summary>Writes <c>a{sa{sv}}</c>: interface name → properties.</summary>
    public static void WriteInterfaces(ref MessageWriter writer, IEnumerable<KeyValuePair<string, Dictionary<string, VariantValue>>> interfaces)
    {
        var start = writer.WriteDictionaryStart();
        foreach ((var name, var props) in interfaces)
        {
            writer.WriteDictionaryEntryStart();
            writer.WriteString(name);
            writer.WriteDictionary(props);
        }
        writer.WriteDictionaryEnd(start);
    }

    /// <summary>Writes <c>a{oa{sa{sv}}}</c>, the GetManagedObjects reply.</summary>
    public static void WriteManagedObjects(ref MessageWriter writer, IEnumerable<ExportedObject> objects)
    {
        var start = writer.WriteDictionaryStart();
        foreach (var obj in objects)
        {
            writer.WriteDictionaryEntryStart();
            writer.WriteObjectPath(obj.Path);
            WriteInterfaces(ref writer, obj.Interfaces);
        }
        writer.WriteDictionaryEnd(start);
    }

    /// <summary>An <c>a{qv}</c> value (ManufacturerData: company ID → bytes).</summary>
    public static VariantValue ManufacturerData(IReadOnlyDictionary<ushort, byte[]> data)
    {
        var dict = new Dict<ushort, VariantValue>();
        foreach ((var company, var bytes) in data)
        {
            dict.Add(company, VariantValue.Array(bytes));
        }
        return dict.AsVariantValue();
    }

    /// <summary>An <c>a{sv}</c> value (ServiceData: UUID → bytes).</summary>
    public static VariantValue ServiceData(IReadOnlyDictionary<string, byte[]> data)
    {
        var dict = new Dict<string, VariantValue>();
        foreach ((var uuid, var bytes) in data)
        {
            dict.Add(uuid, VariantValue.Array(bytes));
        }
        return dict.AsVariantValue();
    }

    /// <summary>Reads an optional value from an options or properties dictionary, with the expected D-Bus type.</summary>
    public static bool TryGet(this Dictionary<string, VariantValue> dict, string key, VariantValueType type, out VariantValue value)
    {
        if (dict.TryGetValue(key, out value) && value.Type == VariantValueType.Variant)
        {
            value = value.GetVariantValue();
        }
        return dict.ContainsKey(key) && value.Type == type;
    }
}
