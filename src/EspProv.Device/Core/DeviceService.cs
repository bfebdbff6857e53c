using EspProv.Device.Protocomm;
using Microsoft.Extensions.Logging;

namespace EspProv.Device.Core;

/// <summary>
/// The transport-neutral device: (link, endpoint, request bytes) → response bytes, or "end the exchange without a
/// response". It owns what every front-end shares: numbering links, the request gate (firmware's single protocomm
/// task), fault injection, session binding, request size limits and the request record. Front-ends (HTTP, BLE,
/// in-memory) own their framing and decide what "no response" looks like on their wire (close the TCP connection,
/// fail the GATT write, drop the BLE link).
/// </summary>
internal sealed class DeviceService : IDisposable
{
    /// <summary>Largest request body handled (esp_http_server's protocomm handler buffer; BLE stores at most 512 bytes anyway).</summary>
    public const int MaxRequestBytes = 4096;

    /// <summary>Requests kept for <see cref="Requests"/>: the newest ones, so a device serving a load test stays in constant memory.</summary>
    public const int DefaultMaxRecordedRequests = 10_000;

    private readonly DeviceCore _core;
    private readonly DeviceFaults _faults;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _lock = new();
    private readonly RequestRecord _requests;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Prefix, string Endpoint), string> _recurringTexts = new();
    private long _nextLink;
    private long _requestTotal;

    public DeviceService(DeviceCore core, SimulatedDeviceOptions options, DeviceFaults faults)
    {
        _core = core;
        _faults = faults;
        _time = options.TimeProvider ?? TimeProvider.System;
        _requests = new RequestRecord(options.MaxRecordedRequests);
        _logger = options.LoggerFactory.CreateLogger<DeviceService>();
    }

    public DeviceCore Core => _core;

    public DeviceFlavor Flavor => _core.Flavor;

    /// <summary>Pulsed when a request begins or is recorded, or a link opens or closes, on any front-end.</summary>
    public ChangeFeed Changes { get; } = new();

    /// <summary>Links opened since start, over every front-end.</summary>
    public long LinksOpened => Interlocked.Read(ref _nextLink);

    /// <summary>Requests received since start, including those no longer kept in <see cref="Requests"/>.</summary>
    public long RequestTotal => Interlocked.Read(ref _requestTotal);

    public IReadOnlyList<DeviceRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>The device's endpoints, in registration order.</summary>
    public IReadOnlyList<string> EndpointNames => [.. _core.Endpoints.Names];

    /// <summary>True if the device has an endpoint of that name.</summary>
    public bool HasEndpoint(string endpoint) => _core.Endpoints.TryGet(endpoint, out _);

    /// <summary>Numbers a new link (1, 2, … over all front-ends, so a record names its link unambiguously).</summary>
    public long OpenLink()
    {
        var link = Interlocked.Increment(ref _nextLink);
        Changes.Pulse();
        return link;
    }

    /// <summary>A link ended: the session bound to it ends or stays, as <paramref name="keying"/> says.</summary>
    public async Task CloseLinkAsync(long link, SessionKeying keying)
    {
        // Not cancellable: the session state must follow the link even while the device shuts down.
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _core.Protocomm.OnLinkClosed(link, keying);
        }
        finally
        {
            _gate.Release();
            Changes.Pulse();
        }
    }

    /// <summary>
    /// Starts one exchange: waits its turn, applies a delay fault, takes an action fault, and (unless a fault ends it
    /// first) binds the session before the body is looked at, as firmware does (docs/protocol.md#sessions-and-cookies).
    /// Dispose the result to let the next exchange in.
    /// </summary>
    public async Task<DeviceExchange> BeginAsync(long link, string endpoint, SessionKeying keying, long? claimedSession, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (delay, fault) = _faults.Take(endpoint);
            Changes.Pulse(); // a fault taken is visible in DeviceFaults.Pending
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }

            if (fault is { Kind: DeviceFaults.FaultKind.Status or DeviceFaults.FaultKind.CloseBefore })
            {
                return new DeviceExchange(this, endpoint, default, fault);
            }

            var binding = _core.Protocomm.BeginRequest(link, keying, claimedSession);
            return new DeviceExchange(this, endpoint, binding, fault);
        }
        catch
        {
            _gate.Release();
            throw;
        }
    }

    /// <summary>One whole exchange for front-ends that have the body at hand: null = ended without a response.</summary>
    public async Task<DeviceReply> ExchangeAsync(long link, string endpoint, byte[] body, SessionKeying keying, CancellationToken cancellationToken)
    {
        using var exchange = await BeginAsync(link, endpoint, keying, null, cancellationToken).ConfigureAwait(false);
        if (exchange.FaultEnding is { } ending)
        {
            return new DeviceReply(null, ending, exchange.FaultStatus);
        }

        var response = exchange.Complete(body);
        return new DeviceReply(response, response is null ? DeviceExchange.Ending.ProtocolError : DeviceExchange.Ending.Answered, 0);
    }

    /// <summary>Adds a request to the bounded record and the log.</summary>
    public void Record(in RequestEntry request)
    {
        lock (_lock)
        {
            _requests.Add(request);
            _requestTotal++;
        }

        Changes.Pulse();

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            _logger.Request(request.ToRequest());
        }
    }

    /// <summary>
    /// <paramref name="prefix"/> + <paramref name="endpoint"/> (its name alone with an empty prefix, or
    /// <c>POST /prov-session</c>) as one shared string per known endpoint, so the request record keeps no string per
    /// request and a hot path builds none; for an unknown endpoint a new string, so input cannot grow the set.
    /// </summary>
    public string Recurring(string prefix, string endpoint) =>
        HasEndpoint(endpoint) ? _recurringTexts.GetOrAdd((prefix, endpoint), static k => k.Prefix + k.Endpoint) : prefix + endpoint;

    internal byte[]? Handle(string endpoint, byte[]? body, bool closeAfter)
    {
        if (body is null || body.Length is 0 or > MaxRequestBytes)
        {
            return null;
        }

        var response = _core.Protocomm.Handle(endpoint, body);
        return closeAfter ? null : response;
    }

    internal void Release() => _gate.Release();

    public void Dispose() => _gate.Dispose();
}

