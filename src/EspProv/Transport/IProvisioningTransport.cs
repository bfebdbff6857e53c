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

    /// <summary>
    /// Makes the link ready for the next request (a connection the device closed while idle is replaced now, before
    /// anything is sent) and describes it, so the flow can tell whether the device can still know its security session:
    /// ESP8266 and cookie-less ESP-IDF firmware key the session by socket (PROTOCOL.md §3.2), so a session does not
    /// survive a new connection unless the device follows it by cookie. The default, for transports without
    /// connections, reports one connection for ever: the flow then never re-handshakes on its own.
    /// </summary>
    /// <exception cref="Exceptions.TransportException">The device could not be reached.</exception>
    ValueTask<TransportLink> PrepareAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(TransportLink.Persistent);
}

/// <summary>The state of a transport's link to the device, as <see cref="IProvisioningTransport.PrepareAsync"/> reports it.</summary>
/// <param name="ConnectionId">Changes whenever the transport opens a new connection (1 for the first).</param>
/// <param name="SessionCookie">True when the device sent a session cookie that the transport sends back: the device then
/// finds its session on any connection.</param>
public readonly record struct TransportLink(long ConnectionId, bool SessionCookie)
{
    /// <summary>A link that never changes (the default of transports without connections).</summary>
    public static TransportLink Persistent { get; } = new(0, true);
}
