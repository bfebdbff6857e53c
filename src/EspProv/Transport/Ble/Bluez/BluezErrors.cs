using System.Globalization;
using System.Text.RegularExpressions;
using EspProv.Exceptions;
using Tmds.DBus.Protocol;

namespace EspProv.Transport.Ble.Bluez;

/// <summary>BlueZ's answers to a GATT request, as transport-neutral failures (docs/ble.md#protocol-errors, and the
/// error table of docs/ble.md#bluez-central-role).</summary>
internal static partial class BluezErrors
{
    public const string Failed = "org.bluez.Error.Failed";

    /// <summary>
    /// Maps an error reply to a write or read of <paramref name="endpoint"/>. <paramref name="linkBroken"/> says whether the
    /// link must be treated as gone (the next request then reconnects, with a new handshake).
    /// </summary>
    public static BleTransportException ForRequest(DBusErrorReplyException ex, string endpoint, out bool linkBroken)
    {
        var name = ex.ErrorName;
        var detail = $"{name}: {ex.ErrorMessage}";
        linkBroken = false;
        var att = AttCode(ex.ErrorMessage);
        switch (name)
        {
            case Failed when att == 0x04:
                // NimBLE firmware's answer to any protocol error (wrong PoP, bad message); the link stays up.
                return new(TransportFailure.ClosedWithoutResponse, endpoint,
                    $"/{endpoint}: the device rejected the request without a response (ATT error 0x04, {detail})", name, ex);
            case Failed when att == 0x0e:
                // Bluedroid firmware drops the link on a protocol error; BlueZ fails the pending write with 0x0e.
                linkBroken = true;
                return new(TransportFailure.ClosedWithoutResponse, endpoint,
                    $"/{endpoint}: the device dropped the link without a response (ATT error 0x0e, {detail})", name, ex);
            case Failed when att is 0x05 or 0x08 or 0x0c or 0x0f:
            case "org.bluez.Error.NotPermitted" or "org.bluez.Error.NotAuthorized":
                return new(TransportFailure.SecureLinkFailed, endpoint,
                    $"/{endpoint}: the device demands pairing/encryption (firmware built with forced BLE encryption; {detail}): pair it first, e.g. bluetoothctl pair <address>",
                    name, ex);
            case Failed when ex.ErrorMessage.Contains("Not connected", StringComparison.OrdinalIgnoreCase):
            case "org.freedesktop.DBus.Error.UnknownObject":
                linkBroken = true;
                return new(TransportFailure.LinkLost, endpoint, $"/{endpoint}: the link to the device is down ({detail})", name, ex);
            case "org.freedesktop.DBus.Error.ServiceUnknown":
                linkBroken = true;
                return new(TransportFailure.Unavailable, endpoint, $"/{endpoint}: BlueZ stopped ({detail})", name, ex);
            case "org.freedesktop.DBus.Error.NoReply":
                linkBroken = true;
                return new(TransportFailure.Timeout, endpoint, $"/{endpoint}: BlueZ gave no answer in time ({detail})", name, ex);
            default:
                return new(TransportFailure.Rejected, endpoint, $"/{endpoint}: the request failed ({detail})", name, ex);
        }
    }

    /// <summary>The ATT error code in BlueZ's "Operation failed with ATT error: 0xNN", or null.</summary>
    public static int? AttCode(string? message) =>
        message is not null && AttPattern().Match(message) is { Success: true } m
            ? int.Parse(m.Groups[1].ValueSpan, NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : null;

    [GeneratedRegex("ATT error: 0x([0-9a-fA-F]{2})")]
    private static partial Regex AttPattern();
}
