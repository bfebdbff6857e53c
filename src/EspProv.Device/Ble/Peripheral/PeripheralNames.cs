namespace EspProv.Device.Ble.Peripheral;

/// <summary>BlueZ names the peripheral side uses (doc/gatt-api.txt, doc/advertising-api.txt, BLE.md §6).</summary>
internal static class PeripheralNames
{
    public const string Bluez = "org.bluez";
    public const string Adapter = "org.bluez.Adapter1";
    public const string Device = "org.bluez.Device1";
    public const string GattManager = "org.bluez.GattManager1";
    public const string AdvertisingManager = "org.bluez.LEAdvertisingManager1";
    public const string Advertisement = "org.bluez.LEAdvertisement1";
    public const string GattService = "org.bluez.GattService1";
    public const string GattCharacteristic = "org.bluez.GattCharacteristic1";
    public const string GattDescriptor = "org.bluez.GattDescriptor1";

    /// <summary>Root of the GATT application; one per bus connection, so every device uses the same path.</summary>
    public const string ApplicationPath = "/org/espprov/provisioning";

    public const string ServicePath = ApplicationPath + "/service0";

    public const string AdvertisementPath = "/org/espprov/advertisement0";
}
