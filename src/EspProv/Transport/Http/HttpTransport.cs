using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using EspProv.Exceptions;
using Microsoft.Extensions.Logging;

namespace EspProv.Transport.Http;

/// <summary>
/// HTTP/1.1 transport as Espressif devices expect it (docs/protocol.md#http-transport): <c>POST /&lt;endpoint&gt;</c>
/// on one persistent connection, sequential requests, explicit <c>Content-Length</c>, esp_prov's headers, the session
/// cookie echoed back.
/// </summary>
/// <remarks>
/// Built on the platform's <see cref="SocketsHttpHandler"/> with one connection. On .NET 10 it never resends a request
/// with a body and replaces a connection the device closed while idle before it writes the next request
/// (measured: <c>PlatformHttpClientExperiments</c>, docs/design.md); this transport never retries either.
/// </remarks>
public sealed class HttpTransport : IProvisioningTransport
{
    /// <summary>Largest response header block accepted, in KiB (firmware sends about 100 bytes).</summary>
    internal const int MaxHeaderKiB = 16;

    // An error status' body only feeds the error message.
    private const int ErrorDetailBytes = 120;

    private readonly DeviceAddress _address;
    private readonly HttpTransportOptions _options;
    private readonly HttpConnector _connector;
    private readonly ILogger _logger;
    private readonly Uri _base;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private HttpMessageInvoker? _client;
    private string? _cookie;
    private long? _firstRequestTimestamp;

    /// <summary>Creates a transport for <paramref name="address"/>. No connection is made until the first request.</summary>
    public HttpTransport(DeviceAddress address, HttpTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        _address = address;
        _options = options ?? new HttpTransportOptions();
        _options.Validate();
        _logger = _options.LoggerFactory.CreateLogger<HttpTransport>();
        _connector = new HttpConnector(address, _options, _logger);
        _base = new Uri($"{(address.UseTls ? "https" : "http")}://{address.Authority}/");
    }

    /// <summary>The device address this transport talks to.</summary>
    public DeviceAddress Address => _address;

    /// <summary>The session cookie last received from the device (<c>session=&lt;id&gt;</c>), if any.</summary>
    public string? SessionCookie => _cookie;

    /// <inheritdoc />
    public int MaxResponseBytes => _options.MaxResponseBytes;

    /// <summary>True while a connection to the device is open.</summary>
    public bool IsConnected => _connector.HasLiveLink;

    /// <summary>Connections opened so far (the id of the current or last connection).</summary>
    public long ConnectionCount => _connector.LinksOpened;

    /// <summary>Opens the connection now instead of on the first request (esp_prov on ESP-IDF connects eagerly).</summary>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => PrepareAsync(Endpoints.ProtoVer, cancellationToken).AsTask();

