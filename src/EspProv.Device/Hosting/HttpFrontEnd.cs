using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EspProv.Device.Core;
using Microsoft.Extensions.Logging;

namespace EspProv.Device.Hosting;

/// <summary>
/// The HTTP front-end: a TCP listener (backlog 5, as esp_http_server) whose connections <see cref="DeviceHttpServer"/>
/// serves byte for byte as firmware does. A plain socket listener rather than a web server: the device parses HTTP
/// itself, and the CLI's binary stays free of ASP.NET (docs/design.md, "The HTTP front-end").
/// </summary>
internal sealed class HttpFrontEnd : IDeviceFrontEnd
{
    /// <summary>esp_http_server's <c>backlog_conn</c> default.</summary>
    internal const int ListenBacklog = 5;

    /// <summary>How long a stop waits for connection handlers to wind down after their sockets are closed.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(2);

    /// <summary>Pause after an accept failure that is not a reset connection (out of descriptors or buffers).</summary>
    private static readonly TimeSpan AcceptBackoff = TimeSpan.FromMilliseconds(50);

    private readonly Socket _listener;
    private readonly DeviceHttpServer _server;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _stopLock = new();
    private readonly Lock _handlersLock = new();
    private readonly HashSet<Task> _handlers = [];
    private Task _acceptLoop = Task.CompletedTask;
    private Task? _stopTask;

    private HttpFrontEnd(Socket listener, DeviceHttpServer server, IPEndPoint endPoint)
    {
        _listener = listener;
        _server = server;
        EndPoint = endPoint;
        var host = endPoint.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]" : endPoint.Address.ToString();
        Url = new Uri($"http://{host}:{endPoint.Port.ToString(CultureInfo.InvariantCulture)}/");
    }

    public string Name => "http";

    public string Address => Url.ToString();

    public Uri Url { get; }

    public IPEndPoint EndPoint { get; }

    public DeviceHttpServer Server => _server;

    public int OpenLinks => _server.OpenConnections;

    /// <summary>Binds the port of <paramref name="options"/> and starts serving <paramref name="device"/>; deadlines run on <paramref name="time"/>.</summary>
    /// <exception cref="IOException">The address cannot be bound (in use, or not local).</exception>
    public static Task<HttpFrontEnd> StartAsync(DeviceService device, HttpDeviceOptions options, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var listener = new Socket(options.ListenAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (options.ListenAddress.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true;
            }

            listener.Bind(new IPEndPoint(options.ListenAddress, options.Port));
            listener.Listen(ListenBacklog);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new IOException(string.Create(CultureInfo.InvariantCulture,
                $"cannot listen on {options.ListenAddress}:{options.Port}: {ex.Message}"), ex);
        }

        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var shown = options.ListenAddress.Equals(IPAddress.Any) ? IPAddress.Loopback
            : options.ListenAddress.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : options.ListenAddress;
        var frontEnd = new HttpFrontEnd(listener, new DeviceHttpServer(device, options, time, logger), new IPEndPoint(shown, port));
        frontEnd._acceptLoop = frontEnd.AcceptLoopAsync();
        return Task.FromResult(frontEnd);
    }

    public int DropLinks() => _server.DropConnections();

    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_stopLock)
        {
            return _stopTask ??= StopCoreAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        // Off the caller's thread: StartAsync returns once the socket listens.
        await Task.Yield();
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                if (ex is SocketException { SocketErrorCode: not (SocketError.ConnectionReset or SocketError.ConnectionAborted) })
                {
                    // Out of descriptors or buffers: pause instead of spinning; a connection reset in the backlog
                    // (the other case) leaves the next accept unaffected.
                    await Task.Delay(AcceptBackoff, _stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                continue;
            }

            socket.NoDelay = true;
            var handler = ServeAsync(new DeviceConnection(socket, _stopping.Token));
            lock (_handlersLock)
            {
                _handlers.Add(handler);
            }

            _ = handler.ContinueWith(static (done, state) => ((HttpFrontEnd)state!).Forget(done), this,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(DeviceConnection connection)
    {
        // Each connection on its own continuation, so a slow one never holds the accept loop.
        await Task.Yield();
        try
        {
            await _server.HandleConnectionAsync(connection).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // one connection's unexpected failure must not stop the device or fail its StopAsync
        catch (Exception)
#pragma warning restore CA1031
        {
            // The handler's own finally has closed the socket and released the link already.
            connection.Dispose();
        }
    }

    private void Forget(Task handler)
    {
        lock (_handlersLock)
        {
            _handlers.Remove(handler);
        }
    }

    private async Task StopCoreAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        _server.DropConnections();
        Task[] running;
        lock (_handlersLock)
        {
            running = [.. _handlers];
        }

        try
        {
            await Task.WhenAll(running).WaitAsync(StopGrace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Every socket is closed already; a handler still winding down holds nothing a client can see.
        }
    }
}
