using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EspProv.Device.Security;

namespace EspProv.Device.Protocomm;

/// <summary>How a request was tied to the security session.</summary>
/// <param name="Created">True when this request started a new session (ESP-IDF then answers with <c>Set-Cookie</c>).</param>
/// <param name="SessionId">The session id (the cookie value on ESP-IDF).</param>
internal readonly record struct SessionBinding(bool Created, uint SessionId);

/// <summary>
/// Protocomm: one security session at a time (PROTOCOL.md §3.2) and dispatch of a request body to its endpoint
/// (§4): version text, handshake, or decrypt → handler → encrypt. Not thread-safe: the host serialises requests,
/// like firmware's single HTTP server task.
/// </summary>
internal sealed class ProtocommCore : IDisposable
{
    /// <summary>esp_http_server reads the Cookie header into a 20-byte buffer; longer values are not read at all.</summary>
    internal const int MaxCookieLength = 19;

    private readonly DeviceFlavor _flavor;
    private readonly IDeviceSecurity _security;
    private readonly EndpointRegistry _endpoints;
    private readonly Action<string> _log;
    private Session? _session;

    public ProtocommCore(DeviceFlavor flavor, IDeviceSecurity security, EndpointRegistry endpoints, Action<string> log)
    {
        _flavor = flavor;
        _security = security;
        _endpoints = endpoints;
        _log = log;
    }

    /// <summary>Runs after every successful exchange, once the response is final (used to rearm the device).</summary>
    public Action? AfterResponse { get; set; }

    public int SessionsCreated { get; private set; }

    public uint? CurrentSessionId => _session?.Id;

    /// <summary>
    /// Finds or creates the session for a request arriving on <paramref name="connectionId"/> with the given
    /// <c>Cookie</c> header (null = none). Runs before the body is validated, for any endpoint.
    /// </summary>
    public SessionBinding BeginRequest(long connectionId, string? cookie)
    {
        if (_session is { } current && IsSameSession(current, connectionId, cookie))
        {
            return new SessionBinding(false, current.Id);
        }

        DiscardSession();
        var id = _flavor == DeviceFlavor.Esp8266 ? (uint)connectionId : NewSessionId();
        var securitySession = _security is DeviceSecurity1 sec1 ? sec1.CreateSession(_flavor) : _security.CreateSession();
        _session = new Session(id, connectionId, securitySession);
        SessionsCreated++;
        _log($"session {id.ToString(CultureInfo.InvariantCulture)} created");
        return new SessionBinding(true, id);
    }

    private bool IsSameSession(Session current, long connectionId, string? cookie)
    {
        if (_flavor == DeviceFlavor.Esp8266)
        {
            return current.SocketId == connectionId;
        }

        if (cookie is not null && cookie.Length <= MaxCookieLength)
        {
            if (CookieMatches(cookie, current.Id))
            {
                // The client speaks cookies: the socket no longer identifies the session.
                current.SocketId = -1;
                return true;
            }

            return false;
        }

        return current.SocketId == connectionId;
    }

    /// <summary>
    /// True if <paramref name="cookie"/> is exactly <c>session=&lt;id&gt;</c>. The id is a bearer secret, so the bytes are
    /// compared in constant time (no early exit that would let response timing reveal a matching prefix).
    /// </summary>
    internal static bool CookieMatches(string cookie, uint id)
    {
        Span<byte> expected = stackalloc byte[MaxCookieLength + 1];
        "session="u8.CopyTo(expected);
        id.TryFormat(expected[8..], out var digits, default, CultureInfo.InvariantCulture);
        Span<byte> received = stackalloc byte[MaxCookieLength + 1];
        var length = Encoding.Latin1.GetBytes(cookie.AsSpan(0, Math.Min(cookie.Length, MaxCookieLength)), received);
        return length == 8 + digits
            && CryptographicOperations.FixedTimeEquals(received[..length], expected[..length]);
    }

    /// <summary>A socket closed: ESP-IDF stops recognising the session by that socket (the cookie still works).</summary>
    public void OnConnectionClosed(long connectionId)
    {
        if (_session is { } current && current.SocketId == connectionId && _flavor == DeviceFlavor.Idf)
        {
            current.SocketId = -1;
        }
    }

    /// <summary>Closes the current session (keys zeroed); the next request starts a new one.</summary>
    public void DiscardSession()
    {
        if (_session is { } old)
        {
            _log($"session {old.Id.ToString(CultureInfo.InvariantCulture)} closed");
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

    private sealed class Session(uint id, long socketId, IDeviceSecuritySession security)
    {
        public uint Id { get; } = id;

        public long SocketId { get; set; } = socketId;

        public IDeviceSecuritySession Security { get; } = security;
    }
}
