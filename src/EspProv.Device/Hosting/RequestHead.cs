namespace EspProv.Device.Hosting;

/// <summary>A parsed request line and headers, or the server-level error esp_http_server answers instead.</summary>
internal sealed record RequestHead(string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public string? Header(string name)
    {
        foreach (var header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }

    /// <summary>Declared body length; null when absent or not a number.</summary>
    public long? ContentLength =>
        long.TryParse(Header("Content-Length"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>esp_http_server does not decode chunked bodies: such a request has no usable length.</summary>
    public bool IsChunked => Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true;
}

/// <summary>Result of waiting for the next request on a connection.</summary>
internal readonly record struct HeadResult(RequestHead? Head, int ErrorStatus, bool EndOfConnection, bool IdleTimedOut = false)
{
    public static HeadResult End { get; } = new(null, 0, true);

    /// <summary>No request began within the idle timeout: the device closes the connection on its own.</summary>
    public static HeadResult Idle { get; } = new(null, 0, true, true);

    public static HeadResult Error(int status) => new(null, status, false);
}
