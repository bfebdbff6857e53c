namespace EspProv.Exceptions;

/// <summary>What went wrong while moving bytes to or from the device.</summary>
public enum TransportFailure
{
    /// <summary>The endpoint string could not be parsed or resolved.</summary>
    InvalidEndpoint,

    /// <summary>The device refused the TCP connection (nothing listening, or not reachable).</summary>
    ConnectionRefused,

    /// <summary>The device closed the connection without sending any response. Firmware does this for every protocol error.</summary>
    ClosedWithoutResponse,

    /// <summary>The connection broke (reset, or closed part-way through a response).</summary>
    ConnectionLost,

    /// <summary>No complete response arrived within the request timeout.</summary>
    Timeout,

    /// <summary>The device answered with an HTTP status other than 200.</summary>
    HttpError,

    /// <summary>The response was larger than the configured limit.</summary>
    ResponseTooLarge,

    /// <summary>The response was not valid HTTP/1.x.</summary>
    MalformedResponse,

    /// <summary>The TLS handshake with an HTTPS endpoint failed.</summary>
    TlsFailure,
}

/// <summary>A failure of the transport layer, naming the endpoint and the cause.</summary>
public sealed class TransportException : ProvisioningException
{
    /// <summary>Creates a transport exception.</summary>
    public TransportException(TransportFailure failure, string endpoint, string message, int? httpStatusCode = null, Exception? innerException = null)
        : base(message, step: null, endpoint, innerException)
    {
        Failure = failure;
        HttpStatusCode = httpStatusCode;
    }

    /// <summary>The kind of failure.</summary>
    public TransportFailure Failure { get; }

    /// <summary>The HTTP status code when <see cref="Failure"/> is <see cref="TransportFailure.HttpError"/>.</summary>
    public int? HttpStatusCode { get; }

    /// <summary>True when the request may not have reached the device or its answer was lost, so device state is unknown.</summary>
    public bool IsConnectionLevel => Failure is TransportFailure.ConnectionRefused or TransportFailure.ClosedWithoutResponse
        or TransportFailure.ConnectionLost or TransportFailure.Timeout or TransportFailure.TlsFailure;
}
