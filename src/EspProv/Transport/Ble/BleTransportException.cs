using EspProv.Exceptions;

namespace EspProv.Transport.Ble;

/// <summary>
/// A <see cref="TransportException"/> raised by <see cref="BleTransport"/> or <see cref="BleDiscovery"/>, with the BlueZ
/// error name when BlueZ (or the D-Bus daemon) answered one.
/// </summary>
public sealed class BleTransportException : TransportException
{
    /// <summary>Creates a BLE transport exception.</summary>
    public BleTransportException(TransportFailure failure, string endpoint, string message, string? bluezError = null, Exception? innerException = null,
        ProvisioningStep? step = null)
        : base(failure, endpoint, message, innerException, step)
    {
        BluezError = bluezError;
    }

    /// <inheritdoc />
    public override TransportException AtStep(ProvisioningStep provisioningStep) => new BleTransportException(Failure, Endpoint ?? string.Empty, Message, BluezError, InnerException, provisioningStep);

    /// <summary>
    /// The D-Bus error name behind the failure, such as <c>org.bluez.Error.Failed</c> or
    /// <c>org.freedesktop.DBus.Error.ServiceUnknown</c>; null when the failure was not an error reply.
    /// </summary>
    public string? BluezError { get; }
}
