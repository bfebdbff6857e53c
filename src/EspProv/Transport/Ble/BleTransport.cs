using EspProv.Exceptions;
using EspProv.Transport.Ble.Bluez;
using Microsoft.Extensions.Logging;
using Tmds.DBus.Protocol;

namespace EspProv.Transport.Ble;

/// <summary>
/// The BLE (GATT) transport of Espressif provisioning through BlueZ on Linux (docs/ble.md): a request is a write with response
/// of the request bytes to the endpoint's characteristic, then a read of the same characteristic. The device is found by
/// its advertised name (the scan stops as soon as it is heard), connected once and kept; endpoints are mapped by their
/// 0x2901 names. A connection that fails or drops while it is being set up is tried again, up to 3 attempts. The device
/// keys its security session by connection, so a lost link is re-opened by the next <see cref="PrepareAsync"/> with a
/// new generation (the flow then runs a new handshake); nothing is ever resent. Disposing disconnects, so the device
/// advertises again at once.
/// </summary>
/// <example>
/// <code>
/// var transport = new BleTransport(new BleTransportOptions { ServiceName = "PROV_1A2B3C" });
/// await using var client = new ProvisioningClient(transport, ownsTransport: true);
/// </code>
/// </example>
public sealed class BleTransport : IProvisioningTransport
{
    /// <summary>
    /// What <see cref="MaxResponseBytes"/> reports: Bluedroid firmware without security 2 stores at most 257 bytes per
    /// characteristic (docs/ble.md#requests-and-responses), so paged requests such as scans are sized to fit it (4
    /// networks per page, as esp_prov).
    /// </summary>
    public const int ReportedMaxResponseBytes = 257;

    /// <summary>The ATT attribute value limit: the largest request written and the largest response accepted.</summary>
    public const int AttributeValueLimit = 512;

    private readonly BleTransportOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private BluezClient? _client;
    private string? _adapter;
    private BleLink? _link;
    private long _generation;

