using EspProv.Exceptions;

namespace EspProv.Transport.Http;

/// <summary>A <see cref="TransportException"/> raised by <see cref="HttpTransport"/>, with the HTTP status when the device answered one.</summary>
public sealed class HttpTransportException : TransportException
{
    /// <summary>Creates an HTTP transport exception.</summary>
    public HttpTransportException(TransportFailure failure, string endpoint, string message, int? statusCode = null, Exception? innerException = null,
        ProvisioningStep? step = null)
        : base(failure, endpoint, message, innerException, step)
    {
        StatusCode = statusCode;
    }

    /// <inheritdoc />
    public override TransportException AtStep(ProvisioningStep provisioningStep) => new HttpTransportException(Failure, Endpoint ?? string.Empty, Message, StatusCode, InnerException, provisioningStep);

    /// <summary>The HTTP status the device answered (404 for <see cref="TransportFailure.EndpointNotFound"/>), or null.</summary>
    public int? StatusCode { get; }
}