/// <summary>The outcome of one whole exchange.</summary>
/// <param name="Response">The response body; null when the device ended the exchange without one.</param>
/// <param name="Ending">Why it ended as it did.</param>
/// <param name="FaultStatus">With <see cref="DeviceExchange.Ending.FaultStatus"/>: the status an injected fault asks for.</param>
internal readonly record struct DeviceReply(byte[]? Response, DeviceExchange.Ending Ending, int FaultStatus);

/// <summary>One exchange in progress: holds the device's request gate until disposed.</summary>
internal sealed class DeviceExchange : IDisposable
{
    private readonly DeviceService _service;
    private readonly string _endpoint;
    private readonly DeviceFaults.Fault? _fault;
    private bool _released;

    internal DeviceExchange(DeviceService service, string endpoint, SessionBinding session, DeviceFaults.Fault? fault)
    {
        _service = service;
        _endpoint = endpoint;
        Session = session;
        _fault = fault;
    }

    /// <summary>How an exchange ended, for the front-end to render.</summary>
    public enum Ending
    {
        /// <summary>The device answered.</summary>
        Answered,

        /// <summary>Protocomm refused the request (firmware ends the exchange without a response).</summary>
        ProtocolError,

        /// <summary>An injected fault ended it without a response.</summary>
        FaultClosed,

        /// <summary>An injected fault asks the front-end for an error status of its own (an HTTP status).</summary>
        FaultStatus,
    }

    /// <summary>The session the request was bound to (default when a fault ended the exchange first).</summary>
    public SessionBinding Session { get; }

    /// <summary>Set when an injected fault ends the exchange before protocomm sees it.</summary>
    public Ending? FaultEnding => _fault?.Kind switch
    {
        DeviceFaults.FaultKind.Status => Ending.FaultStatus,
        DeviceFaults.FaultKind.CloseBefore => Ending.FaultClosed,
        _ => null,
    };

    /// <summary>The status an injected fault asks for (with <see cref="Ending.FaultStatus"/>).</summary>
    public int FaultStatus => _fault?.StatusCode ?? 0;

    /// <summary>
    /// Hands the body (null = the front-end could not read a valid one) to protocomm and returns the response, or null
    /// when the device ends the exchange without one (protocol error, bad size, or a close-after-processing fault).
    /// </summary>
    public byte[]? Complete(byte[]? body) => Complete(_endpoint, body);

    /// <summary>As <see cref="Complete(byte[])"/>, for an endpoint named differently from the one faults are keyed by
    /// (an HTTP target with a query string: faults follow the path, protocomm sees the whole name and finds nothing).</summary>
    public byte[]? Complete(string endpoint, byte[]? body) =>
        _service.Handle(endpoint, body, closeAfter: _fault is { Kind: DeviceFaults.FaultKind.CloseAfter });

    public void Dispose()
    {
        if (!_released)
        {
            _released = true;
            _service.Release();
        }
    }
}
