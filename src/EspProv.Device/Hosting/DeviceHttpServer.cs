using EspProv.Device.Core;
using EspProv.Device.Protocomm;
using Microsoft.Extensions.Logging;

namespace EspProv.Device.Hosting;

/// <summary>
/// The device's HTTP server: it handles each accepted connection itself, so every byte on the wire is under control, like
/// esp_http_server (docs/protocol.md#device-side): POST-only URIs matched exactly, Content-Length bodies of 1–4096
/// bytes, protocol failures close the connection without a response, <c>max_open_sockets = 1</c> with LRU purge, and
/// one request handled at a time (firmware's single server task).
/// </summary>
internal sealed class DeviceHttpServer
{
    public const int MaxBodyLength = DeviceService.MaxRequestBytes;

    private readonly DeviceService _device;
    private readonly HttpDeviceOptions _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SessionKeying _keying;
    private readonly Lock _lock = new();
    private readonly Dictionary<long, DeviceConnection> _open = [];
    private long _connectionsAccepted;
    private int _handlersRunning;

    public DeviceHttpServer(DeviceService device, HttpDeviceOptions http, TimeProvider time, ILogger logger)
    {
        _device = device;
        _http = http;
        _time = time;
        _logger = logger;
        // ESP-IDF's server follows a session by its cookie; ESP8266's keys it by socket
        // (docs/protocol.md#sessions-and-cookies).
        _keying = device.Flavor != DeviceFlavor.Esp8266 ? SessionKeying.ByTokenThenLink : SessionKeying.ByLink;
    }

    /// <summary>Connections accepted since start.</summary>
    public long ConnectionsAccepted => Interlocked.Read(ref _connectionsAccepted);

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

