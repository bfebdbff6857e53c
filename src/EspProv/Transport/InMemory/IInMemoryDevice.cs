namespace EspProv.Transport.InMemory;

/// <summary>
/// The device end of in-memory links: something that answers protocomm requests without sockets, such as
/// EspProv.Device's simulated device (<c>SimulatedDevice.InMemory</c>). <see cref="InMemoryTransport"/> is the client end.
/// </summary>
public interface IInMemoryDevice
{
    /// <summary>Opens a new link, or returns null when the device accepts none (it has stopped).</summary>
    IInMemoryLink? OpenLink();
}

/// <summary>One link to an in-memory device. The device may close it at any time (a dropped link).</summary>
public interface IInMemoryLink : IDisposable
{
    /// <summary>False once either end closed the link.</summary>
    bool IsOpen { get; }

    /// <summary>Carries one request to <paramref name="endpoint"/> and returns what the device did with it.</summary>
    Task<InMemoryReply> ExchangeAsync(string endpoint, ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default);
}

/// <summary>What an in-memory device did with a request.</summary>
public enum InMemoryReplyKind
{
    /// <summary>It answered with <see cref="InMemoryReply.Body"/>.</summary>
    Answered,

    /// <summary>It ended the exchange without a response (its answer to every protocol error); the link may be closed too.</summary>
    NoResponse,

    /// <summary>It has no such endpoint.</summary>
    EndpointNotFound,

    /// <summary>It refused the request with an error of its own (an injected fault).</summary>
    Rejected,

    /// <summary>The link closed while the request was in progress.</summary>
    LinkLost,
}

/// <summary>An in-memory device's answer.</summary>
/// <param name="Kind">What it did.</param>
/// <param name="Body">The response with <see cref="InMemoryReplyKind.Answered"/>, else null.</param>
public readonly record struct InMemoryReply(InMemoryReplyKind Kind, byte[]? Body);
