using EspProv.Exceptions;

namespace EspProv.Transport.InMemory;

/// <summary>
/// A transport to an <see cref="IInMemoryDevice"/> with no sockets: for testing an app's provisioning code against the
/// simulated device in-process, with the same link behaviour a real transport has (a link the device dropped is
/// replaced before the next request, a protocol error ends the exchange without a response, faults, timeouts).
/// </summary>
/// <example>
/// <code>
/// await using var device = SimulatedDevice.CreateInMemory(new SimulatedDeviceOptions { ConnectDelay = TimeSpan.Zero });
/// await using var client = new ProvisioningClient(new InMemoryTransport(device.InMemory), ownsTransport: true);
/// </code>
/// </example>
public sealed class InMemoryTransport : IProvisioningTransport
{
    private readonly IInMemoryDevice _device;
    private readonly InMemoryTransportOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private IInMemoryLink? _link;
    private long _generation;

    /// <summary>Creates a transport to <paramref name="device"/>; the first link opens with the first request.</summary>
    public InMemoryTransport(IInMemoryDevice device, InMemoryTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = device;
        _options = options ?? new InMemoryTransportOptions();
        _options.Validate();
        _time = _options.TimeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public int MaxResponseBytes => _options.MaxResponseBytes;

    /// <summary>Links opened so far.</summary>
    public long LinksOpened => Interlocked.Read(ref _generation);

    /// <inheritdoc />
    public async ValueTask<TransportLink> PrepareAsync(string endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        await EnterAsync(endpoint, cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureLink(endpoint);
            return new TransportLink(_generation, _options.SessionSurvivesNewLink);
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
        await EnterAsync(endpoint, cancellationToken).ConfigureAwait(false);
        try
        {
            var link = EnsureLink(endpoint);
            using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _disposed.Token);
            InMemoryReply reply;
            try
            {
                reply = await link.ExchangeAsync(endpoint, request, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                CloseLink();
                throw _disposed.IsCancellationRequested
                    ? new TransportException(TransportFailure.LinkLost, endpoint, $"/{endpoint}: the transport was disposed during the request")
                    : new TransportException(TransportFailure.Timeout, endpoint, $"/{endpoint}: no response within {_options.RequestTimeout.TotalSeconds:0.###} s");
            }

            return reply.Kind switch
            {
                InMemoryReplyKind.Answered when reply.Body is { } body && body.Length <= _options.MaxResponseBytes => body,
                InMemoryReplyKind.Answered => throw new TransportException(TransportFailure.ResponseTooLarge, endpoint,
                    $"/{endpoint}: the response is larger than {_options.MaxResponseBytes} bytes"),
                InMemoryReplyKind.EndpointNotFound => throw new TransportException(TransportFailure.EndpointNotFound, endpoint, $"/{endpoint}: the device has no such endpoint"),
                InMemoryReplyKind.Rejected => throw new TransportException(TransportFailure.Rejected, endpoint, $"/{endpoint}: the device rejected the request"),
                InMemoryReplyKind.LinkLost => throw new TransportException(TransportFailure.LinkLost, endpoint, $"/{endpoint}: the link was lost during the request"),
                _ => throw new TransportException(TransportFailure.ClosedWithoutResponse, endpoint, $"/{endpoint}: the device ended the exchange without a response"),
            };
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
            CloseLink();
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
            Interlocked.Exchange(ref _link, null)?.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private async Task EnterAsync(string endpoint, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_disposed.IsCancellationRequested)
        {
            _gate.Release();
            throw new TransportException(TransportFailure.LinkLost, endpoint, $"/{endpoint}: the transport was disposed");
        }
    }

    /// <summary>The open link, or a new one when the device dropped the last (so nothing is sent on a dead link).</summary>
    private IInMemoryLink EnsureLink(string endpoint)
    {
        if (_link is { IsOpen: true } open)
        {
            return open;
        }

        CloseLink();
        _link = _device.OpenLink()
            ?? throw new TransportException(TransportFailure.ConnectionRefused, endpoint, $"/{endpoint}: the in-memory device accepts no link (stopped)");
        _generation++;
        return _link;
    }

    private void CloseLink()
    {
        _link?.Dispose();
        _link = null;
    }
}
