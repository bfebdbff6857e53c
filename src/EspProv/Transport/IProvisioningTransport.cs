namespace EspProv.Transport;

/// <summary>
/// Moves opaque request/response bodies to and from a named protocomm endpoint. Knows nothing of
/// encryption or message types. Requests are sequential: callers never overlap them.
/// </summary>
public interface IProvisioningTransport : IAsyncDisposable
{
    /// <summary>
    /// Sends <paramref name="request"/> to <paramref name="endpoint"/> and returns the response body.
    /// Throws <see cref="Exceptions.TransportException"/> naming the endpoint on failure; never retries
    /// (a lost encrypted request must not be resent).
    /// </summary>
    Task<byte[]> SendAsync(string endpoint, ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Closes the connection and forgets any session cookie, so that the next request starts a fresh
    /// security session on the device.
    /// </summary>
    ValueTask ResetAsync();
}
