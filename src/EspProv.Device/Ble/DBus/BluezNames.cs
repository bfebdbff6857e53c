using System.Globalization;

namespace EspProv.Device.Ble.DBus;

/// <summary>BlueZ interface and error names (doc/*-api.txt, src/error.c) and address/UUID formatting.</summary>
internal static class BluezNames
{
    public const string Service = "org.bluez";
    public const string Adapter = "org.bluez.Adapter1";
    public const string Device = "org.bluez.Device1";
    public const string GattManager = "org.bluez.GattManager1";
    public const string AdvertisingManager = "org.bluez.LEAdvertisingManager1";
    public const string Advertisement = "org.bluez.LEAdvertisement1";
    public const string GattService = "org.bluez.GattService1";
    public const string GattCharacteristic = "org.bluez.GattCharacteristic1";
    public const string GattDescriptor = "org.bluez.GattDescriptor1";

    public const string ErrorFailed = "org.bluez.Error.Failed";
    public const string ErrorInvalidArguments = "org.bluez.Error.InvalidArguments";
    public const string ErrorAlreadyExists = "org.bluez.Error.AlreadyExists";
    public const string ErrorDoesNotExist = "org.bluez.Error.DoesNotExist";
    public const string ErrorNotReady = "org.bluez.Error.NotReady";
    public const string ErrorInProgress = "org.bluez.Error.InProgress";
    public const string ErrorNotPermitted = "org.bluez.Error.NotPermitted";
    public const string ErrorNotAuthorized = "org.bluez.Error.NotAuthorized";
    public const string ErrorNotSupported = "org.bluez.Error.NotSupported";
    public const string ErrorInvalidOffset = "org.bluez.Error.InvalidOffset";
    public const string ErrorInvalidValueLength = "org.bluez.Error.InvalidValueLength";

    /// <summary>The Bluetooth base UUID's tail, for expanding 16- and 32-bit UUIDs.</summary>
    private const string BaseTail = "-0000-1000-8000-00805f9b34fb";

    /// <summary>Device path under an adapter: <c>dev_AA_BB_CC_DD_EE_FF</c> (src/device.c).</summary>
    public static string DevicePath(string adapterPath, string address) =>
        adapterPath + "/dev_" + address.Replace(':', '_');

    /// <summary>The Alias BlueZ shows for a device without a name: the address with dashes (src/device.c).</summary>
    public static string AddressAlias(string address) => address.Replace(':', '-');

    /// <summary>A 128-bit lower-case UUID string, as BlueZ reports every UUID; null if the text is not a UUID.</summary>
    public static string? NormalizeUuid(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t.Length is 4 or 8 && uint.TryParse(t, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
        {
            return value.ToString("x8", CultureInfo.InvariantCulture) + BaseTail;
        }
        return Guid.TryParseExact(t, "D", out var guid) ? guid.ToString("D") : null;
    }

    /// <summary>The expanded form of a 16-bit UUID.</summary>
    public static string Uuid16(ushort value) => value.ToString("x8", CultureInfo.InvariantCulture) + BaseTail;
}
