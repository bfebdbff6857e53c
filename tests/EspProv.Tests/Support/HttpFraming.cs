using System.Globalization;
using System.Text;

namespace EspProv.Tests.Support;

/// <summary>
/// The one HTTP/1.1 framing of the test code: well-formed requests and responses as bytes, and
/// <see cref="HttpMessageReader"/> to read a whole message back. Tests that send deliberately broken bytes (a cut-off
/// header, a body shorter than its Content-Length) spell them out instead, since those bytes are what they test.
/// </summary>
internal static class HttpFraming
{
    /// <summary>Largest header block a reader accepts.</summary>
    public const int MaxHeadBytes = 16 * 1024;

    /// <summary>A POST as esp_prov sends it (docs/protocol.md#http-transport): its headers, the cookie when given, then
    /// the body.</summary>
    public static byte[] Request(string target, byte[] body, string? cookie = null, string? extraHeaders = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var head = $"POST {target} HTTP/1.1\r\nHost: 192.168.4.1:80\r\nAccept-Encoding: identity\r\nContent-Length: {Length(body)}\r\n"
            + "Content-type: application/x-www-form-urlencoded\r\nAccept: text/plain\r\n"
            + (cookie is null ? string.Empty : $"Cookie: {cookie}\r\n") + (extraHeaders ?? string.Empty) + "\r\n";
        return [.. Encoding.Latin1.GetBytes(head), .. body];
    }

    /// <summary>A response as firmware sends it: status line, <c>Content-Type: text/html</c>, <c>Content-Length</c>, any extra header lines (each ending in CRLF), body.</summary>
    public static byte[] Response(int status, string reason, byte[] body, string extraHeaders = "")
    {
        ArgumentNullException.ThrowIfNull(body);
        return [.. Head(status, reason, body.Length, extraHeaders), .. body];
    }

    /// <inheritdoc cref="Response(int, string, byte[], string)"/>
    public static byte[] Response(int status, string reason, string body) => Response(status, reason, Encoding.Latin1.GetBytes(body));

    /// <summary>Only the head of a response announcing <paramref name="contentLength"/> body bytes (for bodies streamed or cut short on purpose).</summary>
    public static byte[] Head(int status, string reason, long contentLength, string extraHeaders = "") =>
        Encoding.Latin1.GetBytes($"HTTP/1.1 {status.ToString(CultureInfo.InvariantCulture)} {reason}\r\nContent-Type: text/html\r\n"
            + $"Content-Length: {contentLength.ToString(CultureInfo.InvariantCulture)}\r\n{extraHeaders}\r\n");

    /// <summary>A received answer sent on: its status line and headers (minus framing headers) with the given Content-Length and body.</summary>
    public static byte[] Reframe(string head, byte[] body, int contentLength)
    {
        ArgumentNullException.ThrowIfNull(head);
        var lines = head.Split("\r\n").Where(l =>
            !l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase) && !l.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase));
        var text = string.Join("\r\n", lines) + $"\r\nContent-Length: {contentLength.ToString(CultureInfo.InvariantCulture)}\r\n\r\n";
        return [.. Encoding.Latin1.GetBytes(text), .. body];
    }

    private static string Length(byte[] body) => body.Length.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One HTTP message as read: its head (start line and header lines, without the blank line), the body, and the exact bytes.</summary>
internal sealed record HttpMessage(string Head, byte[] Body, byte[] Raw)
{
    public string StartLine => Head.Split("\r\n")[0];

    /// <summary>Header lines in order, as (name, trimmed value).</summary>
    public IReadOnlyList<(string Name, string Value)> Headers =>
        [.. Head.Split("\r\n").Skip(1).Select(l => (l[..l.IndexOf(':', StringComparison.Ordinal)], l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()))];

    /// <summary>A response's status code.</summary>
    public int Status => int.Parse(StartLine.Split(' ')[1], CultureInfo.InvariantCulture);

    /// <summary>A request's target (<c>/proto-ver</c>); empty when the start line has none.</summary>
    public string Target => StartLine.Split(' ') is { Length: >= 2 } parts ? parts[1] : string.Empty;

    /// <summary>The first value of header <paramref name="name"/> spelled exactly so, or null.</summary>
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Name == name).Value;
}