    /// <inheritdoc />
    /// <remarks>
    /// Connects only when this transport has never connected (esp_prov's eager connect; a failure names
    /// <paramref name="endpoint"/>). A link the device has closed since is replaced by the next request itself before
    /// it writes anything, so a connect failure names that request's endpoint; the generation reported is the one that
    /// request's link will have.
    /// </remarks>
    public async ValueTask<TransportLink> PrepareAsync(string endpoint, CancellationToken cancellationToken = default)
    {
        ValidateEndpointName(endpoint);
        await EnterAsync(endpoint, cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connector.LinksOpened == 0)
            {
                await OpenFirstLinkAsync(endpoint, cancellationToken).ConfigureAwait(false);
            }

            var generation = _connector.HasLiveLink ? _connector.LinksOpened : _connector.LinksOpened + 1;
            return new TransportLink(generation, SessionSurvivesNewLink: _options.UseSessionCookie && _cookie is not null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<byte[]> SendAsync(string endpoint, ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default)
    {
        ValidateEndpointName(endpoint);
        await EnterAsync(endpoint, cancellationToken).ConfigureAwait(false);
        try
        {
            var limit = NextTimeout(endpoint, out var overallLimited);
            using var timeout = new CancellationTokenSource(limit, _options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _disposed.Token);
            var receivedBefore = _connector.BytesReceived;
            try
            {
                return await ExchangeAsync(endpoint, request, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not TransportException)
            {
                // The connection is in an unknown state after any failure: the next request starts on a new one.
                CloseConnection();
                var responseStarted = _connector.BytesReceived != receivedBefore;
                if (_disposed.IsCancellationRequested)
                {
                    throw new HttpTransportException(TransportFailure.LinkLost, endpoint, $"/{endpoint}: the transport was disposed during the request", innerException: ex);
                }

                if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                if (timeout.IsCancellationRequested)
                {
                    throw new HttpTransportException(TransportFailure.Timeout, endpoint,
                        $"/{endpoint}: no {(responseStarted ? "complete " : string.Empty)}response within {limit.TotalSeconds:0.###} s"
                        + (overallLimited ? " (overall deadline reached)" : string.Empty), innerException: ex);
                }

                if (ex is HttpRequestException or IOException or SocketException)
                {
                    throw HttpFailures.Map(_address, endpoint, ex, responseStarted);
                }

                throw;
            }
            catch (TransportException)
            {
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
        await EnterAsync(Endpoints.ProtoVer, cancellationToken).ConfigureAwait(false);
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
        if (!_disposed.IsCancellationRequested)
        {
            // A request in progress ends with a TransportException; its finally releases the gate, which stays alive.
            _disposed.Cancel();
            CloseConnection();
        }

        return ValueTask.CompletedTask;
    }

    private async Task<byte[]> ExchangeAsync(string endpoint, ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        var client = _client ??= new HttpMessageInvoker(CreateHandler(), disposeHandler: true);
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, endpoint))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ReadOnlyMemoryContent(request),
        };

        // esp_prov's header set (docs/protocol.md#client-side); the platform adds Host and Content-Length and writes
        // request headers before content headers.
        message.Headers.TryAddWithoutValidation("Accept-Encoding", "identity");
        message.Headers.TryAddWithoutValidation("Accept", "text/plain");
        if (_options.UseSessionCookie && _cookie is not null)
        {
            message.Headers.TryAddWithoutValidation("Cookie", _cookie);
        }

        message.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
        using var response = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (_options.UseSessionCookie && response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            // Firmware sends exactly "session=<id>"; keep the cookie pair and drop any attributes.
            var value = cookies.First();
            var semicolon = value.IndexOf(';', StringComparison.Ordinal);
            _cookie = (semicolon >= 0 ? value[..semicolon] : value).Trim();
        }

        var status = (int)response.StatusCode;
        if (status != 200)
        {
            var detail = await ResponseBody.ReadDetailAsync(response.Content, ErrorDetailBytes, cancellationToken).ConfigureAwait(false);
            _logger.HttpExchange(endpoint, request.Length, status, detail.Length);
            throw HttpFailures.Status(endpoint, status, response.ReasonPhrase, detail);
        }

        var body = await ResponseBody.ReadAsync(endpoint, response.Content, _options.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        _logger.HttpExchange(endpoint, request.Length, status, body.Length);
        return body;
    }

    private SocketsHttpHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler
        {
            // One connection, kept until the device closes it; never a proxy, redirect, cookie jar or extra header.
            MaxConnectionsPerServer = 1,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ActivityHeadersPropagator = null,
            MaxResponseHeadersLength = MaxHeaderKiB,
            ConnectCallback = _connector.ConnectAsync,
            PlaintextStreamFilter = _connector.CountAsync,
        };
        if (_options.TrustedRootCertificates is { Count: > 0 } roots)
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.AddRange(roots);
            handler.SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
        }

        return handler;
    }

    private async Task OpenFirstLinkAsync(string endpoint, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _disposed.Token);
        try
        {
            await _connector.OpenAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw _disposed.IsCancellationRequested
                ? new HttpTransportException(TransportFailure.LinkLost, endpoint, "the transport was disposed while connecting")
                : new HttpTransportException(TransportFailure.Timeout, endpoint, $"could not connect to {_address} within {_options.RequestTimeout.TotalSeconds:0.###} s");
        }
        catch (SocketException ex)
        {
            throw HttpFailures.Map(_address, endpoint, ex, responseStarted: false);
        }
    }

    /// <summary>The wait allowed for the next request: the request timeout, cut to what is left of the overall deadline.</summary>
    private TimeSpan NextTimeout(string endpoint, out bool overallLimited)
    {
        overallLimited = false;
        if (_options.OverallTimeout is not { } overall)
        {
            return _options.RequestTimeout;
        }

        _firstRequestTimestamp ??= _options.TimeProvider.GetTimestamp();
        var left = overall - _options.TimeProvider.GetElapsedTime(_firstRequestTimestamp.Value);
        if (left <= TimeSpan.Zero)
        {
            throw new HttpTransportException(TransportFailure.Timeout, endpoint, $"/{endpoint}: the overall deadline of {overall.TotalSeconds:0.###} s has passed");
        }

        overallLimited = left < _options.RequestTimeout || _options.RequestTimeout == Timeout.InfiniteTimeSpan;
        return overallLimited ? left : _options.RequestTimeout;
    }

    private async Task EnterAsync(string endpoint, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_disposed.IsCancellationRequested)
        {
            _gate.Release();
            throw new HttpTransportException(TransportFailure.LinkLost, endpoint, $"/{endpoint}: the transport was disposed");
        }
    }

    /// <summary>Endpoint names go into the request path verbatim: only characters a URI path keeps as they are.</summary>
    private static void ValidateEndpointName(string endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        foreach (var c in endpoint)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !"-._~!$&'()*+,;=:@".Contains(c, StringComparison.Ordinal))
            {
                throw new ArgumentException($"invalid endpoint name '{HttpFailures.Sanitize(endpoint)}'", nameof(endpoint));
            }
        }
    }

    private void CloseConnection()
    {
        Interlocked.Exchange(ref _client, null)?.Dispose();
        _connector.Forget();
    }
}
