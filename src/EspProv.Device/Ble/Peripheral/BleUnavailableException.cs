namespace EspProv.Device.Ble.Peripheral;

/// <summary>The BLE front-end could not start: no D-Bus, no BlueZ, no suitable adapter, or BlueZ refused a registration.</summary>
public sealed class BleUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BleUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public BleUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public BleUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
