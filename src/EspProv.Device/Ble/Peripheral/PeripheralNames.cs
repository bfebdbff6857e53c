namespace EspProv.Device.Ble.Peripheral;

/// <summary>The object paths of our GATT application and advertisement (BlueZ's own names: <see cref="DBus.BluezNames"/>).</summary>
internal static class PeripheralNames
{
    /// <summary>Root of the GATT application; one per bus connection, so every device uses the same path.</summary>
    public const string ApplicationPath = "/org/espprov/provisioning";

    public const string ServicePath = ApplicationPath + "/service0";

    public const string AdvertisementPath = "/org/espprov/advertisement0";
}
