namespace EspProv.Exceptions;

/// <summary>What went wrong while moving bytes to or from the device, in terms that hold for every transport.</summary>
public enum TransportFailure
{
    /// <summary>The device address could not be parsed or resolved.</summary>
    InvalidAddress,

    /// <summary>Nothing suitable to reach the device with: no network path, no Bluetooth adapter, no Bluetooth service.</summary>
    Unavailable,

    /// <summary>The device was not found (not advertising, not in range).</summary>
    DeviceNotFound,

    /// <summary>The device could not be connected to (refused, unreachable, connection attempt failed).</summary>
    ConnectionRefused,

    /// <summary>The device has no such endpoint (older firmware without it).</summary>
    EndpointNotFound,

    /// <summary>
    /// The device ended the exchange without any response. Firmware does this for every protocol error: an HTTP device
    /// closes the connection, a BLE device fails the write or drops the link.
    /// </summary>
    ClosedWithoutResponse,

    /// <summary>The link broke (reset, or closed part-way through a response).</summary>
    LinkLost,

    /// <summary>No complete response arrived within the request timeout.</summary>
    Timeout,

    /// <summary>The device answered with an error of its transport other than "no such endpoint".</summary>
    Rejected,

    /// <summary>The response was larger than the configured limit.</summary>
    ResponseTooLarge,

    /// <summary>The response did not follow the transport's framing.</summary>
    MalformedReply,

    /// <summary>The link's own security could not be set up (a TLS handshake, BLE pairing or encryption the device demands).</summary>
    SecureLinkFailed,
}

/// <summary>
/// A failure of the transport layer, naming the endpoint and a transport-neutral cause. Transports derive their own
/// types for details that only they know (an HTTP status code, a Bluetooth error name).
/// </summary>
public class TransportException : ProvisioningException
{
    /// <summary>Creates a transport exception; <paramref name="step"/> is null when raised by a transport, which knows no steps.</summary>
    public TransportException(TransportFailure failure, string endpoint, string message, Exception? innerException = null, ProvisioningStep? step = null)
        : base(message, step, endpoint, innerException)
    {
        Failure = failure;
    }

    /// <summary>
    /// This failure as seen at <paramref name="provisioningStep"/>: a new exception of the same type with the same data and inner
    /// exception, and <see cref="ProvisioningException.Step"/> set. The client raises it in place of a transport's
    /// step-less exception; derived types override it to keep their own data.
    /// </summary>
    public virtual TransportException AtStep(ProvisioningStep provisioningStep) => new(Failure, Endpoint ?? string.Empty, Message, InnerException, provisioningStep);

    /// <summary>The kind of failure.</summary>
    public TransportFailure Failure { get; }

    /// <inheritdoc />
    public override bool MayHaveReachedDevice => Failure is TransportFailure.ClosedWithoutResponse or TransportFailure.LinkLost
        or TransportFailure.Timeout or TransportFailure.ResponseTooLarge or TransportFailure.MalformedReply;

    /// <summary>True when the request may not have reached the device or its answer was lost, so device state is unknown.</summary>
    public bool IsLinkLevel => Failure is TransportFailure.ConnectionRefused or TransportFailure.ClosedWithoutResponse
        or TransportFailure.LinkLost or TransportFailure.Timeout or TransportFailure.SecureLinkFailed;
}
