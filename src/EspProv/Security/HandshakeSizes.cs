using EspProv.Protocol;
using EspProv.Security.Primitives;
using Google.Protobuf;

namespace EspProv.Security;

/// <summary>
/// The smallest first handshake message (<c>Command0</c>) of each scheme, measured on the real message with the
/// shortest fields: a transport that cannot carry it can never run the scheme, whatever the PoP or username.
/// </summary>
internal static class HandshakeSizes
{
    private static readonly int Sec0 = Security0.Instance.CreateSession().CreateFirstRequest().Length;

    // An X25519 public key is always 32 bytes.
    private static readonly int Sec1 = new SessionData
    {
        SecVer = SecSchemeVersion.SecScheme1,
        Sec1 = new Sec1Payload { Msg = Sec1MsgType.SessionCommand0, Sc0 = new SessionCmd0 { ClientPubkey = ByteString.CopyFrom(new byte[32]) } },
    }.CalculateSize();

    // The SRP-6a public key A is always 384 bytes (3072-bit group); the username is at least empty.
    private static readonly int Sec2 = new SessionData
    {
        SecVer = SecSchemeVersion.SecScheme2,
        Sec2 = new Sec2Payload
        {
            Msg = Sec2MsgType.S2SessionCommand0,
            Sc0 = new S2SessionCmd0 { ClientUsername = ByteString.Empty, ClientPubkey = ByteString.CopyFrom(new byte[Srp6aGroup.Length]) },
        },
    }.CalculateSize();

    /// <summary>The fewest bytes <paramref name="scheme"/>'s first handshake request can have.</summary>
    public static int SmallestFirstRequest(SecurityScheme scheme) => scheme switch
    {
        SecurityScheme.Sec0 => Sec0,
        SecurityScheme.Sec1 => Sec1,
        _ => Sec2,
    };
}
