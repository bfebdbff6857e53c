using System.Globalization;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace EspProv.Device.Hosting;

/// <summary>
/// The device's HTTP server, run as a Kestrel connection handler so every byte on the wire is under control, like
/// esp_http_server (PROTOCOL.md §3.1): POST-only URIs matched exactly, Content-Length bodies of 1–4096 bytes, protocol
/// failures close the connection without a response, <c>max_open_sockets = 1</c> with LRU purge, and one request handled
/// at a time (firmware's single server task).
/// </summary>
internal sealed class DeviceHttpServer : IDisposable
{
    public const int MaxBodyLength = 4096;

    /// <summary>Requests kept for <see cref="Requests"/>: the newest ones, so a device serving a load test stays in constant memory.</summary>
    public const int MaxRecordedRequests = 10_000;

    private readonly DeviceCore _core;
    private readonly SimulatedDeviceOptions _options;
    private readonly DeviceFaults _faults;
    private readonly Action<string> _log;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _lock = new();
    private readonly Dictionary<long, ConnectionContext> _open = [];
    private readonly Queue<DeviceRequest> _requests = new();
    private long _nextConnection;
    private long _requestTotal;
    private int _handlersRunning;

    public DeviceHttpServer(DeviceCore core, SimulatedDeviceOptions options, DeviceFaults faults, Action<string> log)
    {
        _core = core;
        _options = options;
        _faults = faults;
        _log = log;
        _time = options.TimeProvider ?? TimeProvider.System;
    }

    public IReadOnlyList<DeviceRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Requests received since start, including those no longer kept in <see cref="Requests"/>.</summary>
    public long RequestTotal => Interlocked.Read(ref _requestTotal);

    /// <summary>Connections accepted since start.</summary>
    public long ConnectionsAccepted
    {
        get
        {
            lock (_lock)
            {
                return _nextConnection;
            }
        }
    }

    /// <summary>Connection handlers still running, including purged connections that are winding down.</summary>
    public int HandlersRunning => Volatile.Read(ref _handlersRunning);

    public int OpenConnections
    {
        get
        {
            lock (_lock)
            {
                return _open.Count;
            }
        }
    }

    public async Task HandleConnectionAsync(ConnectionContext connection)
    {
        Interlocked.Increment(ref _handlersRunning);
        var id = PurgeOthersAndAdd(connection);
        var closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed, closeRequested);
        var reader = new HttpRequestReader(connection.Transport.Input, _core.Flavor == DeviceFlavor.Idf ? 1024 : 512,
            _options.ReceiveTimeout, _options.IdleTimeout);
        try
        {
            while (!closed.IsCancellationRequested)
            {
                var next = await reader.ReadHeadAsync(closed.Token).ConfigureAwait(false);
                if (next.IdleTimedOut)
                {
                    // Shut the socket now, before the connection stops counting as open: Kestrel would otherwise send
                    // the FIN a moment after this handler returns, and a client that saw OpenConnections == 0 could
                    // still find the old socket alive. Nothing is pending on an idle connection, so nothing is cut off.
                    Close(id, connection, "idle");
                    break;
                }

                if (next.EndOfConnection)
                {
                    break;
                }

                if (next.Head is not { } head)
                {
                    // Parse-level errors: answer and close on every flavor.
                    await SendErrorAsync(connection.Transport.Output, id, "?", "?", 0, next.ErrorStatus).ConfigureAwait(false);
                    break;
                }

                if (!await HandleRequestAsync(id, head, reader, connection.Transport.Output, closed.Token).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ConnectionAbortedException or ConnectionResetException or IOException or ObjectDisposedException)
        {
            // The client went away, LRU purge, or shutdown: nothing to answer.
        }
        finally
        {
            lock (_lock)
            {
                _open.Remove(id);
            }

            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                _core.Protocomm.OnConnectionClosed(id);
            }
            finally
            {
                _gate.Release();
                Interlocked.Decrement(ref _handlersRunning);
            }
        }
    }

    /// <summary>Aborts every open connection now (the socket is shut before this returns); returns how many.</summary>
    public int DropConnections()
    {
        List<KeyValuePair<long, ConnectionContext>> open;
        lock (_lock)
        {
            open = [.. _open];
        }

        foreach (var (id, connection) in open)
        {
            Close(id, connection, "dropped");
        }

        return open.Count;
    }

    /// <summary>Kestrel's Abort shuts and disposes the socket before it returns: the FIN is out when this ends.</summary>
    private void Close(long id, ConnectionContext connection, string reason)
    {
        _log($"connection {id.ToString(CultureInfo.InvariantCulture)} closed ({reason})");
        connection.Abort(new ConnectionAbortedException(reason));
    }

