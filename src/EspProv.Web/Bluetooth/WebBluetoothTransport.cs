using EspProv.Exceptions;
using EspProv.Transport;
using Microsoft.JSInterop;

namespace EspProv.Web.Bluetooth;

/// <summary>
/// Espressif's BLE provisioning transport over Web Bluetooth (docs/web.md): the device picked in the browser's chooser,
/// endpoints mapped by their 0x2901 names, and a request as a write with response followed by a read of the same
/// characteristic, as firmware expects (protocomm_ble.c / protocomm_nimble.c). The device keys its security session
/// by connection, so a lost link is reconnected by the next <see cref="PrepareAsync"/> with a new generation (the flow
/// then runs a new handshake); nothing is ever resent.
/// </summary>
public sealed class WebBluetoothTransport : IProvisioningTransport
{
    /// <summary>As the BlueZ transport: the characteristic value Bluedroid firmware keeps, for paged requests such as scans.</summary>
    public const int ReportedMaxResponseBytes = 257;

    /// <summary>The ATT attribute value limit: the largest request written and the largest response accepted.</summary>
    public const int AttributeValueLimit = 512;

    private readonly IJSObjectReference _link;
    private readonly TimeSpan _requestTimeout;
    private long _generation;
    private bool _disposed;

    private WebBluetoothTransport(IJSObjectReference link, string deviceName, TimeSpan requestTimeout)
    {
        _link = link;
        DeviceName = deviceName;
        _requestTimeout = requestTimeout;
    }

    /// <summary>The picked device's advertised name (or the browser's id for it when it has none).</summary>
    public string DeviceName { get; }

    /// <inheritdoc />
    public int MaxResponseBytes => ReportedMaxResponseBytes;

    /// <summary>
    /// Shows the browser's chooser (it needs a user gesture: call from a click) and returns a transport for the device
    /// picked; nothing is connected yet.
    /// </summary>
    /// <exception cref="TransportException">DeviceNotFound when the chooser was closed without a pick; Unavailable when the browser refused.</exception>
    public static async Task<WebBluetoothTransport> RequestDeviceAsync(WebBluetooth bluetooth, DeviceFilter filter, TimeSpan requestTimeout,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bluetooth);
        ArgumentNullException.ThrowIfNull(filter);
        var link = await Guard(Endpoints.ProtoVer, () => bluetooth.RequestDeviceAsync(filter, cancellationToken)).ConfigureAwait(false);
        var name = await link.InvokeAsync<string>("name", cancellationToken).ConfigureAwait(false);
        return new WebBluetoothTransport(link, name, requestTimeout);
    }

    /// <inheritdoc />
    public async ValueTask<TransportLink> PrepareAsync(string endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var timeout = Timeout(cancellationToken);
        _generation = await Guard(endpoint, () => _link.InvokeAsync<long>("prepare", timeout.Token)).ConfigureAwait(false);
        return new TransportLink(_generation, SessionSurvivesNewLink: false);
    }

    /// <inheritdoc />
    public async Task<byte[]> SendAsync(string endpoint, ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (request.Length > AttributeValueLimit)
        {
            throw new TransportException(TransportFailure.Rejected, endpoint,
                $"/{endpoint}: a request of {request.Length} bytes is longer than the {AttributeValueLimit}-byte BLE attribute limit");
        }

        var body = request.ToArray();
        byte[] response;
        try
        {
            // One JS call per request while the link is up (the flow prepared it just before).
            response = await ExchangeAsync(endpoint, body, cancellationToken).ConfigureAwait(false);
        }
        catch (JSException ex) when (ex.Message.StartsWith("LinkDown:", StringComparison.Ordinal))
        {
            // Dropped since: nothing was sent, so connect again (a new generation) and send it once.
            await PrepareAsync(endpoint, cancellationToken).ConfigureAwait(false);
            response = await ExchangeAsync(endpoint, body, cancellationToken).ConfigureAwait(false);
        }

        return response.Length <= AttributeValueLimit
            ? response
            : throw new TransportException(TransportFailure.ResponseTooLarge, endpoint, $"/{endpoint}: the response is larger than {AttributeValueLimit} bytes");
    }

    /// <inheritdoc />
    public async ValueTask ResetAsync(CancellationToken cancellationToken = default)
    {
        if (!_disposed)
        {
            await _link.InvokeVoidAsync("disconnect", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Disconnects from the device.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await _link.InvokeVoidAsync("disconnect").ConfigureAwait(false);
        }
        catch (JSDisconnectedException)
        {
            // The page is going away: so is the connection.
        }

        await _link.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The write + read of one request; a link found down is left to the caller (<c>LinkDown</c>).</summary>
    private async Task<byte[]> ExchangeAsync(string endpoint, byte[] body, CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        try
        {
            return await _link.InvokeAsync<byte[]>("exchange", timeout.Token, endpoint, body).ConfigureAwait(false);
        }
        catch (JSException ex) when (ex.Message.StartsWith("NoEndpoint:", StringComparison.Ordinal))
        {
            throw new TransportException(TransportFailure.EndpointNotFound, endpoint, $"/{endpoint}: the device has no such endpoint (no characteristic named {endpoint})");
        }
        catch (JSException ex) when (!ex.Message.StartsWith("LinkDown:", StringComparison.Ordinal))
        {
            throw BrowserErrors.ToTransport(ex.Message, endpoint, exchange: true, ex);
        }
        catch (TaskCanceledException ex)
        {
            throw new TransportException(TransportFailure.Timeout, endpoint, $"/{endpoint}: no answer from the browser's Bluetooth in time", ex);
        }
    }

    private CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(_requestTimeout);
        return source;
    }

    /// <summary>Runs one JS call, turning the browser's errors (DOMException names) into transport failures.</summary>
    private static async Task<T> Guard<T>(string endpoint, Func<ValueTask<T>> call, bool exchange = false)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (JSException ex)
        {
            throw BrowserErrors.ToTransport(ex.Message, endpoint, exchange, ex);
        }
        catch (TaskCanceledException ex)
        {
            throw new TransportException(TransportFailure.Timeout, endpoint, $"/{endpoint}: no answer from the browser's Bluetooth in time", ex);
        }
    }
}
