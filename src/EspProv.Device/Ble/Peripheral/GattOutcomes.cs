namespace EspProv.Device.Ble.Peripheral;

/// <summary>
/// An error an application returns to BlueZ from ReadValue/WriteValue, which BlueZ turns into an ATT error
/// (docs/ble.md#bluez-peripheral-role).
/// </summary>
/// <param name="Name">The D-Bus error name, e.g. <c>org.bluez.Error.InvalidOffset</c>.</param>
/// <param name="Message">Its message; for <c>org.bluez.Error.Failed</c> BlueZ reads an ATT code from it.</param>
internal readonly record struct GattError(string Name, string Message)
{
    /// <summary>Offset past the end of the value: ATT 0x07.</summary>
    public static readonly GattError InvalidOffset = new("org.bluez.Error.InvalidOffset", "Invalid offset");

    /// <summary>Value longer than the attribute holds: ATT 0x0D.</summary>
    public static readonly GattError InvalidValueLength = new("org.bluez.Error.InvalidValueLength", "Invalid value length");

    /// <summary>Write to a read-only attribute: ATT 0x03.</summary>
    public static readonly GattError NotPermitted = new("org.bluez.Error.NotPermitted", "Write not permitted");

    /// <summary>
    /// NimBLE answers a protocol error with ATT 0x04 (Invalid PDU). BlueZ lets an application choose only 0x80–0x9F
    /// through <c>Failed</c> and maps any other number to 0x0E (Unlikely Error), so the central sees 0x0E: the nearest
    /// BlueZ allows, and, like 0x04, a failed write on a link that stays up.
    /// </summary>
    public static readonly GattError ProtocolError = new("org.bluez.Error.Failed", "0x04");

    /// <summary>Answer to a write whose link the device already dropped (BlueZ discards it).</summary>
    public static readonly GattError LinkDropped = new("org.bluez.Error.Failed", "0x0e");
}

/// <summary>What the application answers to a GATT write.</summary>
internal enum GattWriteAction
{
    /// <summary>Reply to WriteValue with no arguments: BlueZ sends the Write Response.</summary>
    Acknowledge,

    /// <summary>Reply with <see cref="GattWriteOutcome.Error"/>.</summary>
    Fail,

    /// <summary>Bluedroid's answer to a protocol error: drop the link, send no write response.</summary>
    DropLink,
}

/// <summary>The outcome of one GATT write.</summary>
internal readonly record struct GattWriteOutcome(GattWriteAction Action, GattError? Error = null)
{
    public static readonly GattWriteOutcome Acknowledged = new(GattWriteAction.Acknowledge);

    public static GattWriteOutcome Failed(GattError error) => new(GattWriteAction.Fail, error);
}

/// <summary>The outcome of one GATT read: the bytes from the requested offset, or an error.</summary>
internal readonly record struct GattReadOutcome(byte[]? Value, GattError? Error)
{
    public static GattReadOutcome Of(byte[] value) => new(value, null);

    public static GattReadOutcome Failed(GattError error) => new(null, error);
}
