using System.IO.Pipelines;
using System.Net.Sockets;

namespace EspProv.Device.Hosting;

/// <summary>
/// One accepted TCP connection of the HTTP front-end: a pipe over the socket for reading requests, whole-buffer sends
/// for responses, and a token that fires when the connection is aborted or the front-end stops. The fuzz harness drives
/// the same server over a pair of in-process pipes instead of a socket.
/// </summary>
internal sealed class DeviceConnection : IDisposable
{
    private readonly Socket? _socket;
    private readonly NetworkStream? _stream;
    private readonly PipeWriter? _output;
    private readonly CancellationTokenSource _closed;
    private int _aborted;

    public DeviceConnection(Socket socket, CancellationToken stopping)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        // A request is a few hundred bytes and firmware buffers no more than a few KB.
        Input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true));
        _closed = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    }

    /// <summary>A connection over in-process pipes (tests and fuzzing): what the server writes goes to <paramref name="output"/>.</summary>
    public DeviceConnection(PipeReader input, PipeWriter output)
    {
        Input = input;
        _output = output;
        _closed = new CancellationTokenSource();
    }

    public PipeReader Input { get; }

    /// <summary>Cancelled when the connection is aborted or the front-end stops.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Sends the whole buffer.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (_socket is null)
        {
            await _output!.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            return;
        }

        while (!bytes.IsEmpty)
        {
            var sent = await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }

    /// <summary>
    /// Shuts and closes the socket now, so the FIN (or RST, if request bytes are unread) is out when this returns, and
    /// wakes the connection's handler. Safe to call more than once and from any thread.
    /// </summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        if (_socket is null)
        {
            _output!.Complete();
        }
        else
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // Already reset by the peer: closing below is all that is left.
            }

            _socket.Dispose();
        }

        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        Abort();
        Input.Complete();
        _stream?.Dispose();
        _closed.Dispose();
    }
}
