using EspProv.Device.Core;
using EspProv.Device.Protocomm;
using EspProv.Transport.InMemory;

namespace EspProv.Device.InMemory;

/// <summary>
/// The in-memory front-end: links without sockets for <see cref="InMemoryTransport"/>. Sessions are keyed by link (as on
/// BLE), a protocol error ends the exchange without a response and closes the link (as the HTTP server does).
/// </summary>
internal sealed class InMemoryFrontEnd : IDeviceFrontEnd, IInMemoryDevice
{
    private readonly DeviceService _device;
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Link> _open = [];
    private bool _stopped;

    public InMemoryFrontEnd(DeviceService device) => _device = device;

    public string Name => "memory";

    public string Address => "in-memory";

    public int OpenLinks
    {
        get
        {
            lock (_lock)
            {
                return _open.Count;
            }
        }
    }

    public IInMemoryLink? OpenLink()
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return null;
            }

            var link = new Link(this, _device.OpenLink());
            _open[link.Id] = link;
            return link;
        }
    }

    public int DropLinks()
    {
        List<Link> open;
        lock (_lock)
        {
            open = [.. _open.Values];
        }

        foreach (var link in open)
        {
            link.Dispose();
        }

        return open.Count;
    }

    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _stopped = true;
        }

        DropLinks();
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private void Closed(Link link)
    {
        lock (_lock)
        {
            if (!_open.Remove(link.Id))
            {
                return;
            }
        }

        // Fire and forget is safe: CloseLinkAsync only waits for the device's gate and never throws.
        _ = _device.CloseLinkAsync(link.Id, SessionKeying.ByLink);
    }

    private sealed class Link(InMemoryFrontEnd owner, long id) : IInMemoryLink
    {
        private readonly CancellationTokenSource _closed = new();

        public long Id { get; } = id;

        public bool IsOpen => !_closed.IsCancellationRequested;

        public async Task<InMemoryReply> ExchangeAsync(string endpoint, ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(endpoint);
            if (!IsOpen)
            {
                return new InMemoryReply(InMemoryReplyKind.LinkLost, null);
            }

            var service = owner._device;
            if (!service.HasEndpoint(endpoint))
            {
                Record(endpoint, request.Length, DeviceRequestOutcome.Rejected, 0);
                return new InMemoryReply(InMemoryReplyKind.EndpointNotFound, null);
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
            DeviceReply reply;
            try
            {
                reply = await service.ExchangeAsync(Id, endpoint, request.ToArray(), SessionKeying.ByLink, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_closed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                Record(endpoint, request.Length, DeviceRequestOutcome.Closed, 0);
                return new InMemoryReply(InMemoryReplyKind.LinkLost, null);
            }

            switch (reply.Ending)
            {
                case DeviceExchange.Ending.Answered when IsOpen:
                    Record(endpoint, request.Length, DeviceRequestOutcome.Answered, reply.Response!.Length);
                    return new InMemoryReply(InMemoryReplyKind.Answered, reply.Response);
                case DeviceExchange.Ending.FaultStatus:
                    Record(endpoint, request.Length, DeviceRequestOutcome.Rejected, 0);
                    return new InMemoryReply(InMemoryReplyKind.Rejected, null);
                default:
                    // No response: the link goes too, as the HTTP server closes the connection.
                    Record(endpoint, request.Length, DeviceRequestOutcome.Closed, 0);
                    Dispose();
                    return new InMemoryReply(InMemoryReplyKind.NoResponse, null);
            }
        }

        public void Dispose()
        {
            if (!_closed.IsCancellationRequested)
            {
                _closed.Cancel();
                owner.Closed(this);
            }
        }

        private void Record(string endpoint, int length, DeviceRequestOutcome outcome, int responseBytes) =>
            owner._device.Record(new RequestEntry(Id, owner._device.Recurring(string.Empty, endpoint), length, outcome, responseBytes, "memory", null, null));
    }
}
