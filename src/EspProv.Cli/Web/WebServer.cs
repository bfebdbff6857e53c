using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EspProv.Cli.Web;

/// <summary>
/// A small HTTP/1.1 server for the embedded web app (<c>esp-prov web</c>): GET and HEAD only, keep-alive, the Brotli or
/// gzip form when the request's Accept-Encoding takes it (<c>Content-Encoding</c>, <c>Vary: Accept-Encoding</c>).
/// Static files need no more; ASP.NET Core would add megabytes to the native binary for nothing a user notices.
/// </summary>
internal sealed class WebServer : IAsyncDisposable
{
    private const int MaxHead = 16 * 1024;
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);
    private readonly WebAssets _assets;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private Task? _accepting;

    public WebServer(WebAssets assets, IPEndPoint endpoint)
    {
        _assets = assets;
        _listener = new TcpListener(endpoint);
    }

    /// <summary>The bound address (the real port when 0 was asked for).</summary>
    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    public void Start()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        if (_accepting is not null)
        {
            await _accepting.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        socket.NoDelay = true;
        var buffer = ArrayPool<byte>.Shared.Rent(MaxHead);
        try
        {
            var filled = 0;
            while (!_stop.IsCancellationRequested)
            {
                int end;
                while ((end = HeadEnd(buffer.AsSpan(0, filled))) < 0)
                {
                    if (filled == MaxHead)
                    {
                        await SendAsync(socket, Status(431, "Request Header Fields Too Large"), null).ConfigureAwait(false);
                        return;
                    }

                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    idle.CancelAfter(IdleTimeout);
                    var read = await socket.ReceiveAsync(buffer.AsMemory(filled, MaxHead - filled), SocketFlags.None, idle.Token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                }

                var request = WebRequest.Parse(Encoding.Latin1.GetString(buffer, 0, end));
                buffer.AsSpan(end + 4, filled - end - 4).CopyTo(buffer);
                filled -= end + 4;
                var (head, body) = Respond(request);
                await SendAsync(socket, head, body).ConfigureAwait(false);
                if (!request.KeepAlive)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException)
        {
            // The browser closed the connection or stayed idle: nothing to report.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal (string Head, byte[]? Body) Respond(WebRequest request)
    {
        if (request.Method is not ("GET" or "HEAD"))
        {
            return (Status(request.Method is null ? 400 : 405, request.Method is null ? "Bad Request" : "Method Not Allowed", "Allow: GET, HEAD\r\n"), null);
        }

        if (_assets.Find(request.Path) is not { } asset)
        {
            return (Status(404, "Not Found"), null);
        }

        var (bytes, encoding) = request.Accepts("br") && asset.Brotli is { } br ? (br, "br")
            : request.Accepts("gzip") && asset.Gzip is { } gz ? (gz, "gzip")
            : (asset.Identity(), null);
        var head = new StringBuilder(256)
            .Append("HTTP/1.1 200 OK\r\n")
            .Append("Content-Type: ").Append(asset.ContentType).Append("\r\n")
            .Append("Content-Length: ").Append(bytes.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        if (encoding is not null)
        {
            head.Append("Content-Encoding: ").Append(encoding).Append("\r\n");
        }

        if (asset.Brotli is not null || asset.Gzip is not null)
        {
            head.Append("Vary: Accept-Encoding\r\n");
        }

        // The page never sends anything anywhere; the headers say so to the browser too.
        head.Append("Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n")
            .Append(request.KeepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
        return (head.ToString(), request.Method == "HEAD" ? null : bytes);
    }

    private static string Status(int code, string reason, string extra = "") =>
        $"HTTP/1.1 {code.ToString(CultureInfo.InvariantCulture)} {reason}\r\n{extra}Content-Type: text/plain; charset=utf-8\r\nContent-Length: {reason.Length + 1}\r\nConnection: close\r\n\r\n{reason}\n";

    private static async Task SendAsync(Socket socket, string head, byte[]? body)
    {
        await socket.SendAsync(Encoding.Latin1.GetBytes(head), SocketFlags.None).ConfigureAwait(false);
        if (body is not null)
        {
            await socket.SendAsync(body, SocketFlags.None).ConfigureAwait(false);
        }
    }

    private static int HeadEnd(ReadOnlySpan<byte> data) => data.IndexOf("\r\n\r\n"u8);
}

/// <summary>The parts of a request head the server uses.</summary>
internal sealed record WebRequest(string? Method, string Path, bool KeepAlive, string AcceptEncoding)
{
    public static WebRequest Parse(string head)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || !parts[1].StartsWith('/'))
        {
            return new WebRequest(null, "/", KeepAlive: false, string.Empty);
        }

        var keepAlive = parts[2] == "HTTP/1.1";
        var acceptEncoding = string.Empty;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                keepAlive = value.Equals("keep-alive", StringComparison.OrdinalIgnoreCase) || (keepAlive && !value.Equals("close", StringComparison.OrdinalIgnoreCase));
            }
            else if (name.Equals("Accept-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                acceptEncoding = value;
            }
        }

        var path = parts[1].Split('?', '#')[0];
        return new WebRequest(parts[0], Uri.UnescapeDataString(path), keepAlive, acceptEncoding);
    }

    /// <summary>True when Accept-Encoding lists <paramref name="coding"/> (or <c>*</c>) without <c>q=0</c>.</summary>
    public bool Accepts(string coding)
    {
        foreach (var item in AcceptEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = item.Split(';', StringSplitOptions.TrimEntries);
            if (!fields[0].Equals(coding, StringComparison.OrdinalIgnoreCase) && fields[0] != "*")
            {
                continue;
            }

            var zero = fields.Skip(1).Any(f => f.Replace(" ", string.Empty, StringComparison.Ordinal) is "q=0" or "q=0.0" or "q=0.00" or "q=0.000");
            return !zero;
        }

        return false;
    }
}
