using System.Security.Cryptography;
using EspProv.Device.Security;
using Microsoft.Extensions.Logging;

namespace EspProv.Device.Protocomm;

/// <summary>How a request was tied to the security session.</summary>
/// <param name="Created">True when this request started a new session (an ESP-IDF HTTP server then sends <c>Set-Cookie</c>).</param>
/// <param name="SessionId">The session id (the cookie value on ESP-IDF's HTTP server).</param>
internal readonly record struct SessionBinding(bool Created, uint SessionId);

/// <summary>How a front-end's links find their security session (docs/protocol.md#sessions-and-cookies,
/// docs/ble.md#requests-and-responses).</summary>
internal enum SessionKeying
{
    /// <summary>The session belongs to the link it was created on (ESP8266's HTTP server, BLE connections, in-memory links).</summary>
    ByLink,

    /// <summary>
    /// A request that names the session (ESP-IDF's HTTP session cookie) finds it on any link; a request that names none
    /// finds the session of its link.
    /// </summary>
    ByTokenThenLink,
}

/// <summary>
/// Protocomm: one security session at a time (docs/protocol.md#sessions-and-cookies) and dispatch of a request body to
/// its endpoint (docs/protocol.md#endpoints): version text, handshake, or decrypt → handler → encrypt. Not thread-safe:
/// the device serialises requests, like firmware's single server task. Knows links and session ids, not the front-end
/// that carries them.
/// </summary>
internal sealed class ProtocommCore : IDisposable
{
    private readonly DeviceFlavor _flavor;
    private readonly IDeviceSecurity _security;
    private readonly EndpointRegistry _endpoints;
    private readonly ILogger _logger;
    private Session? _session;

    public ProtocommCore(DeviceFlavor flavor, IDeviceSecurity security, EndpointRegistry endpoints, ILogger logger)
    {
        _flavor = flavor;
        _security = security;
        _endpoints = endpoints;
        _logger = logger;
    }

    /// <summary>Runs after every successful exchange, once the response is final (used to rearm the device).</summary>
    public Action? AfterResponse { get; set; }

    public int SessionsCreated { get; private set; }

    public uint? CurrentSessionId => _session?.Id;

    /// <summary>
    /// Finds or creates the session for a request arriving on <paramref name="link"/>. <paramref name="claimedSession"/> is
    /// the session the request names (an HTTP cookie's id; any value outside the id range names no existing session), or
    /// null when it names none. Runs before the body is validated, for any endpoint.
    /// </summary>
    public SessionBinding BeginRequest(long link, SessionKeying keying, long? claimedSession = null)
    {
        if (_session is { } current && IsSameSession(current, link, keying, claimedSession))
        {
            return new SessionBinding(false, current.Id);
        }

        DiscardSession();
        // ESP8266's HTTP server uses the socket number as session id; ESP-IDF draws a random one.
        var id = _flavor == DeviceFlavor.Esp8266 ? (uint)link : NewSessionId();
        _session = new Session(id, link, _security.CreateSession(_flavor));
        SessionsCreated++;
        _logger.SessionCreated(id);
        return new SessionBinding(true, id);
    }

    private static bool IsSameSession(Session current, long link, SessionKeying keying, long? claimedSession)
    {
        if (keying == SessionKeying.ByTokenThenLink && claimedSession is { } claimed)
        {
            // A single integer compare: constant time, so response timing reveals nothing about the id.
            if (claimed == current.Id)
            {
                // The client names its session: the link no longer identifies it.
                current.Link = -1;
                return true;
            }

            return false;
        }

        return current.Link == link;
    }

    /// <summary>
    /// A link closed. A session keyed only by its link ends with it (BLE, ESP8266: the next link starts a new one); a
    /// session that can be named (ESP-IDF's cookie) stays, no longer found by that link.
    /// </summary>
    public void OnLinkClosed(long link, SessionKeying keying)
    {
        if (_session is not { } current || current.Link != link)
        {
            return;
        }

        if (keying == SessionKeying.ByTokenThenLink)
        {
            current.Link = -1;
        }
        else if (_flavor == DeviceFlavor.Idf)
        {
            // ESP-IDF closes the session with the link it belongs to (protocomm_ble's disconnect handler).
            DiscardSession();
        }
    }

    /// <summary>Closes the current session (keys zeroed); the next request starts a new one.</summary>
    public void DiscardSession()
    {
        if (_session is { } old)
        {
            _logger.SessionClosed(old.Id);
            old.Security.Dispose();
            _session = null;
        }
    }

    /// <summary>Handles one request body for <paramref name="endpoint"/>; null = protocol failure (close without response).</summary>
    public byte[]? Handle(string endpoint, byte[] body)
    {
        if (_session is null || !_endpoints.TryGet(endpoint, out var registration))
        {
            return null;
        }

        byte[]? response;
        switch (registration.Kind)
        {
            case EndpointKind.Version:
                response = registration.Handler(body);
                break;
            case EndpointKind.Session:
                response = _session.Security.HandleSessionRequest(body);
                break;
            default:
                if (!_session.Security.IsEstablished || !_session.Security.TryDecrypt(body, out var plaintext))
                {
                    return null;
                }

                var plainResponse = registration.Handler(plaintext);
                response = plainResponse is null ? null : _session.Security.Encrypt(plainResponse);
                break;
        }

        if (response is not null)
        {
            AfterResponse?.Invoke();
        }

        return response;
    }

    public void Dispose()
    {
        _session?.Security.Dispose();
        _session = null;
    }

    private static uint NewSessionId()
    {
        // OS RNG, not the injectable source: pinned vectors must not depend on how many sessions a test opens.
        Span<byte> bytes = stackalloc byte[4];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt32(bytes);
    }

    private sealed class Session(uint id, long link, IDeviceSecuritySession security)
    {
        public uint Id { get; } = id;

        public long Link { get; set; } = link;

        public IDeviceSecuritySession Security { get; } = security;
    }
}
