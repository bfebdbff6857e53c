using EspProv.Exceptions;

namespace EspProv.Transport.Console;

/// <summary>A <see cref="TransportException"/> raised by <see cref="ConsoleTransport"/>, naming the port.</summary>
public sealed class ConsoleTransportException : TransportException
{
    /// <summary>Creates a console transport exception.</summary>
    public ConsoleTransportException(TransportFailure failure, string endpoint, string port, string message, Exception? innerException = null,
        ProvisioningStep? step = null)
        : base(failure, endpoint, message, innerException, step)
    {
        Port = port;
    }

    /// <inheritdoc />
    public override TransportException AtStep(ProvisioningStep provisioningStep) =>
        new ConsoleTransportException(Failure, Endpoint ?? string.Empty, Port, Message, InnerException, provisioningStep);

    /// <summary>The serial port or terminal, e.g. <c>/dev/ttyUSB0</c>.</summary>
    public string Port { get; }
}
