using EspProv.Device.Security;
using EspProv.Protocol;
using EspProv.Security;
using EspProv.Security.Primitives;
using EspProv.Tests.Support;
using EspProv.Tests.Vectors;
using Google.Protobuf;

namespace EspProv.Tests.Security;

/// <summary>Device-side security 2 rules (docs/protocol.md#security-2-handshake): sizes, state machine, safety checks;
/// failure = null.</summary>
public sealed class Sec2DeviceTests
{
    private static readonly VectorFile V = VectorFile.Load("idf_sec2.json");

    private static byte[] Message(int index) => VectorFile.Hex(V.SessionMessages[index], "hex");

    private static IDeviceSecuritySession NewSession(params byte[][] random) =>
        new DeviceSecurity2(V.String("username"), V.Hex("salt_hex"), V.Hex("verifier_hex"), 1,
            new FixedRandomSource(random.Length > 0 ? random : [V.Hex("device_private_b_hex"), V.Hex("device_nonce_session_id_hex")]))
            .CreateSession();

    private static byte[] Command0(byte[] username, byte[] publicKey) => new SessionData
    {
        SecVer = SecSchemeVersion.SecScheme2,
        Sec2 = new Sec2Payload
        {
            Msg = Sec2MsgType.S2SessionCommand0,
            Sc0 = new S2SessionCmd0 { ClientUsername = ByteString.CopyFrom(username), ClientPubkey = ByteString.CopyFrom(publicKey) },
        },
    }.ToByteArray();

    private static byte[] Command1(byte[] proof) => new SessionData
    {
        SecVer = SecSchemeVersion.SecScheme2,
        Sec2 = new Sec2Payload { Msg = Sec2MsgType.S2SessionCommand1, Sc1 = new S2SessionCmd1 { ClientProof = ByteString.CopyFrom(proof) } },
    }.ToByteArray();

    private static byte[] VectorClientPublicKey() => SessionData.Parser.ParseFrom(Message(0)).Sec2.Sc0.ClientPubkey.ToByteArray();

    [Fact]
    public void Command0_RejectsPublicKeyNot384Bytes()
    {
        using var session = NewSession();
        var key = VectorClientPublicKey();
        Assert.Null(session.HandleSessionRequest(Command0("wifiprov"u8.ToArray(), key[1..])));
        Assert.Null(session.HandleSessionRequest(Command0("wifiprov"u8.ToArray(), [0, .. key])));
    }

    [Fact]
    public void Command0_RejectsEmptyUsername()
    {
        using var session = NewSession();
        Assert.Null(session.HandleSessionRequest(Command0([], VectorClientPublicKey())));
    }

    [Fact]
    public void Command0_RejectsClientPublicKeyThatIsZeroModN()
    {
        using var zero = NewSession();
        Assert.Null(zero.HandleSessionRequest(Command0("wifiprov"u8.ToArray(), new byte[384])));
        using var n = NewSession();
        Assert.Null(n.HandleSessionRequest(Command0("wifiprov"u8.ToArray(), Srp6aGroup.NBytes.ToArray())));
        Assert.False(n.IsEstablished);
    }

    [Fact]
    public void Command1_BeforeCommand0_Fails()
    {
        using var session = NewSession();
        Assert.Null(session.HandleSessionRequest(Message(2)));
    }

    [Fact]
    public void Command1_RejectsProofNot64Bytes()
    {
        using var session = NewSession();
        Assert.NotNull(session.HandleSessionRequest(Message(0)));
        var proof = SessionData.Parser.ParseFrom(Message(2)).Sec2.Sc1.ClientProof.ToByteArray();
        Assert.Null(session.HandleSessionRequest(Command1(proof[..63])));
        Assert.Null(session.HandleSessionRequest(Command1([.. proof, 0])));
        Assert.False(session.IsEstablished);
    }

