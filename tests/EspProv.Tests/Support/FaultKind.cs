namespace EspProv.Tests.Support;

/// <summary>The faults <see cref="FaultProxy"/> injects into one exchange (docs/reliability.md, fault matrix).</summary>
public enum FaultKind
{
    /// <summary>The link drops after the previous exchange and every new connection is refused.</summary>
    Refuse,

    /// <summary>The link drops (FIN) after the previous exchange; reconnecting works (cookie firmware keeps the session).</summary>
    Disconnect,

    /// <summary>The request reaches the device; the connection is then reset (RST) instead of the answer.</summary>
    Reset,

    /// <summary>The request reaches the device; the connection is then closed (FIN) without any answer (firmware's error behaviour).</summary>
    CloseWithoutResponse,

    /// <summary>The request reaches the device; its answer is never delivered and the connection stays open.</summary>
    Stall,

    /// <summary>The answer's headers and half its body arrive, then the connection closes.</summary>
    TruncateBody,

    /// <summary>Half the body arrives, with a Content-Length that matches it (a short but well-framed answer).</summary>
    TruncateReframed,

    /// <summary>Every body byte is XORed with 0x5A (length kept): what a bit-flipping link does to CTR ciphertext.</summary>
    GarbleBody,

    /// <summary>The proxy answers <c>404 Not Found</c> itself (request not forwarded) and closes, as ESP-IDF 5 does.</summary>
    Http4xx,

    /// <summary>The proxy answers <c>500 Internal Server Error</c> itself (request not forwarded) and closes.</summary>
    Http5xx,

    /// <summary>The answer arrives one byte at a time, <see cref="FaultProxy.TrickleDelay"/> apart (completes in time).</summary>
    Trickle,

    /// <summary>The answer arrives one byte at a time, <see cref="FaultProxy.SlowTrickleDelay"/> apart (too slow for the request timeout).</summary>
    SlowTrickle,

    /// <summary>A 200 answer announcing 16 MiB and streaming junk until the client gives up.</summary>
    Oversized,
}

/// <summary>One request the proxy saw, classified into a provisioning step.</summary>
internal sealed record ProxyExchange(int Index, int Connection, string Endpoint, string Step, int RequestBytes, FaultKind? Fault);
