using System.Net.Sockets;
using System.Text;
using EspProv.Tests.Support;

namespace EspProv.Tests.Device.Support;

/// <summary>A bare TCP client for exact HTTP bytes: what the device sends, and whether it closed without answering.</summary>
internal sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly HttpMessageReader _reader;

    private RawHttpConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new HttpMessageReader(_stream, resetIsClose: true);
    }

    public static async Task<RawHttpConnection> OpenAsync(int port)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port);
        return new RawHttpConnection(client);
    }

    /// <inheritdoc cref="HttpFraming.Request"/>
    public static byte[] Post(string target, byte[] body, string? cookie = null, string? extraHeaders = null) =>
        HttpFraming.Request(target, body, cookie, extraHeaders);

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>Reads one response within 10 s; null if the device closed the connection (or reset it) before sending any byte.</summary>
    public Task<HttpMessage?> ReadResponseAsync() => _reader.ReadAsync(isRequest: false, TimeSpan.FromSeconds(10));

    /// <summary>
    /// Waits for the device to close (or reset) the connection: true when it does, false if data comes instead or the
    /// safety net runs out (a hang, not a slow machine: the tests ask only once the close is due).
    /// </summary>
    public async Task<bool> IsClosedByDeviceAsync()
    {
        using var timeout = new CancellationTokenSource(EspProv.Tests.Support.Eventually.SafetyNet);
        try
        {
            var buffer = new byte[1];
            return await _stream.ReadAsync(buffer, timeout.Token) == 0;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