    [Fact]
    public void MalformedOrForeignMessages_Fail()
    {
        using var session = NewSession();
        Assert.Null(session.HandleSessionRequest([0xff, 0xff, 0xff]));
        Assert.Null(session.HandleSessionRequest(new SessionData { SecVer = SecSchemeVersion.SecScheme1, Sec1 = new Sec1Payload() }.ToByteArray()));
        Assert.Null(session.HandleSessionRequest(new SessionData { SecVer = SecSchemeVersion.SecScheme2 }.ToByteArray()));
        Assert.Null(session.HandleSessionRequest(new SessionData
        {
            SecVer = SecSchemeVersion.SecScheme2,
            Sec2 = new Sec2Payload { Msg = Sec2MsgType.S2SessionResponse0 },
        }.ToByteArray()));
        // Command0 without its sc0 payload.
        Assert.Null(session.HandleSessionRequest(new SessionData
        {
            SecVer = SecSchemeVersion.SecScheme2,
            Sec2 = new Sec2Payload { Msg = Sec2MsgType.S2SessionCommand0 },
        }.ToByteArray()));
        Assert.False(session.TryDecrypt(new byte[32], out _));
        Assert.Throws<InvalidOperationException>(() => session.Encrypt([1]));
    }

    [Fact]
    public void Command0_InAnotherState_RestartsTheSession()
    {
        var b = V.Hex("device_private_b_hex");
        var id = V.Hex("device_nonce_session_id_hex");
        using var session = NewSession(b, b, id, b, id);

        // Command0 twice: the second one restarts and answers afresh.
        Assert.Equal(Message(1), session.HandleSessionRequest(Message(0)));
        Assert.Equal(Message(1), session.HandleSessionRequest(Message(0)));
        Assert.Equal(Message(3), session.HandleSessionRequest(Message(2)));
        Assert.True(session.IsEstablished);

        // Command0 after DONE: the established session is dropped and a new handshake runs from the start.
        Assert.Equal(Message(1), session.HandleSessionRequest(Message(0)));
        Assert.False(session.IsEstablished);
        Assert.False(session.TryDecrypt(VectorFile.Hex(V.ApplicationMessages[0], "request_ciphertext_hex"), out _));
        Assert.Equal(Message(3), session.HandleSessionRequest(Message(2)));
        Assert.True(session.TryDecrypt(VectorFile.Hex(V.ApplicationMessages[0], "request_ciphertext_hex"), out var plain));
        Assert.Equal(VectorFile.Hex(V.ApplicationMessages[0], "request_plaintext_hex"), plain);
    }

    [Fact]
    public void Command1_Twice_FailsTheSecondTime()
    {
        using var session = NewSession();
        session.HandleSessionRequest(Message(0));
        Assert.NotNull(session.HandleSessionRequest(Message(2)));
        Assert.Null(session.HandleSessionRequest(Message(2)));
    }

    [Fact]
    public void OtherUsername_PassesCommand0_ButFailsAtCommand1()
    {
        var device = DeviceSecurity2.FromPassword("wifiprov", "abcd1234", V.Hex("salt_hex"));
        using var deviceSession = device.CreateSession();
        using var client = new Security2("someone-else", "abcd1234").CreateSession();
        var response0 = deviceSession.HandleSessionRequest(client.CreateFirstRequest());
        Assert.NotNull(response0);
        var command1 = client.HandleResponse(response0);
        Assert.Equal("wrong username or password?", client.CredentialHint);
        Assert.Null(deviceSession.HandleSessionRequest(command1));
        Assert.False(deviceSession.IsEstablished);
    }

    [Fact]
    public void AdvertisedPatchVersion_IsOneForPatch1_AndAbsentForPatch0()
    {
        var patch1 = DeviceSecurity2.FromPassword("u", "p", V.Hex("salt_hex"), patchVersion: 1);
        var patch0 = DeviceSecurity2.FromPassword("u", "p", V.Hex("salt_hex"), patchVersion: 0);
        Assert.Equal(1, patch1.AdvertisedPatchVersion);
        Assert.Null(patch0.AdvertisedPatchVersion);
        Assert.Null(patch1.Capability);
        Assert.Equal(SecurityScheme.Sec2, patch1.Scheme);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceSecurity2("u", V.Hex("salt_hex"), V.Hex("verifier_hex"), patchVersion: 3));
        Assert.Throws<ArgumentException>(() => new DeviceSecurity2("u", Array.Empty<byte>(), V.Hex("verifier_hex")));
        Assert.Throws<ArgumentException>(() => new DeviceSecurity2("u", V.Hex("salt_hex"), new byte[4]));
    }

    [Fact]
    public void Dispose_EndsTheSession()
    {
        var session = NewSession();
        session.HandleSessionRequest(Message(0));
        session.HandleSessionRequest(Message(2));
        Assert.True(session.IsEstablished);
        session.Dispose();
        Assert.False(session.IsEstablished);
        Assert.Throws<ObjectDisposedException>(() => session.Encrypt([1]));
    }
}
