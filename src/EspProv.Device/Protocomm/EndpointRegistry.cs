using System.Diagnostics.CodeAnalysis;

namespace EspProv.Device.Protocomm;

/// <summary>How protocomm treats an endpoint's body.</summary>
internal enum EndpointKind
{
    /// <summary><c>proto-ver</c>: plaintext, answered without looking at the session.</summary>
    Version,

    /// <summary><c>prov-session</c>: the handshake, passed to the security session.</summary>
    Session,

    /// <summary>Application endpoint: decrypted before and encrypted after the handler.</summary>
    Encrypted,
}

/// <summary>An endpoint handler: the (decrypted) request in, the (plaintext) response out, null on failure.</summary>
internal delegate byte[]? EndpointHandler(byte[] request);

/// <summary>One registered endpoint.</summary>
internal sealed record EndpointRegistration(string Name, EndpointKind Kind, EndpointHandler Handler);

/// <summary>The endpoints of one device, by exact (case-sensitive) name, as protocomm keeps them.</summary>
internal sealed class EndpointRegistry
{
    private readonly Dictionary<string, EndpointRegistration> _endpoints = new(StringComparer.Ordinal);

    public IEnumerable<string> Names => _endpoints.Keys;

    public void Add(string name, EndpointKind kind, EndpointHandler handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_endpoints.TryAdd(name, new EndpointRegistration(name, kind, handler)))
        {
            throw new InvalidOperationException($"endpoint '{name}' is already registered");
        }
    }

    public bool TryGet(string name, [NotNullWhen(true)] out EndpointRegistration? registration) =>
        _endpoints.TryGetValue(name, out registration);
}
