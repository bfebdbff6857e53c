using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EspProv.Exceptions;

namespace EspProv.Transport.Http;

/// <summary>
/// HTTP/1.1 transport as Espressif devices expect it (PROTOCOL.md §3): <c>POST /&lt;endpoint&gt;</c> on one persistent
/// connection, sequential requests, explicit <c>Content-Length</c>, esp_prov's headers, the session cookie echoed back.
/// </summary>
/// <remarks>
/// A small HTTP/1.1 client of our own rather than <see cref="System.Net.Http.HttpClient"/>: SocketsHttpHandler silently
/// resends a request when a reused connection fails before the response starts. For an encrypted exchange that would
/// desynchronise the cipher, and for apply it would apply twice; this transport never retries. It also writes the exact
/// header set esp_prov writes, in one segment, which small device TCP stacks handle best.
/// </remarks>
public sealed class HttpTransport : IProvisioningTransport
{
    private const int MaxHeaderBytes = 16 * 1024;
    private const int MaxBufferBytes = MaxHeaderBytes + 1024;

    // Device answers are ~100 bytes of headers plus the body: start small, grow up to MaxBufferBytes only when needed.
    private const int InitialBufferBytes = 2048;
    private static readonly byte[] HeaderTerminator = "\r\n\r\n"u8.ToArray();

    private readonly DeviceAddress _address;
    private readonly HttpTransportOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly byte[] _authority;
    private byte[] _buffer = new byte[InitialBufferBytes];
    private byte[] _request = new byte[512];
    private CancellationTokenSource? _timeoutSource;
    private Socket? _socket;
    private Stream? _stream;
    private int _bufferStart;
    private int _bufferEnd;
    private string? _cookie;
    private bool _disposed;
    private long _firstRequestTimestamp;
    private long _connectionId;

    /// <summary>Creates a transport for <paramref name="address"/>. No connection is made until the first request.</summary>
    public HttpTransport(DeviceAddress address, HttpTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        _address = address;
        _options = options ?? new HttpTransportOptions();
        _options.Validate();
        _authority = Encoding.ASCII.GetBytes(address.Authority);
    }

    /// <summary>The device address this transport talks to.</summary>
    public DeviceAddress Address => _address;

    /// <summary>The session cookie last received from the device (<c>session=&lt;id&gt;</c>), if any.</summary>
    public string? SessionCookie => _cookie;

    /// <inheritdoc />
    public int MaxResponseBytes => _options.MaxResponseBytes;

    /// <summary>True while a connection to the device is open.</summary>
    public bool IsConnected => _stream is not null;

    /// <summary>Connections opened so far (the id of the current or last connection).</summary>
    public long ConnectionCount => Interlocked.Read(ref _connectionId);

    /// <summary>Opens the connection now instead of on the first request (esp_prov on ESP-IDF connects eagerly).</summary>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => PrepareAsync(cancellationToken).AsTask();

