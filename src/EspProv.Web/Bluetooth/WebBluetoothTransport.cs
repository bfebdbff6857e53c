using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;
using EspProv.Exceptions;
using EspProv.Transport;

namespace EspProv.Web.Bluetooth;

/// <summary>
/// Espressif's BLE provisioning transport over Web Bluetooth (docs/web.md): the device picked in the browser's chooser,
/// endpoints mapped by their 0x2901 names, and a request as a write with response followed by a read of the same
/// characteristic, as firmware expects (protocomm_ble.c / protocomm_nimble.c). The device keys its security session
/// by connection, so a lost link is reconnected by the next <see cref="PrepareAsync"/> with a new generation (the flow
/// then runs a new handshake); nothing is ever resent.
/// </summary>
[SupportedOSPlatform("browser")]
public sealed class WebBluetoothTransport : IProvisioningTransport
{
    /// <summary>As the BlueZ transport: the characteristic value Bluedroid firmware keeps, for paged requests such as scans.</summary>
    public const int ReportedMaxResponseBytes = 257;

    /// <summary>The ATT attribute value limit: the largest request written and the largest response accepted.</summary>
    public const int AttributeValueLimit = 512;

    private readonly JSObject _link;
    private readonly TimeSpan _requestTimeout;
    private readonly TimeProvider _time;
    private bool _disposed;

    private WebBluetoothTransport(JSObject link, string deviceName, TimeSpan requestTimeout, TimeProvider time)
    {
        _link = link;
        DeviceName = deviceName;
        _requestTimeout = requestTimeout;
        _time = time;
    }

    /// <summary>The picked device's advertised name (or the browser's id for it when it has none).</summary>
    public string DeviceName { get; }

    /// <inheritdoc />
    public int MaxResponseBytes => ReportedMaxResponseBytes;

    /// <summary>
    /// Shows the browser's chooser (it needs a user gesture: call from a click) and returns a transport for the device
    /// picked; nothing is connected yet. The chooser waits for the user, so it has no timeout.
    /// </summary>
    /// <exception cref="TransportException">DeviceNotFound when the chooser was closed without a pick; Unavailable when the browser refused.</exception>
    public static async Task<WebBluetoothTransport> RequestDeviceAsync(DeviceFilter filter, TimeSpan requestTimeout, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(filter);
        JSObject link;
        try
        {
            link = await WebBluetooth.RequestDevice(filter.NamePrefix, filter.AllDevices, [.. filter.ServiceUuids]).ConfigureAwait(false);
        }
        catch (JSException ex)
        {
            throw BrowserErrors.ToTransport(ex.Message, Endpoints.ProtoVer, exchange: false, ex);
        }

        return new WebBluetoothTransport(link, WebBluetooth.Name(link), requestTimeout, time ?? TimeProvider.System);
    }

    /// <inheritdoc />
    public async ValueTask<TransportLink> PrepareAsync(string endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var generation = await WithinTimeout(endpoint, WebBluetooth.Prepare(_link), cancellationToken).ConfigureAwait(false);
        return new TransportLink(generation, SessionSurvivesNewLink: false);
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

        var body = Convert.ToHexStringLower(request.Span);
        byte[] response;
        try
        {
            // One JS call per request while the link is up (the flow prepared it just before).
            response = await ExchangeAsync(endpoint, body, cancellationToken).ConfigureAwait(false);
        }
        catch (JSException ex) when (ex.Message.Contains("LinkDown:", StringComparison.Ordinal))
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
    public ValueTask ResetAsync(CancellationToken cancellationToken = default)
    {
        if (!_disposed)
        {
            WebBluetooth.Disconnect(_link);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Disconnects from the device.</summary>
    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            WebBluetooth.Disconnect(_link);
            _link.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The write + read of one request; a link found down is left to the caller (<c>LinkDown</c>).</summary>
    private async Task<byte[]> ExchangeAsync(string endpoint, string body, CancellationToken cancellationToken)
    {
        try
        {
            return Convert.FromHexString(await WithinTimeout(endpoint, WebBluetooth.Exchange(_link, endpoint, body), cancellationToken).ConfigureAwait(false));
        }
        catch (JSException ex) when (ex.Message.Contains("NoEndpoint:", StringComparison.Ordinal))
        {
            throw new TransportException(TransportFailure.EndpointNotFound, endpoint, $"/{endpoint}: the device has no such endpoint (no characteristic named {endpoint})");
        }
    }

    /// <summary>Waits for the browser's answer for at most the request timeout; a promise cannot be cancelled, so a late answer is dropped.</summary>
    private async Task<T> WithinTimeout<T>(string endpoint, Task<T> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call.WaitAsync(_requestTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TransportException(TransportFailure.Timeout, endpoint, $"/{endpoint}: no answer from the browser's Bluetooth in time", ex);
        }
        catch (JSException ex) when (!ex.Message.Contains("LinkDown:", StringComparison.Ordinal) && !ex.Message.Contains("NoEndpoint:", StringComparison.Ordinal))
        {
            throw BrowserErrors.ToTransport(ex.Message, endpoint, exchange: typeof(T) == typeof(string), ex);
        }
    }
}
