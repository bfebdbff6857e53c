using Tmds.DBus.Protocol;

namespace EspProv.Device.Ble.DBus;

/// <summary>One object of a GetManagedObjects reply: its path and interface → properties.</summary>
internal sealed record ManagedObject(string Path, Dictionary<string, Dictionary<string, VariantValue>> Interfaces);

/// <summary>Outgoing method calls with a deadline, and readers for the reply shapes the BlueZ API uses.</summary>
internal static class BusCalls
{
    /// <summary>Calls a method; <paramref name="read"/> parses the reply. Throws <see cref="DBusErrorReplyException"/> for an error reply.</summary>
    public static Task<T> CallAsync<T>(DBusConnection connection, string destination, string path, string iface, string member,
        string? signature, BodyWriter? args, MessageValueReader<T> read, TimeSpan timeout, CancellationToken cancellationToken)
    {
        MessageWriter writer = connection.GetMessageWriter();
        MessageBuffer message;
        try
        {
            writer.WriteMethodCallHeader(destination, path, iface, member, signature, MessageFlags.None);
            args?.Invoke(ref writer);
            message = writer.CreateMessage();
        }
        finally
        {
            writer.Dispose();
        }
        return connection.CallMethodAsync(message, read, null).WaitAsync(timeout, cancellationToken);
    }

    /// <summary>Calls a method whose reply has no arguments (any arguments are ignored).</summary>
    public static Task CallAsync(DBusConnection connection, string destination, string path, string iface, string member,
        string? signature, BodyWriter? args, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync(connection, destination, path, iface, member, signature, args, static (_, _) => true, timeout, cancellationToken);

    /// <summary>Reads an <c>a{oa{sa{sv}}}</c> reply, keeping the sender's order.</summary>
    public static List<ManagedObject> ReadManagedObjects(Message message, object? state)
    {
        Reader reader = message.GetBodyReader();
        var objects = new List<ManagedObject>();
        ArrayEnd end = reader.ReadDictionaryStart();
        while (reader.HasNext(end))
        {
            string path = reader.ReadObjectPathAsString();
            objects.Add(new ManagedObject(path, ReadInterfaces(ref reader)));
        }
        return objects;
    }

    /// <summary>Reads <c>a{sa{sv}}</c> (the body of InterfacesAdded after the path).</summary>
    public static Dictionary<string, Dictionary<string, VariantValue>> ReadInterfaces(ref Reader reader)
    {
        var interfaces = new Dictionary<string, Dictionary<string, VariantValue>>(StringComparer.Ordinal);
        ArrayEnd end = reader.ReadDictionaryStart();
        while (reader.HasNext(end))
        {
            string name = reader.ReadString();
            interfaces[name] = reader.ReadDictionaryOfStringToVariantValue();
        }
        return interfaces;
    }

    /// <summary>Reads an <c>a{sv}</c> reply (Properties.GetAll).</summary>
    public static Dictionary<string, VariantValue> ReadProperties(Message message, object? state) =>
        message.GetBodyReader().ReadDictionaryOfStringToVariantValue();

    /// <summary>Reads an <c>ay</c> reply; a reply of another signature yields null (BlueZ answers ATT 0x06 then).</summary>
    public static byte[]? ReadBytes(Message message, object? state) =>
        message.SignatureAsString == "ay" ? message.GetBodyReader().ReadArrayOfByte() : null;

    /// <summary>True when a reply carried no arguments.</summary>
    public static bool ReadIsEmpty(Message message, object? state) => string.IsNullOrEmpty(message.SignatureAsString);
}