    /// <inheritdoc />
    public async ValueTask<TransportLink> PrepareAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_stream is not null && _socket is not null && !PeerHasClosed(_socket))
            {
                return new TransportLink(_connectionId, SessionSurvivesNewLink: _options.UseSessionCookie && _cookie is not null);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.RequestTimeout);
            try
            {
                await EnsureConnectedAsync(Endpoints.ProtoVer, timeout.Token).ConfigureAwait(false);
                return new TransportLink(_connectionId, SessionSurvivesNewLink: _options.UseSessionCookie && _cookie is not null);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                CloseConnection();
                throw new HttpTransportException(TransportFailure.Timeout, Endpoints.ProtoVer, $"could not connect to {_address} within {_options.RequestTimeout.TotalSeconds:0.###} s");
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                CloseConnection();
                throw MapIoError(Endpoints.ProtoVer, ex, responseStarted: false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<byte[]> SendAsync(string endpoint, ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ValidateEndpointName(endpoint);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var limit = NextTimeout(endpoint, out var overallLimited);
            var timeout = StartTimeout(limit);
            using var link = cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), timeout);
            var responseStarted = false;
            try
            {
                await EnsureConnectedAsync(endpoint, timeout.Token).ConfigureAwait(false);
                await WriteRequestAsync(endpoint, request, timeout.Token).ConfigureAwait(false);
                var (status, reason, body, keepAlive) = await ReadResponseAsync(endpoint, () => responseStarted = true, timeout.Token).ConfigureAwait(false);
                _options.Trace?.Invoke($"POST /{endpoint} {request.Length} B -> {status} {body.Length} B");
                if (status != 200)
                {
                    // ESP-IDF 5.x closes after an error response anyway; start clean next time.
                    CloseConnection();
                    var detail = Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 120))).Trim();
                    throw new HttpTransportException(status == 404 ? TransportFailure.EndpointNotFound : TransportFailure.Rejected, endpoint,
                        $"/{endpoint}: device answered HTTP {status} {reason}" + (detail.Length > 0 ? $" ({Sanitize(detail)})" : string.Empty), status);
                }

                if (!keepAlive)
                {
                    CloseConnection();
                }

                return body;
            }
            catch (TransportException)
            {
                CloseConnection();
                throw;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                CloseConnection();
                throw new HttpTransportException(TransportFailure.Timeout, endpoint,
                    $"/{endpoint}: no {(responseStarted ? "complete " : string.Empty)}response within {limit.TotalSeconds:0.###} s"
                    + (overallLimited ? " (overall deadline reached)" : string.Empty));
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                CloseConnection();
                throw MapIoError(endpoint, ex, responseStarted);
            }
            catch
            {
                // Cancelled by the caller mid-exchange: the connection is in an unknown state.
                CloseConnection();
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask ResetAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            CloseConnection();
            _cookie = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            CloseConnection();
            _gate.Dispose();
            _timeoutSource?.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The wait allowed for the next request: the request timeout, cut to what is left of the overall deadline.</summary>
    private TimeSpan NextTimeout(string endpoint, out bool overallLimited)
    {
        overallLimited = false;
        if (_options.OverallTimeout is not { } overall)
        {
            return _options.RequestTimeout;
        }

        if (_firstRequestTimestamp == 0)
        {
            _firstRequestTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        }

        var left = overall - System.Diagnostics.Stopwatch.GetElapsedTime(_firstRequestTimestamp);
        if (left <= TimeSpan.Zero)
        {
            throw new HttpTransportException(TransportFailure.Timeout, endpoint, $"/{endpoint}: the overall deadline of {overall.TotalSeconds:0.###} s has passed");
        }

        overallLimited = left < _options.RequestTimeout || _options.RequestTimeout == Timeout.InfiniteTimeSpan;
        return overallLimited ? left : _options.RequestTimeout;
    }

    /// <summary>
    /// The per-request timeout: one source reused while no request timed out or was cancelled (a timer re-armed, not
    /// a new source, timer and link per request). The caller's token is linked by a registration for the request.
    /// </summary>
    private CancellationTokenSource StartTimeout(TimeSpan limit)
    {
        if (_timeoutSource is null || !_timeoutSource.TryReset())
        {
            _timeoutSource?.Dispose();
            _timeoutSource = new CancellationTokenSource();
        }

        _timeoutSource.CancelAfter(limit);
        return _timeoutSource;
    }

    private static void ValidateEndpointName(string endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        foreach (var c in endpoint)
        {
            if (c <= ' ' || c >= 0x7f || c is '/' or '?' or '#')
            {
                throw new ArgumentException($"invalid endpoint name '{Sanitize(endpoint)}'", nameof(endpoint));
            }
        }
    }

    private static string Sanitize(string text) =>
        new(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());

    private async Task EnsureConnectedAsync(string endpoint, CancellationToken cancellationToken)
    {
        if (_stream is not null && _socket is not null && !PeerHasClosed(_socket))
        {
            return;
        }

        // A connection the device closed while idle (LRU purge, timeout) is replaced before anything is sent,
        // so no request is lost on it.
        CloseConnection();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (_options.Interface is { } name)
            {
                InterfaceBinding.Bind(socket, name);
            }

            await socket.ConnectAsync(_address.Host, _address.Port, cancellationToken).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (_address.UseTls)
            {
                stream = await AuthenticateTlsAsync(stream, endpoint, cancellationToken).ConfigureAwait(false);
            }

            _socket = socket;
            _stream = stream;
            _bufferStart = _bufferEnd = 0;
            Interlocked.Increment(ref _connectionId);
            _options.Trace?.Invoke($"connected to {_address}");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<Stream> AuthenticateTlsAsync(Stream inner, string endpoint, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var roots = _options.TrustedRootCertificates;
        var authOptions = new SslClientAuthenticationOptions { TargetHost = _address.Host };
        if (roots is { Count: > 0 })
        {
            authOptions.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            authOptions.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }

        try
        {
            await ssl.AuthenticateAsClientAsync(authOptions, cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new HttpTransportException(TransportFailure.SecureLinkFailed, endpoint, $"TLS handshake with {_address} failed: {ex.Message}", innerException: ex);
        }
    }

    private static bool PeerHasClosed(Socket socket)
    {
        try
        {
            // Readable with nothing to read = orderly close (or reset) by the peer.
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    private async Task WriteRequestAsync(string endpoint, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        // The header set and order of esp_prov (Python http.client): Host, Accept-Encoding, Content-Length,
        // Content-type, Accept, then Cookie. Header and body go out in one write, composed in a buffer kept per transport.
        var cookie = _options.UseSessionCookie ? _cookie : null;
        var length = RequestLine1.Length + endpoint.Length + RequestLine2.Length + _authority.Length + RequestLine3.Length + 10
            + RequestLine4.Length + (cookie is null ? 0 : CookieName.Length + Encoding.ASCII.GetByteCount(cookie) + 2) + 2 + body.Length;
        if (_request.Length < length)
        {
            _request = new byte[Math.Max(length, _request.Length * 2)];
        }

        var written = ComposeRequest(_request, endpoint, body.Span, cookie);
        try
        {
            await _stream!.WriteAsync(_request.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Under security 0 a SetConfig body is the passphrase in clear: do not keep it in the reused buffer.
            _request.AsSpan(0, written).Clear();
        }
    }

    private static ReadOnlySpan<byte> RequestLine1 => "POST /"u8;

    private static ReadOnlySpan<byte> RequestLine2 => " HTTP/1.1\r\nHost: "u8;

    private static ReadOnlySpan<byte> RequestLine3 => "\r\nAccept-Encoding: identity\r\nContent-Length: "u8;

    private static ReadOnlySpan<byte> RequestLine4 => "\r\nContent-type: application/x-www-form-urlencoded\r\nAccept: text/plain\r\n"u8;

    private static ReadOnlySpan<byte> CookieName => "Cookie: "u8;

    private static ReadOnlySpan<byte> LineEnd => "\r\n"u8;

    private int ComposeRequest(Span<byte> destination, string endpoint, ReadOnlySpan<byte> body, string? cookie)
    {
        var at = 0;
        Append(destination, ref at, RequestLine1);
        at += Encoding.ASCII.GetBytes(endpoint, destination[at..]);
        Append(destination, ref at, RequestLine2);
        Append(destination, ref at, _authority);
        Append(destination, ref at, RequestLine3);
        if (!body.Length.TryFormat(destination[at..], out var digits, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("request buffer too small");
        }

        at += digits;
        Append(destination, ref at, RequestLine4);
        if (cookie is not null)
        {
            Append(destination, ref at, CookieName);
            at += Encoding.ASCII.GetBytes(cookie, destination[at..]);
            Append(destination, ref at, LineEnd);
        }

        Append(destination, ref at, LineEnd);
        Append(destination, ref at, body);
        return at;
    }

    private static void Append(Span<byte> destination, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[at..]);
        at += bytes.Length;
    }

    private async Task<(int Status, string Reason, byte[] Body, bool KeepAlive)> ReadResponseAsync(
        string endpoint, Action onFirstByte, CancellationToken cancellationToken)
    {
        while (true)
        {
            var headerEnd = await ReadUntilHeaderEndAsync(endpoint, onFirstByte, cancellationToken).ConfigureAwait(false);
            var (status, reason, http10, contentLength, chunked, keepAlive) = ParseHeader(endpoint, _buffer.AsSpan(_bufferStart, headerEnd - _bufferStart));
            _bufferStart = headerEnd + HeaderTerminator.Length;

            if (status is >= 100 and < 200)
            {
                continue; // interim response (e.g. 100 Continue): the real one follows
            }

            byte[] body;
            if (chunked)
            {
                body = await ReadChunkedAsync(endpoint, cancellationToken).ConfigureAwait(false);
            }
            else if (contentLength is { } length)
            {
                if (length > _options.MaxResponseBytes)
                {
                    throw new HttpTransportException(TransportFailure.ResponseTooLarge, endpoint,
                        $"/{endpoint}: response of {length} bytes exceeds the {_options.MaxResponseBytes}-byte limit");
                }

                body = new byte[length];
                await ReadExactAsync(endpoint, body, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                body = await ReadToEndAsync(endpoint, cancellationToken).ConfigureAwait(false);
                keepAlive = false;
            }

            return (status, reason, body, keepAlive);
        }
    }

    /// <summary>
    /// Parses the response head (status line and header lines, without the final empty line) on its bytes, read as
    /// Latin-1 like HTTP/1.1 says; only the values used are turned into strings (the reason phrase only on an error).
    /// </summary>
    private (int Status, string Reason, bool Http10, long? ContentLength, bool Chunked, bool KeepAlive) ParseHeader(string endpoint, ReadOnlySpan<byte> head)
    {
        var lineEnd = head.IndexOf(LineEnd);
        var (status, reason, http10) = ParseStatusLine(endpoint, lineEnd >= 0 ? head[..lineEnd] : head);
        long? contentLength = null;
        var chunked = false;
        var keepAlive = !http10;
        var rest = lineEnd >= 0 ? head[(lineEnd + LineEnd.Length)..] : [];
        while (lineEnd >= 0)
        {
            lineEnd = rest.IndexOf(LineEnd);
            var line = lineEnd >= 0 ? rest[..lineEnd] : rest;
            rest = lineEnd >= 0 ? rest[(lineEnd + LineEnd.Length)..] : [];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                throw Malformed(endpoint, "a header line without a name");
            }

            var name = TrimWhiteSpace(line[..colon]);
            var value = TrimWhiteSpace(line[(colon + 1)..]);
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                    || (contentLength is not null && contentLength != length))
                {
                    throw Malformed(endpoint, "an invalid Content-Length");
                }

                contentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = Encoding.Latin1.GetString(value).Contains("chunked", StringComparison.OrdinalIgnoreCase);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                var text = Encoding.Latin1.GetString(value);
                keepAlive = text.Contains("keep-alive", StringComparison.OrdinalIgnoreCase)
                    || (!http10 && !text.Contains("close", StringComparison.OrdinalIgnoreCase));
            }
            else if (Ascii.EqualsIgnoreCase(name, "Set-Cookie"u8) && _options.UseSessionCookie)
            {
                // Firmware sends exactly "session=<id>"; keep the cookie pair and drop any attributes.
                var semicolon = value.IndexOf((byte)';');
                _cookie = Encoding.Latin1.GetString(semicolon >= 0 ? TrimWhiteSpace(value[..semicolon]) : value);
            }
        }

        return (status, reason, http10, contentLength, chunked, keepAlive);
    }

    /// <summary>Trims what <see cref="string.Trim()"/> trims from Latin-1 text.</summary>
    private static ReadOnlySpan<byte> TrimWhiteSpace(ReadOnlySpan<byte> text)
    {
        var start = 0;
        while (start < text.Length && char.IsWhiteSpace((char)text[start]))
        {
            start++;
        }

        var end = text.Length;
        while (end > start && char.IsWhiteSpace((char)text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    private static (int Status, string Reason, bool Http10) ParseStatusLine(string endpoint, ReadOnlySpan<byte> line)
    {
        // "HTTP/1.1 200 OK": version, space, three digits, then optionally a space and the reason phrase.
        var firstSpace = line.IndexOf((byte)' ');
        var afterVersion = firstSpace >= 0 ? line[(firstSpace + 1)..] : [];
        var secondSpace = afterVersion.IndexOf((byte)' ');
        var code = secondSpace >= 0 ? afterVersion[..secondSpace] : afterVersion;
        if (firstSpace < 0 || !line.StartsWith("HTTP/1."u8)
            || code.Length != 3 || !int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            var text = Encoding.Latin1.GetString(line);
            throw Malformed(endpoint, $"an invalid status line '{Sanitize(text.Length > 60 ? text[..60] : text)}'");
        }

        // The reason phrase only appears in error messages: no string for a success.
        var reason = status == 200 || secondSpace < 0 ? string.Empty : Encoding.Latin1.GetString(afterVersion[(secondSpace + 1)..]);
        return (status, reason, line[..firstSpace].SequenceEqual("HTTP/1.0"u8));
    }

    private static HttpTransportException Malformed(string endpoint, string what) =>
        new HttpTransportException(TransportFailure.MalformedReply, endpoint, $"/{endpoint}: the device sent {what}");

    private async Task<int> ReadUntilHeaderEndAsync(string endpoint, Action onFirstByte, CancellationToken cancellationToken)
    {
        var searchFrom = _bufferStart;
        while (true)
        {
            var idx = _buffer.AsSpan(searchFrom, _bufferEnd - searchFrom).IndexOf(HeaderTerminator);
            if (idx >= 0)
            {
                return searchFrom + idx;
            }

            searchFrom = Math.Max(_bufferStart, _bufferEnd - (HeaderTerminator.Length - 1));
            if (_bufferEnd - _bufferStart >= MaxHeaderBytes)
            {
                throw Malformed(endpoint, $"a header block over {MaxHeaderBytes} bytes");
            }

            var hadBytes = _bufferEnd > _bufferStart;
            var read = await FillAsync(cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw hadBytes
                    ? new HttpTransportException(TransportFailure.LinkLost, endpoint, $"/{endpoint}: the device closed the connection part-way through the response headers")
                    : ClosedWithoutResponse(endpoint);
            }

            onFirstByte();
            searchFrom = Math.Min(searchFrom, _bufferStart);
        }
    }

    private static HttpTransportException ClosedWithoutResponse(string endpoint, Exception? inner = null) =>
        new HttpTransportException(TransportFailure.ClosedWithoutResponse, endpoint,
            $"/{endpoint}: the device closed the connection without a response", innerException: inner);

    /// <summary>Reads more bytes into the buffer, compacting or growing it; returns 0 at end of stream.</summary>
    private async Task<int> FillAsync(CancellationToken cancellationToken)
    {
        if (_bufferStart > 0 && _bufferStart == _bufferEnd)
        {
            _bufferStart = _bufferEnd = 0;
        }
        else if (_bufferEnd == _buffer.Length)
        {
            if (_bufferStart > 0)
            {
                Buffer.BlockCopy(_buffer, _bufferStart, _buffer, 0, _bufferEnd - _bufferStart);
                _bufferEnd -= _bufferStart;
                _bufferStart = 0;
            }
            else if (_buffer.Length < MaxBufferBytes)
            {
                Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxBufferBytes));
            }
            else
            {
                throw new InvalidOperationException("buffer full"); // callers bound header sizes below the buffer size
            }
        }

        var read = await _stream!.ReadAsync(_buffer.AsMemory(_bufferEnd), cancellationToken).ConfigureAwait(false);
        _bufferEnd += read;
        return read;
    }

    private async Task ReadExactAsync(string endpoint, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var buffered = Math.Min(destination.Length, _bufferEnd - _bufferStart);
        _buffer.AsMemory(_bufferStart, buffered).CopyTo(destination);
        _bufferStart += buffered;
        var filled = buffered;
        while (filled < destination.Length)
        {
            var read = await _stream!.ReadAsync(destination[filled..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new HttpTransportException(TransportFailure.LinkLost, endpoint,
                    $"/{endpoint}: the device closed the connection after {filled} of {destination.Length} body bytes");
            }

            filled += read;
        }
    }

    private async Task<byte[]> ReadToEndAsync(string endpoint, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        body.Write(_buffer, _bufferStart, _bufferEnd - _bufferStart);
        _bufferStart = _bufferEnd = 0;
        while (true)
        {
            if (body.Length > _options.MaxResponseBytes)
            {
                throw new HttpTransportException(TransportFailure.ResponseTooLarge, endpoint,
                    $"/{endpoint}: response exceeds the {_options.MaxResponseBytes}-byte limit");
            }

            var read = await _stream!.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return body.ToArray();
            }

            body.Write(_buffer, 0, read);
        }
    }

    private async Task<string> ReadLineAsync(string endpoint, CancellationToken cancellationToken)
    {
        while (true)
        {
            var idx = _buffer.AsSpan(_bufferStart, _bufferEnd - _bufferStart).IndexOf("\r\n"u8);
            if (idx >= 0)
            {
                var line = Encoding.Latin1.GetString(_buffer, _bufferStart, idx);
                _bufferStart += idx + 2;
                return line;
            }

            if (_bufferEnd - _bufferStart > 1024)
            {
                throw Malformed(endpoint, "an over-long chunk header");
            }

            if (await FillAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new HttpTransportException(TransportFailure.LinkLost, endpoint, $"/{endpoint}: the device closed the connection inside a chunked body");
            }
        }
    }

    private async Task<byte[]> ReadChunkedAsync(string endpoint, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(endpoint, cancellationToken).ConfigureAwait(false);
            var semicolon = sizeLine.IndexOf(';', StringComparison.Ordinal);
            if (!int.TryParse(semicolon >= 0 ? sizeLine[..semicolon] : sizeLine, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
            {
                throw Malformed(endpoint, "an invalid chunk size");
            }

            if (size == 0)
            {
                // Trailers, then the empty line.
                while ((await ReadLineAsync(endpoint, cancellationToken).ConfigureAwait(false)).Length > 0)
                {
                }

                return body.ToArray();
            }

            if (body.Length + size > _options.MaxResponseBytes)
            {
                throw new HttpTransportException(TransportFailure.ResponseTooLarge, endpoint,
                    $"/{endpoint}: response exceeds the {_options.MaxResponseBytes}-byte limit");
            }

            var chunk = new byte[size];
            await ReadExactAsync(endpoint, chunk, cancellationToken).ConfigureAwait(false);
            body.Write(chunk);
            if ((await ReadLineAsync(endpoint, cancellationToken).ConfigureAwait(false)).Length != 0)
            {
                throw Malformed(endpoint, "a chunk without its line end");
            }
        }
    }

    private HttpTransportException MapIoError(string endpoint, Exception ex, bool responseStarted)
    {
        var socketError = ex as SocketException ?? ex.InnerException as SocketException;
        switch (socketError?.SocketErrorCode)
        {
            case SocketError.ConnectionRefused:
                return new HttpTransportException(TransportFailure.ConnectionRefused, endpoint,
                    $"could not connect to {_address}: connection refused (is the device's soft AP joined and its server running?)", innerException: ex);
            case SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain:
                return new HttpTransportException(TransportFailure.InvalidAddress, endpoint,
                    $"could not resolve '{_address.Host}'", innerException: ex);
            case SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.AddressNotAvailable:
                return new HttpTransportException(TransportFailure.ConnectionRefused, endpoint,
                    $"could not connect to {_address}: {socketError.Message}", innerException: ex);
            case SocketError.TimedOut:
                return new HttpTransportException(TransportFailure.Timeout, endpoint, $"/{endpoint}: connection to {_address} timed out", innerException: ex);
        }

        // A reset before any response byte is how a device that drops a failed request often looks on the wire.
        return responseStarted
            ? new HttpTransportException(TransportFailure.LinkLost, endpoint, $"/{endpoint}: connection lost during the response ({socketError?.Message ?? ex.Message})", innerException: ex)
            : ClosedWithoutResponse(endpoint, ex);
    }

    private void CloseConnection()
    {
        _stream?.Dispose();
        _stream = null;
        if (_socket is not null)
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // already gone
            }
            catch (ObjectDisposedException)
            {
                // already gone
            }

            _socket.Dispose();
            _socket = null;
        }

        _bufferStart = _bufferEnd = 0;
    }
}
