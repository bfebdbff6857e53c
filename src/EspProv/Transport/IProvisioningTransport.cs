namespace EspProv.Transport;

/// <summary>
/// Moves opaque request/response bodies to and from a named protocomm endpoint over some link to the device (a TCP
/// connection, a BLE connection, an in-memory pair). Knows nothing of encryption or message types. Requests are
/// sequential: callers never overlap them.
/// </summary>
/// <remarks>
/// Every failure is a <see cref="Exceptions.TransportException"/> with a transport-neutral
/// <see cref="Exceptions.TransportFailure"/>; a transport may derive its own exception type for details of its own.
/// A transport never resends a request: a lost encrypted request must not be replayed (it would throw the cipher out
/// of step, or apply twice).
/// </remarks>
public interface IProvisioningTransport : IAsyncDisposable
{
    /// <summary>
    /// The largest response the device can hand over in one exchange (BLE firmware stores a characteristic value of
    /// at most a few hundred bytes). The flow sizes paged requests, such as scan results, to stay under it.
    /// </summary>
    int MaxResponseBytes { get; }

    /// <summary>
    /// The largest request body this transport can carry to <paramref name="endpoint"/> in one exchange; a larger one
    /// is refused before anything is sent (<see cref="Exceptions.TransportFailure.RequestTooLarge"/>). The flow checks a
    /// security scheme's first handshake message against it before it starts. Default <see cref="int.MaxValue"/>: no
    /// limit of the transport's own. The console transport has one (its device reads lines of at most 255 characters).
    /// </summary>
    int GetMaxRequestBytes(string endpoint) => int.MaxValue;

    /// <summary>
    /// Sends <paramref name="request"/> to <paramref name="endpoint"/> and returns the response body.
    /// Throws <see cref="Exceptions.TransportException"/> naming the endpoint on failure; never retries.
    /// </summary>
    Task<byte[]> SendAsync(string endpoint, ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes the link ready for the next request, to <paramref name="endpoint"/> (a link the device closed while idle is
    /// replaced now, before anything is sent) and describes it, so the flow can tell whether the device still knows its
    /// security session.
    /// </summary>
    /// <param name="endpoint">The endpoint of the request the link is prepared for: a failure to reach the device names it.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="Exceptions.TransportException">The device could not be reached.</exception>
    ValueTask<TransportLink> PrepareAsync(string endpoint, CancellationToken cancellationToken = default);

    /// <summary>
    /// Closes the link and forgets anything that ties the device's session to this client, so that the next request
    /// starts a fresh security session on the device.
    /// </summary>
    ValueTask ResetAsync(CancellationToken cancellationToken = default);
}

/// <summary>The state of a transport's link to the device, as <see cref="IProvisioningTransport.PrepareAsync"/> reports it.</summary>
/// <param name="Generation">Changes whenever the transport opens a new link (1 for the first).</param>
/// <param name="SessionSurvivesNewLink">True when the device finds its security session again on a new link (HTTP with a
/// session cookie). False when the device keys the session by link (ESP8266's HTTP server, BLE): a new link then needs
/// a new handshake before anything encrypted is sent.</param>
public readonly record struct TransportLink(long Generation, bool SessionSurvivesNewLink);
