using System.Globalization;
using EspProv.Device.Ble.DBus;

namespace EspProv.VirtualBluez;

/// <summary>
/// The two error translations a GATT request crosses: the peripheral application's D-Bus error → the ATT error code its
/// BlueZ sends (src/gatt-database.c, dbus_error_to_att_ecode; docs/ble.md#bluez-peripheral-role), and that ATT code →
/// the D-Bus error the central's BlueZ returns (src/gatt-client.c, create_gatt_dbus_error;
/// docs/ble.md#bluez-central-role).
/// </summary>
internal static class AttErrors
{
    public const byte ReadNotPermitted = 0x02;
    public const byte WriteNotPermitted = 0x03;
    public const byte InsufficientAuthentication = 0x05;
    public const byte RequestNotSupported = 0x06;
    public const byte InvalidOffset = 0x07;
    public const byte InsufficientAuthorization = 0x08;
    public const byte InvalidAttributeValueLength = 0x0D;
    public const byte Unlikely = 0x0E;
    public const byte InsufficientEncryption = 0x0F;

    /// <summary>ATT code for an application's error reply to ReadValue or WriteValue.</summary>
    public static byte FromApplicationError(string name, string? message, bool isWrite)
    {
        switch (name)
        {
            case BluezNames.ErrorFailed:
                var text = (message ?? "").Trim();
                var parsed = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                    ? int.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code)
                    : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out code);
                if (!parsed)
                {
                    return 0x80;
                }
                return code is >= 0x80 and <= 0x9F ? (byte)code : Unlikely;
            case BluezNames.ErrorNotSupported:
                return RequestNotSupported;
            case BluezNames.ErrorNotAuthorized:
                return InsufficientAuthorization;
            case BluezNames.ErrorInvalidValueLength:
                return InvalidAttributeValueLength;
            case BluezNames.ErrorInvalidOffset:
                return InvalidOffset;
            case BluezNames.ErrorInProgress:
                return 0xFE;
            case BluezNames.ErrorNotPermitted:
                return isWrite ? WriteNotPermitted : ReadNotPermitted;
            default:
                return Unlikely;
        }
    }

    /// <summary>The D-Bus error the central's BlueZ answers ReadValue/WriteValue with, for an ATT error code.</summary>
    public static (string Name, string Message) ToCentralError(byte code) => code switch
    {
        ReadNotPermitted => (BluezNames.ErrorNotPermitted, "Read not permitted"),
        WriteNotPermitted => (BluezNames.ErrorNotPermitted, "Write not permitted"),
        InsufficientAuthentication or 0x0C or InsufficientEncryption => (BluezNames.ErrorNotPermitted, "Not paired"),
        InvalidOffset => (BluezNames.ErrorInvalidArguments, "Invalid offset"),
        InvalidAttributeValueLength => (BluezNames.ErrorInvalidArguments, "Invalid Length"),
        InsufficientAuthorization => (BluezNames.ErrorNotAuthorized, "Operation Not Authorized"),
        RequestNotSupported => (BluezNames.ErrorNotSupported, "Operation is not supported"),
        _ => (BluezNames.ErrorFailed, $"Operation failed with ATT error: 0x{code:x2}"),
    };
}
