using System.Net.Http;

namespace EspProv.Transport.Http;

/// <summary>Reads a response body under the transport's size limit, without buffering more than the limit.</summary>
internal static class ResponseBody
{
    /// <summary>The whole body; <see cref="EspProv.Exceptions.TransportFailure.ResponseTooLarge"/> beyond <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]> ReadAsync(string endpoint, HttpContent content, int limit, CancellationToken cancellationToken)
    {
        var declared = content.Headers.ContentLength;
        if (declared > limit)
        {
            throw HttpFailures.TooLarge(endpoint, declared, limit);
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (declared is { } length)
            {
                var exact = new byte[length];
                await stream.ReadExactlyAsync(exact, cancellationToken).ConfigureAwait(false);
                return exact;
            }

            // Chunked, or HTTP/1.0 read to the close: count as it comes.
            var buffer = new byte[Math.Min(limit + 1, 4096)];
            var filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (filled > limit)
                    {
                        throw HttpFailures.TooLarge(endpoint, null, limit);
                    }

                    Array.Resize(ref buffer, (int)Math.Min((long)limit + 1, buffer.Length * 2L));
                }

                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer[..filled];
                }

                filled += read;
            }
        }
    }

    /// <summary>Up to <paramref name="max"/> bytes of an error response, for its message; whatever arrived if reading fails.</summary>
    public static async Task<byte[]> ReadDetailAsync(HttpContent content, int max, CancellationToken cancellationToken)
    {
        var buffer = new byte[max];
        var filled = 0;
        try
        {
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                filled = await stream.ReadAtLeastAsync(buffer, max, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // The status alone says enough.
        }

        return buffer[..filled];
    }
}
