using System.Net.Sockets;
using System.Text;

namespace EspProv.Tests.Device.Support;

/// <summary>A bare TCP client for exact HTTP bytes: what the device sends, and whether it closed without answering.</summary>
internal sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly MemoryStream _pending = new();

    private RawHttpConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawHttpConnection> OpenAsync(int port)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port);
        return new RawHttpConnection(client);
    }

    public static byte[] Post(string target, byte[] body, string? cookie = null, string? extraHeaders = null)
    {
        var head = $"POST {target} HTTP/1.1\r\nHost: 192.168.4.1:80\r\nAccept-Encoding: identity\r\nContent-Length: {body.Length}\r\n"
            + "Content-type: application/x-www-form-urlencoded\r\nAccept: text/plain\r\n"
            + (cookie is null ? string.Empty : $"Cookie: {cookie}\r\n") + (extraHeaders ?? string.Empty) + "\r\n";
        return [.. Encoding.ASCII.GetBytes(head), .. body];
    }

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>Reads one response; null if the device closed the connection before sending any byte.</summary>
    public async Task<RawResponse?> ReadResponseAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[8192];
        while (true)
        {
            var data = _pending.ToArray();
            var end = data.AsSpan().IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var head = Encoding.ASCII.GetString(data, 0, end);
                var lines = head.Split("\r\n");
                var headers = lines.Skip(1).Select(l => (l[..l.IndexOf(':', StringComparison.Ordinal)], l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())).ToList();
                var length = int.Parse(headers.First(h => h.Item1 == "Content-Length").Item2, System.Globalization.CultureInfo.InvariantCulture);
                while (data.Length < end + 4 + length)
                {
                    var n = await ReadSomeAsync(buffer, timeout.Token);
                    if (n == 0)
                    {
                        throw new IOException("closed mid-body");
                    }

                    data = _pending.ToArray();
                }

                var body = data.AsSpan(end + 4, length).ToArray();
                var rest = data.AsSpan(end + 4 + length).ToArray();
                _pending.SetLength(0);
                _pending.Write(rest);
                return new RawResponse(int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), lines[0], headers, body);
            }

            if (await ReadSomeAsync(buffer, timeout.Token) == 0)
            {
                return _pending.Length == 0 ? null : throw new IOException("closed mid-headers");
            }
        }
    }

    /// <summary>True if the device has closed (or resets) the connection within the timeout.</summary>
    public async Task<bool> IsClosedByDeviceAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(5));
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

    private async Task<int> ReadSomeAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        int n;
        try
        {
            n = await _stream.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException)
        {
            n = 0; // reset by the device counts as closed
        }

        _pending.Seek(0, SeekOrigin.End);
        _pending.Write(buffer, 0, n);
        return n;
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        _client.Dispose();
        _pending.Dispose();
        return ValueTask.CompletedTask;
    }
}

internal sealed record RawResponse(int Status, string StatusLine, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Name == name).Value;
}
