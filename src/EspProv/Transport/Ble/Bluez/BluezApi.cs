namespace EspProv.Transport.Ble.Bluez;

/// <summary>Names of the BlueZ D-Bus API a central uses (docs/ble.md#bluez-central-role).</summary>
internal static class BluezApi
{
    public const string Service = "org.bluez";
    public const string Adapter = "org.bluez.Adapter1";
    public const string Device = "org.bluez.Device1";
    public const string GattService = "org.bluez.GattService1";
    public const string GattCharacteristic = "org.bluez.GattCharacteristic1";
    public const string GattDescriptor = "org.bluez.GattDescriptor1";
    public const string ObjectManager = "org.freedesktop.DBus.ObjectManager";
    public const string Properties = "org.freedesktop.DBus.Properties";

    /// <summary>Characteristic User Description: each provisioning characteristic names its endpoint in one
    /// (docs/ble.md#attributes-and-descriptors).</summary>
    public const string UserDescriptionUuid = "00002901-0000-1000-8000-00805f9b34fb";

    /// <summary>The standard system bus socket, used when <c>DBUS_SYSTEM_BUS_ADDRESS</c> is not set.</summary>
    public const string DefaultSystemBus = "unix:path=/var/run/dbus/system_bus_socket";

    public static string SystemBusAddress(string? configured)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        return Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS") is { Length: > 0 } env ? env : DefaultSystemBus;
    }
}
