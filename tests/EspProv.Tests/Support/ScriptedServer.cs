using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EspProv.Tests.Support;

/// <summary>
/// A raw TCP server on 127.0.0.1:0 that runs a script per accepted connection, so transport tests can see the exact
/// request bytes and send exact (or broken) responses.
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<Connection, Task> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _connections;
    private int _closedByScript;

    public ScriptedServer(Func<Connection, Task> script)
    {
        _script = script;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Endpoint => $"127.0.0.1:{Port}";

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Connections the script has closed; the FIN is on its way once this counts it (loopback).</summary>
    public int ClosedByScript => Volatile.Read(ref _closedByScript);

    public List<string> Requests { get; } = [];

    /// <summary>Pulsed when a request is read or the script closes a connection.</summary>
    public EspProv.Device.Core.ChangeFeed Changes { get; } = new();

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            client.NoDelay = true; // a script's separate writes go out as separate segments
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await _script(new Connection(client, this));
                    }
                    catch (IOException)
                    {
                    }
                    catch (SocketException)
                    {
                    }
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        _stop.Dispose();
    }

    internal sealed class Connection(TcpClient client, ScriptedServer server)
    {
        private readonly NetworkStream _stream = client.GetStream();
        private readonly HttpMessageReader _reader = new(client.GetStream());

        /// <summary>Reads one request (headers + Content-Length body); null when the client closed between requests.</summary>
        public async Task<(string Head, byte[] Body)?> ReadRequestAsync()
        {
            var request = await _reader.ReadAsync(isRequest: true, CancellationToken.None);
            if (request is null)
            {
                return null;
            }

            lock (server.Requests)
            {
                server.Requests.Add(request.Head);
            }

            server.Changes.Pulse();

            return (request.Head, request.Body);
        }

        public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

        public async Task SendAsync(byte[] bytes)
        {
            await _stream.WriteAsync(bytes);
            await _stream.FlushAsync();
        }

        public Task SendOkAsync(byte[] body, string extraHeaders = "") =>
            SendAsync(HttpFraming.Response(200, "OK", body, extraHeaders));

        public void Close()
        {
            client.Close();
            Interlocked.Increment(ref server._closedByScript);
            server.Changes.Pulse();
        }

        /// <summary>Closes with RST (linger 0), as a device dropping a connection with unread data may.</summary>
        public void Reset()
        {
            client.Client.LingerState = new LingerOption(true, 0);
            client.Close();
            Interlocked.Increment(ref server._closedByScript);
            server.Changes.Pulse();
        }
    }
}