    /// <summary>Serves one accepted connection until either side closes it; the socket is shut when this ends.</summary>
    public async Task HandleConnectionAsync(DeviceConnection connection)
    {
        Interlocked.Increment(ref _handlersRunning);
        var id = PurgeOthersAndAdd(connection);
        var closed = connection.Closed;
        using var reader = new HttpRequestReader(connection.Input, _device.Flavor != DeviceFlavor.Esp8266 ? 1024 : 512,
            _http.ReceiveTimeout, _http.IdleTimeout, _time, closed);
        try
        {
            while (!closed.IsCancellationRequested)
            {
                var next = await reader.ReadHeadAsync().ConfigureAwait(false);
                if (next.IdleTimedOut)
                {
                    // Shut the socket before the connection stops counting as open: a client that saw
                    // OpenConnections == 0 must not still find the old socket alive.
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
                    await SendErrorAsync(connection, id, "?", "?", 0, next.ErrorStatus).ConfigureAwait(false);
                    break;
                }

                if (!await HandleRequestAsync(id, head, reader, connection, closed).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Net.Sockets.SocketException or IOException or ObjectDisposedException)
        {
            // The client went away, LRU purge, or shutdown: nothing to answer.
        }
        finally
        {
            lock (_lock)
            {
                _open.Remove(id);
            }

            _device.Changes.Pulse();

            // Like esp_http_server closing the socket: the FIN is out before the link counts as closed.
            connection.Dispose();
            try
            {
                await _device.CloseLinkAsync(id, _keying).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _handlersRunning);
            }
        }
    }

    /// <summary>Aborts every open connection now (the socket is shut before this returns); returns how many.</summary>
    public int DropConnections()
    {
        List<KeyValuePair<long, DeviceConnection>> open;
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

    /// <summary>Shuts and closes the socket before it returns: the FIN is out when this ends.</summary>
    private void Close(long id, DeviceConnection connection, string reason)
    {
        _logger.ConnectionClosed(id, reason);
        connection.Abort();
    }

    /// <summary>Closes the other connections (max_open_sockets = 1) and opens this one; returns its id.</summary>
    private long PurgeOthersAndAdd(DeviceConnection connection)
    {
        List<KeyValuePair<long, DeviceConnection>> purged;
        long id;
        lock (_lock)
        {
            // Numbered and opened in one step: a reader that sees it accepted and then no connection open knows it closed.
            id = _device.OpenLink();
            _connectionsAccepted++;
            purged = [.. _open];
            _open.Clear();
            _open[id] = connection;
        }

        _device.Changes.Pulse(); // the count above moved after OpenLink's own pulse

        foreach (var (oldId, old) in purged)
        {
            Close(oldId, old, "LRU purge: max_open_sockets = 1");
        }

        return id;
    }

    /// <summary>Handles one request; false = close the connection.</summary>
    private async Task<bool> HandleRequestAsync(long id, RequestHead head, HttpRequestReader reader, DeviceConnection output, CancellationToken closed)
    {
        var query = head.Target.IndexOf('?', StringComparison.Ordinal);
        var path = query >= 0 ? head.Target[..query] : head.Target;
        var declared = head.IsChunked ? 0 : head.ContentLength ?? 0;
        if (!path.StartsWith('/') || !_device.HasEndpoint(path[1..]))
        {
            return await SendErrorAndMaybeKeepAsync(output, id, head, declared, 404, reader, closed).ConfigureAwait(false);
        }

        if (!string.Equals(head.Method, "POST", StringComparison.Ordinal))
        {
            return await SendErrorAndMaybeKeepAsync(output, id, head, declared, 405, reader, closed).ConfigureAwait(false);
        }

        // Everything after the '/' is the endpoint name, query included: a query string finds no endpoint.
        var endpoint = head.Target[1..];
        var claim = _keying == SessionKeying.ByTokenThenLink ? SessionCookie.Claim(head.Header("Cookie")) : null;
        using var exchange = await _device.BeginAsync(id, path[1..], _keying, claim, closed).ConfigureAwait(false);
        switch (exchange.FaultEnding)
        {
            case DeviceExchange.Ending.FaultStatus:
                await SendErrorAsync(output, id, head.Method, head.Target, declared, exchange.FaultStatus).ConfigureAwait(false);
                return false;
            case DeviceExchange.Ending.FaultClosed:
                return Closed(id, head, declared);
        }

        byte[]? body = null;
        if (!head.IsChunked && head.ContentLength is { } length && length is > 0 and <= MaxBodyLength)
        {
            body = await reader.ReadBodyAsync((int)length).ConfigureAwait(false);
        }

        var response = body is null ? null : exchange.Complete(endpoint, body);
        if (response is null)
        {
            return Closed(id, head, declared);
        }

        var cookie = exchange.Session.Created && _keying == SessionKeying.ByTokenThenLink ? SessionCookie.Format(exchange.Session.SessionId) : null;
        // Recorded before the send, so a client that has read the response also finds the request in the record.
        Record(id, head, declared, DeviceRequestOutcome.Answered, 200, response.Length);
        await output.SendAsync(ErrorResponses.Success(response, cookie), closed).ConfigureAwait(false);
        return true;
    }

    private async Task<bool> SendErrorAndMaybeKeepAsync(DeviceConnection output, long id, RequestHead head, long declared, int status,
        HttpRequestReader reader, CancellationToken closed)
    {
        await SendErrorAsync(output, id, head.Method, head.Target, declared, status).ConfigureAwait(false);

        // ESP-IDF closes after an error response; ESP8266 3.2 keeps the socket for 404/405 once the body is drained.
        if (_device.Flavor != DeviceFlavor.Esp8266 || head.IsChunked || declared > MaxBodyLength)
        {
            return false;
        }

        return declared == 0 || await reader.ReadBodyAsync((int)declared).ConfigureAwait(false) is not null;
    }

    private async Task SendErrorAsync(DeviceConnection output, long id, string method, string target, long declared, int status)
    {
        var bytes = ErrorResponses.Error(status, out var bodyLength);
        Record(id, method, target, declared, DeviceRequestOutcome.Rejected, status, bodyLength);
        await output.SendAsync(bytes, output.Closed).ConfigureAwait(false);
    }

    private bool Closed(long id, RequestHead head, long declared)
    {
        Record(id, head, declared, DeviceRequestOutcome.Closed, null, 0);
        return false;
    }

    private void Record(long id, RequestHead head, long declared, DeviceRequestOutcome outcome, int? status, int responseBytes) =>
        Record(id, head.Method, head.Target, declared, outcome, status, responseBytes);

    private void Record(long id, string method, string target, long declared, DeviceRequestOutcome outcome, int? status, int responseBytes)
    {
        var path = target.StartsWith('/') ? target[1..] : target;
        var query = path.IndexOf('?', StringComparison.Ordinal);
        var endpoint = query >= 0 ? path[..query] : path;

        // A plain POST to an endpoint is recorded with shared strings, so the record holds nothing per request.
        var canonical = query < 0 && target.StartsWith('/') && string.Equals(method, "POST", StringComparison.Ordinal);
        _device.Record(new RequestEntry(id, canonical ? _device.Recurring(string.Empty, endpoint) : endpoint, declared, outcome, responseBytes, "http",
            status, canonical ? _device.Recurring("POST /", endpoint) : method + " " + target));
    }
}
