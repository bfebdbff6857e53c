namespace EspProv.Device;

/// <summary>One HTTP request the device received, and what became of it.</summary>
/// <param name="Connection">The TCP connection's number (1, 2, … in accept order).</param>
/// <param name="Method">The request method.</param>
/// <param name="Target">The request target as sent (path and any query), e.g. <c>/prov-session</c>.</param>
/// <param name="RequestBytes">The body length (declared Content-Length; 0 when absent).</param>
/// <param name="Status">The HTTP status answered, or null when the connection was closed without a response.</param>
/// <param name="ResponseBytes">The response body length.</param>
public sealed record DeviceRequest(long Connection, string Method, string Target, long RequestBytes, int? Status, int ResponseBytes)
{
    /// <summary>True when the device closed the connection without answering.</summary>
    public bool Closed => Status is null;

    /// <summary>The endpoint name: the target without the leading '/' and without any query.</summary>
    public string Endpoint
    {
        get
        {
            var path = Target.StartsWith('/') ? Target[1..] : Target;
            var query = path.IndexOf('?', StringComparison.Ordinal);
            return query >= 0 ? path[..query] : path;
        }
    }

    /// <summary>The log line: <c>POST /prov-session 43 B -> 200 43 B</c> or <c>… -> closed</c>.</summary>
    public override string ToString() =>
        $"{Method} {Target} {RequestBytes} B -> " + (Status is { } s ? $"{s} {ResponseBytes} B" : "closed");
}
