using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using EspProv.Exceptions;

namespace EspProv.Transport.Http;

/// <summary>
/// Turns what the platform HTTP client throws into the transport-neutral failures (docs/design.md, "HTTP transport"):
/// the one place I/O errors are wrapped.
/// </summary>
internal static class HttpFailures
{
    /// <summary>Maps a failed exchange; <paramref name="responseStarted"/> = some response bytes had arrived.</summary>
    public static HttpTransportException Map(DeviceAddress address, string endpoint, Exception ex, bool responseStarted)
    {
        var socketError = Find<SocketException>(ex);
        switch (socketError?.SocketErrorCode)
        {
            case SocketError.ConnectionRefused:
                return new HttpTransportException(TransportFailure.ConnectionRefused, endpoint,
                    $"could not connect to {address}: connection refused (is the device's soft AP joined and its server running?)", innerException: ex);
            case SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain:
                return new HttpTransportException(TransportFailure.InvalidAddress, endpoint, $"could not resolve '{address.Host}'", innerException: ex);
            case SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.AddressNotAvailable:
                return new HttpTransportException(TransportFailure.ConnectionRefused, endpoint,
                    $"could not connect to {address}: {socketError.Message}", innerException: ex);
            case SocketError.TimedOut:
                return new HttpTransportException(TransportFailure.Timeout, endpoint, $"/{endpoint}: connection to {address} timed out", innerException: ex);
        }

        var error = (ex as HttpRequestException)?.HttpRequestError ?? (ex as HttpIOException)?.HttpRequestError ?? HttpRequestError.Unknown;
        if (error == HttpRequestError.SecureConnectionError || Find<AuthenticationException>(ex) is not null)
        {
            var cause = Find<AuthenticationException>(ex)?.Message ?? ex.InnerException?.Message ?? ex.Message;
            return new HttpTransportException(TransportFailure.SecureLinkFailed, endpoint, $"TLS handshake with {address} failed: {cause}", innerException: ex);
        }

        return error switch
        {
            HttpRequestError.ConfigurationLimitExceeded => Malformed(endpoint, $"a header block over {HttpTransport.MaxHeaderKiB} KiB", ex),
            HttpRequestError.InvalidResponse => Malformed(endpoint, $"a reply that is not HTTP/1.x ({Sanitize(ex.Message)})", ex),
            HttpRequestError.NameResolutionError => new HttpTransportException(TransportFailure.InvalidAddress, endpoint, $"could not resolve '{address.Host}'", innerException: ex),
            // A reset before any response byte is how a device that drops a failed request often looks on the wire.
            _ when !responseStarted => ClosedWithoutResponse(endpoint, ex),
            _ => new HttpTransportException(TransportFailure.LinkLost, endpoint,
                $"/{endpoint}: the device closed the connection part-way through the response ({socketError?.Message ?? Sanitize(ex.Message)})", innerException: ex),
        };
    }

    public static HttpTransportException ClosedWithoutResponse(string endpoint, Exception? inner = null) =>
        new(TransportFailure.ClosedWithoutResponse, endpoint, $"/{endpoint}: the device closed the connection without a response", innerException: inner);

    public static HttpTransportException Malformed(string endpoint, string what, Exception? inner = null) =>
        new(TransportFailure.MalformedReply, endpoint, $"/{endpoint}: the device sent {what}", innerException: inner);

    public static HttpTransportException TooLarge(string endpoint, long? length, int limit) =>
        new(TransportFailure.ResponseTooLarge, endpoint,
            $"/{endpoint}: response {(length is { } n ? $"of {n} bytes " : string.Empty)}exceeds the {limit}-byte limit");

    public static HttpTransportException Status(string endpoint, int status, string? reason, ReadOnlySpan<byte> body)
    {
        var detail = System.Text.Encoding.UTF8.GetString(body).Trim();
        return new HttpTransportException(status == 404 ? TransportFailure.EndpointNotFound : TransportFailure.Rejected, endpoint,
            $"/{endpoint}: device answered HTTP {status} {Sanitize(reason ?? string.Empty)}" + (detail.Length > 0 ? $" ({Sanitize(detail)})" : string.Empty), status);
    }

    public static string Sanitize(string text) => new(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());

    private static T? Find<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }
        }

        return null;
    }
}
