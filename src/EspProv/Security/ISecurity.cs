using System.Diagnostics.CodeAnalysis;

namespace EspProv.Security;

/// <summary>The protocomm security schemes (docs/protocol.md#security-0, #security-1, #security-2).</summary>
public enum SecurityScheme
{
    /// <summary>Security 0: no encryption, no authentication.</summary>
    Sec0 = 0,

    /// <summary>Security 1: X25519 key exchange, optional proof of possession, AES-256-CTR.</summary>
    Sec1 = 1,

    /// <summary>Security 2: SRP-6a (3072-bit, SHA-512) with username and password, AES-256-GCM.</summary>
    Sec2 = 2,
}

/// <summary>
/// A configured security scheme (with its PoP or password): a factory of sessions. The provisioning flow asks it
/// for a fresh <see cref="ISecuritySession"/> each time it (re)establishes a session.
/// </summary>
public interface ISecurity
{
    /// <summary>The scheme.</summary>
    SecurityScheme Scheme { get; }

    /// <summary>Creates a session in its initial state.</summary>
    ISecuritySession CreateSession();
}

/// <summary>
/// One security session: the handshake as an explicit state machine (each step a pure method, no I/O), then
/// the cipher for application messages. The flow drives it over <c>prov-session</c>.
/// </summary>
public interface ISecuritySession : IDisposable
{
    /// <summary>The scheme.</summary>
    SecurityScheme Scheme { get; }

    /// <summary>The name (docs/protocol.md#session-messages) of the handshake message to be sent next, or that was last
    /// sent (<c>Command0</c>, <c>Command1</c>).</summary>
    HandshakeStage Stage { get; }

    /// <summary>True once the handshake completed and <see cref="Encrypt"/>/<see cref="TryDecrypt"/> may be used.</summary>
    bool IsEstablished { get; }

    /// <summary>
    /// Set when a device closing the connection at <see cref="Stage"/> most likely means the device rejected our
    /// credentials, with the hint to show (e.g. "wrong proof of possession?"); null otherwise.
    /// </summary>
    string? CredentialHint { get; }

    /// <summary>Builds the first handshake request (<c>Command0</c>).</summary>
    byte[] CreateFirstRequest();

    /// <summary>
    /// Processes a handshake response and returns the next request, or null when the session is established.
    /// Throws <see cref="Exceptions.SessionFailedException"/> if the response is invalid or the device fails verification.
    /// </summary>
    byte[]? HandleResponse(ReadOnlySpan<byte> response);

    /// <summary>Encrypts an application request (continuing the session's cipher state).</summary>
    byte[] Encrypt(ReadOnlySpan<byte> plaintext);

    /// <summary>Decrypts an application response; false if it fails authentication (security 2).</summary>
    bool TryDecrypt(ReadOnlySpan<byte> ciphertext, [NotNullWhen(true)] out byte[]? plaintext);
}
