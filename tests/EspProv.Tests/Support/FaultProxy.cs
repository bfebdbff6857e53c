using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EspProv.Tests.Support;

/// <summary>
/// A fault-injecting HTTP/1.1 proxy for tests: listens on 127.0.0.1:0, forwards each request of a client connection on
/// its own upstream connection to the target (so the device sees one socket per client socket, as without the proxy),
/// and per provisioning step injects one of the <see cref="FaultKind"/>s. Steps are recognised from the endpoint, the
/// plaintext handshake messages, and the order of <c>prov-config</c> requests (set, apply, then status polls).
/// Everything is bounded: bodies at 64 KiB, oversized answers at 16 MiB, stalls end when the client or the proxy closes.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private const int MaxBody = 64 * 1024;
    private const int OversizedBytes = 16 * 1024 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private readonly List<ProxyExchange> _exchanges = [];
    private readonly Lock _lock = new();
    private readonly Task _acceptLoop;
    private int _connections;
    private int _idleClosesPassedOn;
    private int _configRequests;
    private bool _refusing;
    private int _firstConnectionSeen;

    /// <param name="targetPort">The device's port on 127.0.0.1.</param>
    /// <param name="fault">Chooses the fault for a classified step (null = forward untouched).</param>
    /// <param name="sequence">
    /// The scenario's step order; needed only for <see cref="FaultKind.Refuse"/>, which acts at the end of the step
    /// before the faulted one (the link drops between steps, so the client's reconnect is what gets refused).
    /// </param>
    public FaultProxy(int targetPort, Func<string, FaultKind?>? fault = null, IReadOnlyList<string>? sequence = null)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        Fault = fault ?? (_ => null);
        Sequence = sequence ?? [];
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        if (Sequence.Count > 0 && Fault(Sequence[0]) == FaultKind.Refuse)
        {
            // Refused at the first step: nothing ever listens on the port.
            StopListening();
        }

        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>Injects <paramref name="kind"/> into every exchange of <paramref name="step"/>.</summary>
    public static FaultProxy At(int targetPort, string step, FaultKind kind, IReadOnlyList<string>? sequence = null) =>
        new(targetPort, s => s == step ? kind : null, sequence);

    public Func<string, FaultKind?> Fault { get; }

    public IReadOnlyList<string> Sequence { get; }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public TimeSpan TrickleDelay { get; init; } = TimeSpan.FromMilliseconds(2);

    public TimeSpan SlowTrickleDelay { get; init; } = TimeSpan.FromMilliseconds(400);

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Pulsed when an exchange is seen or an idle close is passed on.</summary>
    public EspProv.Device.Core.ChangeFeed Changes { get; } = new();

    /// <summary>Idle connections the device closed and the proxy has closed towards the client in turn.</summary>
    public int IdleClosesPassedOn => Volatile.Read(ref _idleClosesPassedOn);

    /// <summary>Security 0 only: tell set, apply and status apart by decoding the plaintext (exact even if a client resent).</summary>
    public bool PlaintextConfig { get; init; }

    /// <summary>The exchanges seen so far, in arrival order.</summary>
    public IReadOnlyList<ProxyExchange> Exchanges
    {
        get
        {
            lock (_lock)
            {
                return [.. _exchanges];
            }
        }
    }

    /// <summary>How many requests of <paramref name="step"/> the proxy saw.</summary>
    public int Count(string step) => Exchanges.Count(e => e.Step == step);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            if (Interlocked.Exchange(ref _firstConnectionSeen, 1) == 0 && Sequence.Count > 0 && Fault(Sequence[0]) == FaultKind.Disconnect)
            {
                // Disconnect at the first step: the first connection drops at once; the client's reconnect is served.
                client.Client.Shutdown(SocketShutdown.Both);
                client.Dispose();
                continue;
            }

            var id = Interlocked.Increment(ref _connections);
            lock (_lock)
            {
                _tasks.Add(Task.Run(() => ServeAsync(client, id)));
            }
        }
    }

    private void StopListening()
    {
        lock (_lock)
        {
            _refusing = true;
        }

        _listener.Stop();
    }

    private async Task ServeAsync(TcpClient client, int connectionId)
    {
        using var clientSocket = client;
        TcpClient? upstream = null;
        var stop = _stop.Token;
        try
        {
            var fromClient = new HttpMessageReader(client.GetStream(), MaxBody);
            HttpMessageReader? fromDevice = null;
            while (!stop.IsCancellationRequested)
            {
                var requestTask = fromClient.ReadAsync(isRequest: true, stop);
                if (fromDevice is not null)
                {
                    // Mirror the device closing an idle connection (LRU purge, idle timeout) at once.
                    var watch = fromDevice.PendingReadAsync(stop);
                    if (await Task.WhenAny(requestTask, watch).ConfigureAwait(false) == watch && await watch.ConfigureAwait(false) == 0)
                    {
                        client.Client.Shutdown(SocketShutdown.Both);
                        Interlocked.Increment(ref _idleClosesPassedOn);
                        Changes.Pulse();
                        return;
                    }
                }

                var request = await requestTask.ConfigureAwait(false);
                if (request is null)
                {
                    return; // client closed
                }

                var step = Classify(request);
                var fault = Fault(step);
                if (fault is FaultKind.Refuse or FaultKind.Disconnect)
                {
                    fault = null; // acts at the end of the previous step (below)
                }

                int index;
                lock (_lock)
                {
                    index = _exchanges.Count;
                    _exchanges.Add(new ProxyExchange(index, connectionId, request.Target, step, request.Body.Length, fault));
                }

                Changes.Pulse();

                var clientStream = client.GetStream();
                if (fault is FaultKind.Http4xx or FaultKind.Http5xx)
                {
                    var (code, reason) = fault == FaultKind.Http4xx ? (404, "Not Found") : (500, "Internal Server Error");
                    var text = fault == FaultKind.Http4xx ? "Nothing matches the given URI" : "Server error";
                    await WriteAsync(clientStream, HttpFraming.Response(code, reason, text), stop).ConfigureAwait(false);
                    client.Client.Shutdown(SocketShutdown.Both);
                    return;
                }

                if (upstream is null)
                {
                    upstream = new TcpClient();
                    try
                    {
                        await upstream.ConnectAsync(_target, stop).ConfigureAwait(false);
                    }
                    catch (SocketException)
                    {
                        return; // device not there: the client sees the connection close
                    }

                    fromDevice = new HttpMessageReader(upstream.GetStream(), MaxBody);
                }

                await WriteAsync(upstream.GetStream(), request.Raw, stop).ConfigureAwait(false);
                var response = await fromDevice!.ReadAsync(isRequest: false, stop).ConfigureAwait(false);
                if (response is null)
                {
                    client.Client.Shutdown(SocketShutdown.Both); // the device closed without an answer: pass it on
                    return;
                }

                if (fault is null && LinkDropAfter(step) is { } drop)
                {
                    // The answer says "Connection: close" and the FIN follows, so the client knows the link is down
                    // before its next request. (A bare FIN races the client's next request under load; that race is
                    // real, and it ends as a lost request, which the Reset/CloseWithoutResponse columns cover.)
                    if (drop == FaultKind.Refuse)
                    {
                        StopListening();
                    }

                    client.Client.Send(HttpFraming.Reframe(response.Head + "\r\nConnection: close", response.Body, response.Body.Length));
                    client.Client.Shutdown(SocketShutdown.Both);
                    return;
                }

                if (!await DeliverAsync(client, response, fault, stop).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidDataException)
        {
            // A broken side ends this connection pair.
        }
        finally
        {
            upstream?.Dispose();
        }
    }

    /// <summary>Refuse or Disconnect when the step after <paramref name="step"/> in <see cref="Sequence"/> has one.</summary>
    private FaultKind? LinkDropAfter(string step)
    {
        for (var i = 0; i + 1 < Sequence.Count; i++)
        {
            if (Sequence[i] == step && Fault(Sequence[i + 1]) is FaultKind.Refuse or FaultKind.Disconnect)
            {
                return Fault(Sequence[i + 1]);
            }
        }

        return null;
    }

    /// <summary>Sends the (possibly faulted) answer; false when the connection is finished.</summary>
    private async Task<bool> DeliverAsync(TcpClient client, HttpMessage response, FaultKind? fault, CancellationToken stop)
    {
        var stream = client.GetStream();
        var body = response.Body;
        switch (fault)
        {
            case null:
                await WriteAsync(stream, HttpFraming.Reframe(response.Head, body, body.Length), stop).ConfigureAwait(false);
                return true;
            case FaultKind.Reset:
                Reset(client);
                return false;
            case FaultKind.CloseWithoutResponse:
                client.Client.Shutdown(SocketShutdown.Both);
                return false;
            case FaultKind.Stall:
                // Hold the answer until the client gives up (its read returns 0) or the proxy stops.
                var sink = new byte[256];
                while (await stream.ReadAsync(sink, stop).ConfigureAwait(false) > 0)
                {
                }

                return false;
            case FaultKind.TruncateBody:
                await WriteAsync(stream, HttpFraming.Reframe(response.Head, body.AsSpan(0, body.Length / 2).ToArray(), body.Length), stop).ConfigureAwait(false);
                client.Client.Shutdown(SocketShutdown.Both);
                return false;
            case FaultKind.TruncateReframed:
                var half = body.AsSpan(0, body.Length / 2).ToArray();
                await WriteAsync(stream, HttpFraming.Reframe(response.Head, half, half.Length), stop).ConfigureAwait(false);
                return true;
            case FaultKind.GarbleBody:
                var garbled = body.Select(b => (byte)(b ^ 0x5A)).ToArray();
                await WriteAsync(stream, HttpFraming.Reframe(response.Head, garbled, garbled.Length), stop).ConfigureAwait(false);
                return true;
            case FaultKind.Trickle or FaultKind.SlowTrickle:
                var delay = fault == FaultKind.Trickle ? TrickleDelay : SlowTrickleDelay;
                var bytes = HttpFraming.Reframe(response.Head, body, body.Length);
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < bytes.Length; i++)
                {
                    await stream.WriteAsync(bytes.AsMemory(i, 1), stop).ConfigureAwait(false);

                    // Byte i+1 is due at (i+1) × delay: on a loaded machine each Task.Delay overshoots, and summing those
                    // overshoots would turn a trickle that fits the request timeout into one that does not.
                    var wait = (delay * (i + 1)) - clock.Elapsed;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, stop).ConfigureAwait(false);
                    }
                }

                return true;
            case FaultKind.Oversized:
                await WriteAsync(stream, HttpFraming.Head(200, "OK", OversizedBytes), stop).ConfigureAwait(false);
                var junk = new byte[64 * 1024];
                Array.Fill(junk, (byte)'A');
                for (var sent = 0; sent < OversizedBytes; sent += junk.Length)
                {
                    await stream.WriteAsync(junk, stop).ConfigureAwait(false);
                }

                client.Client.Shutdown(SocketShutdown.Both);
                return false;
            default:
                throw new InvalidOperationException($"fault {fault} is not applied to answers");
        }
    }

    private static void Reset(TcpClient client)
    {
        client.Client.LingerState = new LingerOption(true, 0);
        client.Close();
    }

    private static async Task WriteAsync(NetworkStream stream, byte[] bytes, CancellationToken stop)
    {
        await stream.WriteAsync(bytes, stop).ConfigureAwait(false);
        await stream.FlushAsync(stop).ConfigureAwait(false);
    }

    private string Classify(HttpMessage request)
    {
        var endpoint = request.Target.TrimStart('/');
        switch (endpoint)
        {
            case "proto-ver":
                return FaultSteps.Version;
            case "prov-session":
                return FaultSteps.ClassifySession(request.Body);
            case "prov-config" when PlaintextConfig:
                return FaultSteps.ClassifyPlainConfig(request.Body);
            case "prov-config":
                return Interlocked.Increment(ref _configRequests) switch
                {
                    1 => FaultSteps.SetConfig,
                    2 => FaultSteps.Apply,
                    _ => FaultSteps.Status,
                };
            case "custom-config":
                return FaultSteps.CustomConfig;
            case "custom-data":
                return FaultSteps.CustomData;
            case "prov-scan":
                return FaultSteps.Scan;
            case "prov-ctrl":
                return FaultSteps.Control;
            default:
                return endpoint;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        bool refusing;
        lock (_lock)
        {
            refusing = _refusing;
        }

        if (!refusing)
        {
            _listener.Stop();
        }

        await _acceptLoop.ConfigureAwait(false);
        Task[] tasks;
        lock (_lock)
        {
            tasks = [.. _tasks];
        }

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _stop.Dispose();
    }
}
