using EspProv.Exceptions;
using EspProv.Protocol;
using EspProv.Security;
using EspProv.Security.Primitives;
using EspProv.Tests.Support;
using EspProv.Tests.Vectors;
using Google.Protobuf;

namespace EspProv.Tests.Security;

/// <summary>Client-side security 2 rules: a/A generation, patch/nonce cross-check, handshake validation.</summary>
public sealed class Sec2ClientTests
{
    // Found by search (a = SHA-256("short-A-63") with the top bit set, checked with an independent Python computation):
    // g^a mod N needs only 383 bytes, so the client must draw again.
    private const string ShortAPrivateKey = "94ff6c3de058b65d8fc8757971f73c3da6abc15b297789f235e648286b5d5b43";

    private static readonly VectorFile Patch1 = VectorFile.Load("idf_sec2.json");
    private static readonly VectorFile Patch0 = VectorFile.Load("idf_sec2_patch0.json");

    private static ISecuritySession VectorSession(VectorFile v, int patchVersion, string? password = null) =>
        new Security2(v.String("username"), password ?? v.String("password"), patchVersion,
            new FixedRandomSource(v.Hex("client_private_a_hex"))).CreateSession();

    private static byte[] Message(VectorFile v, int index) => VectorFile.Hex(v.SessionMessages[index], "hex");

    [Fact]
    public void CreateFirstRequest_RedrawsPrivateKey_WhenPublicKeyIsShorterThan384Bytes()
    {
        var shortA = Convert.FromHexString(ShortAPrivateKey);
        Assert.Equal(383, Srp6a.MinimalLength(Srp6a.PublicEphemeral(Srp6a.ToInteger(shortA))));

        var random = new FixedRandomSource(shortA, Patch1.Hex("client_private_a_hex"));
        using var session = new Security2(Patch1.String("username"), Patch1.String("password"), 1, random).CreateSession();
        Assert.Equal(Message(Patch1, 0), session.CreateFirstRequest());
        Assert.Equal(0, random.Remaining);
    }

    [Fact]
    public void CreateFirstRequest_SetsTopBitOfPrivateKey()
    {
        var a = Patch1.Hex("client_private_a_hex");
        Assert.Equal(0x80, a[0] & 0x80);
        a[0] &= 0x7f;
        using var session = new Security2(Patch1.String("username"), Patch1.String("password"), 1, new FixedRandomSource(a)).CreateSession();
        Assert.Equal(Message(Patch1, 0), session.CreateFirstRequest());
    }

    [Fact]
    public void CreateFirstRequest_SendsUsernameAnd384BytePublicKey()
    {
        using var session = new Security2("wifiprov", "abcd1234").CreateSession();
        var request = SessionData.Parser.ParseFrom(session.CreateFirstRequest());
        Assert.Equal(SecSchemeVersion.SecScheme2, request.SecVer);
        Assert.Equal(Sec2MsgType.S2SessionCommand0, request.Sec2.Msg);
        Assert.Equal("wifiprov"u8.ToArray(), request.Sec2.Sc0.ClientUsername.ToByteArray());
        Assert.Equal(384, request.Sec2.Sc0.ClientPubkey.Length);
        Assert.NotEqual(0, request.Sec2.Sc0.ClientPubkey[0]);
        Assert.Throws<InvalidOperationException>(() => session.CreateFirstRequest());
    }

    [Fact]
    public void Patch1Client_FailsWithIncompatibleDevice_OnPatch0Nonce()
    {
        // The patch 0 vector has the same handshake up to Response1, which carries a 16-byte IV.
        using var session = VectorSession(Patch0, patchVersion: 1);
        session.CreateFirstRequest();
        session.HandleResponse(Message(Patch0, 1));
        var ex = Assert.Throws<SessionFailedException>(() => session.HandleResponse(Message(Patch0, 3)));
        Assert.Equal(SessionFailureReason.IncompatibleDevice, ex.Reason);
        Assert.Equal(EspProv.Security.HandshakeStage.Command1, ex.HandshakeStage);
        Assert.Contains("the device advertises sec_patch_ver 1 but sent a 16-byte nonce", ex.Message, StringComparison.Ordinal);
        Assert.False(session.IsEstablished);
        Assert.Throws<InvalidOperationException>(() => session.Encrypt([1, 2, 3]));
    }

