using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace EspProv.Device.Hosting;

/// <summary>
/// Reads HTTP/1.x requests from a connection the way esp_http_server does: request line and headers with firmware's
/// limits (URI ≤ 512 bytes → 414; header block over the limit → 431; malformed → 400; not HTTP/1.x → 505; head not
/// complete in time → 408), and bodies by Content-Length only.
/// </summary>
internal sealed class HttpRequestReader(PipeReader input, int maxHeaderBlock, TimeSpan receiveTimeout, TimeSpan idleTimeout, TimeProvider time,
    CancellationToken connectionClosed) : IDisposable
{
    public const int MaxUriLength = 512;
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    // One deadline source and one timer per connection, re-armed for each wait: a timer and a linked source per wait
    // cost more than the rest of a request's handling. The timer is the device clock's, so tests run on simulated time.
    private readonly Lock _lock = new();
    private CancellationTokenSource _deadline = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed);
    private ITimer? _timer;
    private bool _armed;

    public async Task<HeadResult> ReadHeadAsync()
    {
        // Idle keep-alive: wait for the first byte of the next request without the receive timeout.
        try
        {
            var first = await input.ReadAsync(Arm(idleTimeout)).ConfigureAwait(false);
            Disarm();
            input.AdvanceTo(first.Buffer.Start); // nothing consumed: the loop below sees these bytes again
            if (first.Buffer.IsEmpty && first.IsCompleted)
            {
                return HeadResult.End;
            }
        }
        catch (OperationCanceledException)
        {
            return connectionClosed.IsCancellationRequested ? HeadResult.End : HeadResult.Idle;
        }

        var deadline = Arm(receiveTimeout);
        try
        {
            while (true)
            {
                ReadResult read;
                try
                {
                    read = await input.ReadAsync(deadline).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!connectionClosed.IsCancellationRequested)
                {
                    return HeadResult.Error(408);
                }

                var buffer = read.Buffer;
                var reader = new SequenceReader<byte>(buffer);
                if (reader.TryReadTo(out ReadOnlySequence<byte> head, HeadEnd, advancePastDelimiter: true))
                {
                    var result = Parse(head.IsSingleSegment ? head.FirstSpan : head.ToArray());
                    input.AdvanceTo(reader.Position);
                    return result;
                }

                var lineEnd = new SequenceReader<byte>(buffer).TryAdvanceTo((byte)'\n', advancePastDelimiter: false);
                if (!lineEnd && buffer.Length > MaxUriLength + 32)
                {
                    input.AdvanceTo(buffer.End);
                    return HeadResult.Error(414);
                }

                if (buffer.Length > MaxUriLength + 32 + maxHeaderBlock)
                {
                    input.AdvanceTo(buffer.End);
                    return HeadResult.Error(431); // the request line fits (else 414 above): the headers overflow
                }

                if (read.IsCompleted)
                {
                    input.AdvanceTo(buffer.End);
                    return HeadResult.End;
                }

                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            Disarm();
        }
    }

    /// <summary>Reads exactly <paramref name="length"/> body bytes; null if the peer closed or the timeout passed first.</summary>
    public async Task<byte[]?> ReadBodyAsync(int length)
    {
        var body = new byte[length];
        var filled = 0;
        var deadline = Arm(receiveTimeout);
        try
        {
            while (filled < length)
            {
                var read = await input.ReadAsync(deadline).ConfigureAwait(false);
                var take = (int)Math.Min(read.Buffer.Length, length - filled);
                read.Buffer.Slice(0, take).CopyTo(body.AsSpan(filled));
                filled += take;
                input.AdvanceTo(read.Buffer.GetPosition(take));
                if (filled < length && read.IsCompleted)
                {
                    return null;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        finally
        {
            Disarm();
        }

        return body;
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _deadline.Dispose();
    }

    /// <summary>A token cancelled when the connection closes or <paramref name="after"/> has passed from now.</summary>
    private CancellationToken Arm(TimeSpan after)
    {
        lock (_lock)
        {
            _armed = true;
        }

        _timer ??= time.CreateTimer(static state => ((HttpRequestReader)state!).Expire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(after, Timeout.InfiniteTimeSpan);
        return _deadline.Token;
    }

    /// <summary>The deadline passed: cancels the wait it was armed for (a late tick after <see cref="Disarm"/> is ignored).</summary>
    private void Expire()
    {
        CancellationTokenSource deadline;
        lock (_lock)
        {
            if (!_armed)
            {
                return;
            }

            deadline = _deadline;
        }

        try
        {
            deadline.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended meanwhile.
        }
    }

    /// <summary>Stops the running deadline; a source whose deadline fired meanwhile is replaced.</summary>
    private void Disarm()
    {
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        lock (_lock)
        {
            _armed = false;
        }

        if (!_deadline.TryReset())
        {
            _deadline.Dispose();
            _deadline = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed);
        }
    }

    /// <summary>Headers the server acts on; the others are checked for form and counted, not kept.</summary>
    private static readonly string[] KeptHeaders = ["Content-Length", "Transfer-Encoding", "Cookie"];

    private RequestHead? ParseHead(ReadOnlySpan<byte> bytes, out int error)
    {
        error = 0;
        var lineEnd = bytes.IndexOf("\r\n"u8);
        var requestLine = lineEnd < 0 ? bytes : bytes[..lineEnd];
        var rest = lineEnd < 0 ? [] : bytes[(lineEnd + 2)..];
        // "METHOD SP TARGET SP VERSION": exactly two spaces, as string.Split(' ') giving three parts.
        var first = requestLine.IndexOf((byte)' ');
        var second = first < 0 ? -1 : requestLine[(first + 1)..].IndexOf((byte)' ');
        var method = first < 0 ? requestLine : requestLine[..first];
        var target = first < 0 ? [] : second < 0 ? requestLine[(first + 1)..] : requestLine.Slice(first + 1, second);
        var version = second < 0 ? [] : requestLine[(first + second + 2)..];
        if (first < 0 || second < 0 || version.Contains((byte)' ') || method.IsEmpty || target.IsEmpty)
        {
            error = first >= 0 && target.Length > MaxUriLength ? 414 : 400;
            return null;
        }

        if (target.Length > MaxUriLength)
        {
            error = 414;
            return null;
        }

        if (!version.SequenceEqual("HTTP/1.1"u8) && !version.SequenceEqual("HTTP/1.0"u8))
        {
            error = version.StartsWith("HTTP/"u8) ? 505 : 400;
            return null;
        }

        var headerBytes = 0;
        var headers = new List<KeyValuePair<string, string>>(KeptHeaders.Length);
        while (lineEnd >= 0)
        {
            lineEnd = rest.IndexOf("\r\n"u8);
            var line = lineEnd < 0 ? rest : rest[..lineEnd];
            rest = lineEnd < 0 ? [] : rest[(lineEnd + 2)..];
            headerBytes += line.Length + 2;
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                error = 400;
                return null;
            }

            var name = Encoding.Latin1.GetString(line[..colon].Trim(" \t"u8));
            if (IsKept(name))
            {
                headers.Add(new(name, Encoding.Latin1.GetString(line[(colon + 1)..].Trim(" \t"u8))));
            }
        }

        if (headerBytes > maxHeaderBlock)
        {
            error = 431;
            return null;
        }

        return new RequestHead(Encoding.Latin1.GetString(method), Encoding.Latin1.GetString(target), headers);
    }

    private static bool IsKept(string name)
    {
        foreach (var kept in KeptHeaders)
        {
            if (string.Equals(kept, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private HeadResult Parse(ReadOnlySpan<byte> bytes)
    {
        var head = ParseHead(bytes, out var error);
        return head is null ? HeadResult.Error(error) : new HeadResult(head, 0, false);
    }
}
