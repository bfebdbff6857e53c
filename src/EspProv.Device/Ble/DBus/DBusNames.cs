namespace EspProv.Device.Ble.DBus;

/// <summary>Well-known D-Bus interface, member and error names used by the BLE code.</summary>
internal static class DBusNames
{
    public const string Properties = "org.freedesktop.DBus.Properties";
    public const string ObjectManager = "org.freedesktop.DBus.ObjectManager";
    public const string Introspectable = "org.freedesktop.DBus.Introspectable";
    public const string Bus = "org.freedesktop.DBus";
    public const string BusPath = "/org/freedesktop/DBus";

    public const string ErrorUnknownObject = "org.freedesktop.DBus.Error.UnknownObject";
    public const string ErrorUnknownInterface = "org.freedesktop.DBus.Error.UnknownInterface";
    public const string ErrorUnknownProperty = "org.freedesktop.DBus.Error.UnknownProperty";
    public const string ErrorInvalidArgs = "org.freedesktop.DBus.Error.InvalidArgs";
    public const string ErrorPropertyReadOnly = "org.freedesktop.DBus.Error.PropertyReadOnly";
}