    [Fact]
    public void Patch0Client_FailsWithIncompatibleDevice_OnPatch1Nonce()
    {
        using var session = VectorSession(Patch1, patchVersion: 0);
        session.CreateFirstRequest();
        session.HandleResponse(Message(Patch1, 1));
        var ex = Assert.Throws<SessionFailedException>(() => session.HandleResponse(Message(Patch1, 3)));
        Assert.Equal(SessionFailureReason.IncompatibleDevice, ex.Reason);
        Assert.Contains("the device advertises sec_patch_ver 0 but sent a 12-byte nonce", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_FailsWithProtocolError_OnNonceOfAnotherLength()
    {
        using var session = VectorSession(Patch1, patchVersion: 1);
        session.CreateFirstRequest();
        session.HandleResponse(Message(Patch1, 1));
        var response1 = SessionData.Parser.ParseFrom(Message(Patch1, 3));
        response1.Sec2.Sr1.DeviceNonce = ByteString.CopyFrom(new byte[13]);
        var ex = Assert.Throws<SessionFailedException>(() => session.HandleResponse(response1.ToByteArray()));
        Assert.Equal(SessionFailureReason.ProtocolError, ex.Reason);
    }

    [Fact]
    public void Client_RejectsNonceWhoseCounterIsZero()
    {
        using var session = VectorSession(Patch1, patchVersion: 1);
        session.CreateFirstRequest();
        session.HandleResponse(Message(Patch1, 1));
        var response1 = SessionData.Parser.ParseFrom(Message(Patch1, 3));
        var nonce = response1.Sec2.Sr1.DeviceNonce.ToByteArray();
        nonce[^1] = 0;
        response1.Sec2.Sr1.DeviceNonce = ByteString.CopyFrom(nonce);
        var ex = Assert.Throws<SessionFailedException>(() => session.HandleResponse(response1.ToByteArray()));
        Assert.Equal(SessionFailureReason.ProtocolError, ex.Reason);
    }

    [Fact]
    public void Client_RejectsDevicePublicKeyThatIsZeroModN()
    {
        using var session = VectorSession(Patch1, patchVersion: 1);
        session.CreateFirstRequest();
        var response0 = SessionData.Parser.ParseFrom(Message(Patch1, 1));
        response0.Sec2.Sr0.DevicePubkey = ByteString.CopyFrom(Srp6aGroup.NBytes);
        var ex = Assert.Throws<SessionFailedException>(() => session.HandleResponse(response0.ToByteArray()));
        Assert.Equal(SessionFailureReason.ProtocolError, ex.Reason);
        Assert.Equal(EspProv.Security.HandshakeStage.Command0, ex.HandshakeStage);
        Assert.Contains("0 mod N", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_RejectsNonSuccessStatus_AndOtherSchemes()
    {
        using (var session = VectorSession(Patch1, 1))
        {
            session.CreateFirstRequest();
            var response0 = SessionData.Parser.ParseFrom(Message(Patch1, 1));
            response0.Sec2.Sr0.Status = Status.InvalidArgument;
            var ex = Assert.Throws<SessionFailedException>(() => session.HandleResponse(response0.ToByteArray()));
            Assert.Equal(SessionFailureReason.ProtocolError, ex.Reason);
        }

        using (var session = VectorSession(Patch1, 1))
        {
            session.CreateFirstRequest();
            var sec1 = new SessionData { SecVer = SecSchemeVersion.SecScheme1, Sec1 = new Sec1Payload { Msg = Sec1MsgType.SessionResponse0 } };
            var ex = Assert.Throws<SessionFailedException>(() => session.HandleResponse(sec1.ToByteArray()));
            Assert.Equal(SessionFailureReason.ProtocolError, ex.Reason);
            Assert.Equal(SecurityScheme.Sec1, ex.DeviceScheme);
            Assert.DoesNotContain("--", ex.Message, StringComparison.Ordinal);
        }

        using (var session = VectorSession(Patch1, 1))
        {
            session.CreateFirstRequest();
            // Response1 where Response0 is expected.
            var ex = Assert.Throws<SessionFailedException>(() => session.HandleResponse(Message(Patch1, 3)));
            Assert.Equal(SessionFailureReason.ProtocolError, ex.Reason);
        }
    }

    [Fact]
    public void CredentialHint_OnlyWhileAwaitingResponse1()
    {
        using var session = VectorSession(Patch1, 1);
        Assert.Equal(EspProv.Security.HandshakeStage.Command0, session.Stage);
        Assert.Null(session.CredentialHint);
        session.CreateFirstRequest();
        Assert.Null(session.CredentialHint);
        session.HandleResponse(Message(Patch1, 1));
        Assert.Equal(EspProv.Security.HandshakeStage.Command1, session.Stage);
        Assert.Equal("wrong username or password?", session.CredentialHint);
        Assert.Null(session.HandleResponse(Message(Patch1, 3)));
        Assert.True(session.IsEstablished);
        Assert.Null(session.CredentialHint);
    }

    [Fact]
    public void ToString_DoesNotRevealThePassword()
    {
        var security = new Security2("wifiprov", "s3cret-Pa55");
        Assert.DoesNotContain("s3cret-Pa55", security.ToString(), StringComparison.Ordinal);
        using var session = security.CreateSession();
        Assert.DoesNotContain("s3cret-Pa55", session.ToString()!, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ValidatesArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Security2("u", "p", patchVersion: 2));
        Assert.Throws<ArgumentException>(() => new Security2("", "p"));
        Assert.Throws<ArgumentNullException>(() => new Security2("u", null!));
        Assert.Equal(SecurityScheme.Sec2, new Security2("u", "p").Scheme);
    }
}
