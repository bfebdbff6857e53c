using Tmds.DBus.Protocol;

namespace EspProv.Device.Ble.DBus;


/// <summary>Outgoing method calls with a deadline, and readers for the reply shapes the BlueZ API uses.</summary>
internal static class BusCalls
{
    /// <summary>Calls a method; <paramref name="read"/> parses the reply. Throws <see cref="DBusErrorReplyException"/> for an error reply.</summary>
    public static Task<T> CallAsync<T>(DBusConnection connection, string destination, string path, string iface, string member,
        string? signature, BodyWriter? args, MessageValueReader<T> read, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var writer = connection.GetMessageWriter();
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

    /// <summary>Reads an <c>a{sv}</c> reply (Properties.GetAll).</summary>
    public static Dictionary<string, VariantValue> ReadProperties(Message message, object? state) =>
        message.GetBodyReader().ReadDictionaryOfStringToVariantValue();

    /// <summary>Reads an <c>ay</c> reply; a reply of another signature yields null (BlueZ answers ATT 0x06 then).</summary>
    public static byte[]? ReadBytes(Message message, object? state) =>
        message.SignatureAsString == "ay" ? message.GetBodyReader().ReadArrayOfByte() : null;

    /// <summary>True when a reply carried no arguments.</summary>
    public static bool ReadIsEmpty(Message message, object? state) => string.IsNullOrEmpty(message.SignatureAsString);
}