    /// <summary>Creates a transport; nothing happens on the radio until the first <see cref="PrepareAsync"/> or request.</summary>
    /// <exception cref="ArgumentException">Neither a name nor an address was given, or a timeout is not positive.</exception>
    public BleTransport(BleTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = options.LoggerFactory.CreateLogger<BleTransport>();
        _time = options.TimeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    /// <remarks>Reports <see cref="ReportedMaxResponseBytes"/>; responses up to <see cref="AttributeValueLimit"/> are still accepted
    /// (security 2's Response0 is about 416 bytes).</remarks>
    public int MaxResponseBytes => ReportedMaxResponseBytes;

    /// <summary>The device found by the first scan (null before it).</summary>
    public BleDevice? Device { get; private set; }

    /// <summary>Links (BLE connections) opened so far.</summary>
    public long LinksOpened => Interlocked.Read(ref _generation);

    /// <inheritdoc />
    /// <exception cref="BleTransportException">Unavailable, DeviceNotFound, ConnectionRefused or EndpointNotFound.</exception>
    public async ValueTask<TransportLink> PrepareAsync(string endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        await EnterAsync(endpoint, cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureLinkAsync(endpoint, askBluez: true, cancellationToken).ConfigureAwait(false);
            return new TransportLink(_generation, SessionSurvivesNewLink: false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<byte[]> SendAsync(string endpoint, ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        if (request.Length > AttributeValueLimit)
        {
            throw new BleTransportException(TransportFailure.Rejected, endpoint,
                $"/{endpoint}: a request of {request.Length} bytes is longer than the {AttributeValueLimit}-byte BLE attribute limit");
        }

        await EnterAsync(endpoint, cancellationToken).ConfigureAwait(false);
        try
        {
            // The flow calls PrepareAsync (which asks BlueZ) before every encrypted request; here the cache is enough.
            var link = await EnsureLinkAsync(endpoint, askBluez: false, cancellationToken).ConfigureAwait(false);
            if (!link.Endpoints.TryGetValue(endpoint, out var characteristic))
            {
                throw new BleTransportException(TransportFailure.EndpointNotFound, endpoint, $"/{endpoint}: the device has no such endpoint (no characteristic named {endpoint})");
            }

            var response = await ExchangeAsync(link, endpoint, characteristic, request.ToArray(), cancellationToken).ConfigureAwait(false);
            return response.Length <= AttributeValueLimit
                ? response
                : throw new BleTransportException(TransportFailure.ResponseTooLarge, endpoint, $"/{endpoint}: the response is larger than {AttributeValueLimit} bytes");
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
            await CloseLinkAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Disconnects from the device and leaves the bus; a request or scan in progress ends first (discovery is stopped).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        // The operation in progress sees the cancellation and stops its scan or drops its link before it releases the gate.
        var entered = await _gate.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        try
        {
            await CloseLinkAsync().ConfigureAwait(false);
        }
        finally
        {
            // Leaving the bus also ends any discovery BlueZ still runs for this client.
            _client?.Dispose();
            _client = null;
            if (entered)
            {
                _gate.Release();
            }
        }
    }

    private async Task<byte[]> ExchangeAsync(BleLink link, string endpoint, string characteristic, byte[] request, CancellationToken cancellationToken)
    {
        var client = _client!;
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _disposed.Token);
        try
        {
            // Write with response: the device runs the handler and stores its answer before it acknowledges
            // (docs/ble.md#requests-and-responses).
            await client.CallAsync(characteristic, BluezApi.GattCharacteristic, "WriteValue", "aya{sv}", (ref MessageWriter w) =>
            {
                w.WriteArray(request);
                w.WriteDictionary(new Dictionary<string, VariantValue> { ["type"] = "request" });
            }, Timeout.InfiniteTimeSpan, linked.Token).ConfigureAwait(false);
            return await client.CallAsync(characteristic, BluezApi.GattCharacteristic, "ReadValue", "a{sv}",
                (ref MessageWriter w) => w.WriteDictionary(new Dictionary<string, VariantValue>()),
                static (m, _) => m.SignatureAsString == "ay" ? m.GetBodyReader().ReadArrayOfByte() : null, Timeout.InfiniteTimeSpan, linked.Token)
                .ConfigureAwait(false)
                ?? throw new BleTransportException(TransportFailure.MalformedReply, endpoint, $"/{endpoint}: BlueZ answered the read with something other than bytes");
        }
        catch (DBusErrorReplyException ex)
        {
            var failure = BluezErrors.ForRequest(ex, endpoint, out var broken);
            link.Broken |= broken;
            if (link.Broken)
            {
                _logger.BleLinkLost(Device, endpoint, ex.ErrorName);
            }

            throw failure;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The device may still act on the request: this link is never used again, so nothing can be resent on it.
            link.Broken = true;
            throw _disposed.IsCancellationRequested
                ? new BleTransportException(TransportFailure.LinkLost, endpoint, $"/{endpoint}: the transport was disposed during the request")
                : new BleTransportException(TransportFailure.Timeout, endpoint, $"/{endpoint}: no response within {_options.RequestTimeout.TotalSeconds:0.###} s");
        }
        catch (OperationCanceledException)
        {
            link.Broken = true;
            throw;
        }
        catch (DBusExceptionBase ex)
        {
            // The bus connection itself failed: start again from a new one.
            link.Broken = true;
            _client?.Dispose();
            _client = null;
            _link = null;
            throw new BleTransportException(TransportFailure.LinkLost, endpoint, $"/{endpoint}: the D-Bus connection to BlueZ failed ({ex.Message})", innerException: ex);
        }
    }

    /// <summary>The open link, or a new one (generation + 1) when there is none or it was lost.</summary>
    private async Task<BleLink> EnsureLinkAsync(string endpoint, bool askBluez, CancellationToken cancellationToken)
    {
        if (_link is { } open && _client is { } current)
        {
            if (askBluez ? await open.IsUpAsync(current, _options.RequestTimeout, cancellationToken).ConfigureAwait(false) : open.IsUpCached(current))
            {
                return open;
            }

            _logger.BleReconnecting(Device);
            await CloseLinkAsync().ConfigureAwait(false);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        var client = _client ??= await BleDiscovery.OpenAsync(_options.BusAddress, _time, endpoint, linked.Token).ConfigureAwait(false);
        _adapter ??= BluezAdapters.Find(client, _options.Adapter, endpoint);
        try
        {
            // Scans until the device is heard (BlueZ remembers it after a connection even when it no longer advertises),
            // then connects, retrying a link that drops while it is being set up.
            (Device, _link) = await BleConnector.OpenAsync(client, _adapter, Device, _options, _time, endpoint, _logger, linked.Token).ConfigureAwait(false);
        }
        catch (DBusConnectionException ex)
        {
            // The bus (or BlueZ with it) went away: the next attempt starts from a new bus connection.
            client.Dispose();
            _client = null;
            throw new BleTransportException(TransportFailure.Unavailable, endpoint, $"the D-Bus connection to BlueZ was closed ({ex.Message})", innerException: ex);
        }

        Interlocked.Increment(ref _generation);
        return _link;
    }

    private async Task CloseLinkAsync()
    {
        if (_link is { } link && _client is { } client)
        {
            _link = null;
            await BleConnector.DisconnectAsync(client, link.DevicePath).ConfigureAwait(false);
            _logger.BleDisconnected(Device);
        }

        _link = null;
    }

    private async Task EnterAsync(string endpoint, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_disposed.IsCancellationRequested)
        {
            _gate.Release();
            throw new BleTransportException(TransportFailure.LinkLost, endpoint, $"/{endpoint}: the transport was disposed");
        }
    }

}
