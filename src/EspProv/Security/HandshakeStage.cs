namespace EspProv.Security;

/// <summary>The step of a <c>prov-session</c> handshake a session is at (docs/protocol.md#security-1,
/// #security-2).</summary>
public enum HandshakeStage
{
    /// <summary>The first exchange: the client's public key (and, for security 2, its username) for the device's.</summary>
    Command0,

    /// <summary>The second exchange: the client's proof (PoP-derived verifier or SRP proof) for the device's.</summary>
    Command1,
}
