using System.Net.Http;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace EspProv.Transport.Http;

/// <summary>
/// Opens the TCP connections of one <see cref="HttpTransport"/>: the one place a socket is created and connected (as the
/// platform client's <see cref="SocketsHttpHandler.ConnectCallback"/>), numbering the links and counting the plaintext
/// bytes that arrive on them.
/// </summary>
internal sealed class HttpConnector(DeviceAddress address, HttpTransportOptions options, ILogger logger)
{
    private readonly Lock _lock = new();
    private Socket? _current;
    private Socket? _preopened;
    private long _links;
    private long _bytesReceived;

    /// <summary>Links opened so far (the number of the current or last one).</summary>
    public long LinksOpened => Interlocked.Read(ref _links);

    /// <summary>Plaintext bytes read from the device over all links; a change during a request means its response began.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>True when the last link opened is still open from the device's side.</summary>
    public bool HasLiveLink
    {
        get
        {
            lock (_lock)
            {
                return _current is { } socket && !PeerHasClosed(socket);
            }
        }
    }

    /// <summary>Connects now; the next request's <see cref="ConnectAsync"/> takes this link instead of opening one.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var socket = await ConnectSocketAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _preopened = socket;
        }
    }

    /// <summary>The platform client's connect callback: a link opened ahead by <see cref="OpenAsync"/> if still open, else a new one.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        Socket? socket;
        lock (_lock)
        {
            socket = _preopened;
            _preopened = null;
        }

        if (socket is not null && PeerHasClosed(socket))
        {
            socket.Dispose();
            socket = null;
        }

        socket ??= await ConnectSocketAsync(cancellationToken).ConfigureAwait(false);
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>The platform client's plaintext filter (after TLS): counts what the device sends.</summary>
    public ValueTask<Stream> CountAsync(SocketsHttpPlaintextStreamFilterContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<Stream>(new CountingStream(context.PlaintextStream, read => Interlocked.Add(ref _bytesReceived, read)));

    /// <summary>Forgets the links (their client was disposed, which closed them) and closes one opened ahead and not used.</summary>
    public void Forget()
    {
        lock (_lock)
        {
            _preopened?.Dispose();
            _preopened = null;
            _current = null;
        }
    }

    private async Task<Socket> ConnectSocketAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (options.Interface is { } name)
            {
                // Several Wi-Fi adapters, each joined to one device's soft AP, all reach 192.168.4.1: the interface picks the device.
                InterfaceBinding.Bind(socket, name);
            }

            await socket.ConnectAsync(address.Host, address.Port, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        lock (_lock)
        {
            _current = socket;
        }

        Interlocked.Increment(ref _links);
        logger.HttpConnected(address.ToString());
        return socket;
    }

    private static bool PeerHasClosed(Socket socket)
    {
        try
        {
            // Readable with nothing to read = orderly close (or reset) by the peer.
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }
}