    /// <summary>Closes the other connections (max_open_sockets = 1) and opens this one; returns its id.</summary>
    private long PurgeOthersAndAdd(ConnectionContext connection)
    {
        List<KeyValuePair<long, ConnectionContext>> purged;
        long id;
        lock (_lock)
        {
            // Numbered and opened in one step: a reader that sees it accepted and then no connection open knows it closed.
            id = ++_nextConnection;
            purged = [.. _open];
            _open.Clear();
            _open[id] = connection;
        }

        foreach (var (oldId, old) in purged)
        {
            Close(oldId, old, "LRU purge: max_open_sockets = 1");
        }

        return id;
    }

    /// <summary>Handles one request; false = close the connection.</summary>
    private async Task<bool> HandleRequestAsync(long id, RequestHead head, HttpRequestReader reader, PipeWriter output, CancellationToken closed)
    {
        var query = head.Target.IndexOf('?', StringComparison.Ordinal);
        var path = query >= 0 ? head.Target[..query] : head.Target;
        var declared = head.IsChunked ? 0 : head.ContentLength ?? 0;
        if (!path.StartsWith('/') || !_core.Endpoints.TryGet(path[1..], out _))
        {
            return await SendErrorAndMaybeKeepAsync(output, id, head, declared, 404, reader, closed).ConfigureAwait(false);
        }

        if (!string.Equals(head.Method, "POST", StringComparison.Ordinal))
        {
            return await SendErrorAndMaybeKeepAsync(output, id, head, declared, 405, reader, closed).ConfigureAwait(false);
        }

        await _gate.WaitAsync(closed).ConfigureAwait(false);
        try
        {
            var endpointName = path[1..];
            var (delay, fault) = _faults.Take(endpointName);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time, closed).ConfigureAwait(false);
            }

            if (fault is { Kind: DeviceFaults.FaultKind.Status })
            {
                await SendErrorAsync(output, id, head.Method, head.Target, declared, fault.StatusCode).ConfigureAwait(false);
                return false;
            }

            if (fault is { Kind: DeviceFaults.FaultKind.CloseBefore })
            {
                return Closed(id, head, declared);
            }

            // The session is settled before the body is looked at (§3.2), for every endpoint.
            var binding = _core.Protocomm.BeginRequest(id, head.Header("Cookie"));
            if (head.IsChunked || head.ContentLength is not { } length || length <= 0 || length > MaxBodyLength)
            {
                return Closed(id, head, declared);
            }

            var body = await reader.ReadBodyAsync((int)length, closed).ConfigureAwait(false);
            if (body is null)
            {
                return Closed(id, head, declared);
            }

            // Everything after the '/' is the endpoint name, query included: a query string finds no endpoint.
            var response = _core.Protocomm.Handle(head.Target[1..], body);
            if (response is null || fault is { Kind: DeviceFaults.FaultKind.CloseAfter })
            {
                return Closed(id, head, declared);
            }

            var cookie = binding.Created && _core.Flavor == DeviceFlavor.Idf
                ? "session=" + binding.SessionId.ToString(CultureInfo.InvariantCulture)
                : null;
            await output.WriteAsync(ErrorResponses.Success(response, cookie), closed).ConfigureAwait(false);
            Record(new DeviceRequest(id, head.Method, head.Target, declared, 200, response.Length));
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> SendErrorAndMaybeKeepAsync(PipeWriter output, long id, RequestHead head, long declared, int status,
        HttpRequestReader reader, CancellationToken closed)
    {
        await SendErrorAsync(output, id, head.Method, head.Target, declared, status).ConfigureAwait(false);

        // ESP-IDF closes after an error response; ESP8266 3.2 keeps the socket for 404/405 once the body is drained.
        if (_core.Flavor == DeviceFlavor.Idf || head.IsChunked || declared > MaxBodyLength)
        {
            return false;
        }

        return declared == 0 || await reader.ReadBodyAsync((int)declared, closed).ConfigureAwait(false) is not null;
    }

    private async Task SendErrorAsync(PipeWriter output, long id, string method, string target, long declared, int status)
    {
        var bytes = ErrorResponses.Error(status, out var bodyLength);
        Record(new DeviceRequest(id, method, target, declared, status, bodyLength));
        await output.WriteAsync(bytes).ConfigureAwait(false);
    }

    private bool Closed(long id, RequestHead head, long declared)
    {
        Record(new DeviceRequest(id, head.Method, head.Target, declared, null, 0));
        return false;
    }

    private void Record(DeviceRequest request)
    {
        lock (_lock)
        {
            // Bounded: a long-running or flooded device keeps only the most recent requests.
            if (_requests.Count >= _options.MaxRecordedRequests)
            {
                _requests.Dequeue();
            }

            _requests.Enqueue(request);
            _requestTotal++;
        }

        if (_options.Log is not null)
        {
            _log(request.ToString());
        }
    }

    public void Dispose() => _gate.Dispose();
}