/// <summary>
/// Reads whole HTTP/1.1 messages from a stream: Content-Length bodies, and for responses chunked bodies or a body that
/// runs to the close. Buffered, with at most one socket read outstanding, so <see cref="PendingReadAsync"/> can watch an
/// idle connection without losing bytes. Every read is bounded (<see cref="HttpFraming.MaxHeadBytes"/>, the body limit).
/// </summary>
internal sealed class HttpMessageReader(Stream stream, int maxBody = 64 * 1024, bool resetIsClose = false)
{
    private readonly byte[] _chunk = new byte[16 * 1024];
    private readonly List<byte> _buffer = [];
    private Task<int>? _pending;

    /// <summary>The next socket read (shared, so it is never issued twice); 0 when the peer closed.</summary>
    public Task<int> PendingReadAsync(CancellationToken cancellationToken) => _pending ??= ReadSocketAsync(cancellationToken);

    /// <summary>Reads one message within <paramref name="timeout"/>; null when the peer closed before its first byte.</summary>
    public async Task<HttpMessage?> ReadAsync(bool isRequest, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        return await ReadAsync(isRequest, deadline.Token);
    }

    /// <summary>Reads one message; null when the peer closed before its first byte, <see cref="IOException"/> when it closed inside one.</summary>
    public async Task<HttpMessage?> ReadAsync(bool isRequest, CancellationToken cancellationToken)
    {
        var head = await ReadHeadAsync(cancellationToken);
        if (head is null)
        {
            return null;
        }

        var lines = head.Split("\r\n");
        var lengthLine = lines.FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var chunked = lines.Any(l => l.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase) && l.Contains("chunked", StringComparison.OrdinalIgnoreCase));
        byte[] body;
        if (lengthLine is not null)
        {
            var length = int.Parse(lengthLine["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
            body = length is < 0 || length > maxBody ? throw new InvalidDataException("body too large") : await ReadExactAsync(length, cancellationToken);
        }
        else if (chunked && !isRequest)
        {
            body = await ReadChunkedAsync(cancellationToken);
        }
        else
        {
            body = isRequest ? [] : await ReadToEndAsync(cancellationToken);
        }

        return new HttpMessage(head, body, [.. Encoding.Latin1.GetBytes(head + "\r\n\r\n"), .. body]);
    }

    private async Task<int> ReadSocketAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await stream.ReadAsync(_chunk, cancellationToken);
        }
        catch (IOException) when (resetIsClose)
        {
            return 0; // a reset counts as closed
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        var read = await PendingReadAsync(cancellationToken);
        _pending = null;
        _buffer.AddRange(_chunk.AsSpan(0, read).ToArray());
        return read > 0;
    }

    private async Task<string?> ReadHeadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var text = Encoding.Latin1.GetString([.. _buffer]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                _buffer.RemoveRange(0, end + 4);
                return text[..end];
            }

            if (_buffer.Count > HttpFraming.MaxHeadBytes)
            {
                throw new InvalidDataException("header block too large");
            }

            if (!await FillAsync(cancellationToken))
            {
                return _buffer.Count == 0 ? null : throw new IOException("closed inside a header block");
            }
        }
    }

    private async Task<byte[]> ReadExactAsync(int length, CancellationToken cancellationToken)
    {
        while (_buffer.Count < length)
        {
            if (!await FillAsync(cancellationToken))
            {
                throw new IOException("closed inside a body");
            }
        }

        var body = _buffer.GetRange(0, length).ToArray();
        _buffer.RemoveRange(0, length);
        return body;
    }

    private async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken)
    {
        while (await FillAsync(cancellationToken))
        {
            if (_buffer.Count > maxBody)
            {
                throw new InvalidDataException("body too large");
            }
        }

        var body = _buffer.ToArray();
        _buffer.Clear();
        return body;
    }

    private async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
    {
        var body = new List<byte>();
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            var size = int.Parse(line.Split(';')[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                while ((await ReadLineAsync(cancellationToken)).Length > 0)
                {
                }

                return [.. body];
            }

            if (body.Count + size > maxBody)
            {
                throw new InvalidDataException("body too large");
            }

            body.AddRange(await ReadExactAsync(size, cancellationToken));
            await ReadLineAsync(cancellationToken);
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var idx = _buffer.IndexOf((byte)'\n');
            if (idx >= 0)
            {
                var line = Encoding.Latin1.GetString(_buffer.GetRange(0, idx).ToArray()).TrimEnd('\r');
                _buffer.RemoveRange(0, idx + 1);
                return line;
            }

            if (_buffer.Count > 1024 || !await FillAsync(cancellationToken))
            {
                throw new InvalidDataException("bad chunk framing");
            }
        }
    }
}
