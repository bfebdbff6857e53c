using EspProv.Device.Security;
using EspProv.Exceptions;
using EspProv.Security;
using EspProv.Security.Primitives;
using EspProv.Tests.Support;
using EspProv.Tests.Vectors;

namespace EspProv.Tests.Security;

/// <summary>Espressif's security 2 vectors (patch 1 and patch 0), byte for byte, from both the client and the device side.</summary>
public sealed class Sec2VectorTests
{
    public static TheoryData<string> Files => new() { "idf_sec2.json", "idf_sec2_patch0.json" };

    private static int PatchOf(VectorFile v) => v.Root.GetProperty("sec_patch_ver").GetInt32();

    private static byte[] DeviceNonceRandom(VectorFile v) =>
        PatchOf(v) == 1 ? v.Hex("device_nonce_session_id_hex") : v.Hex("device_iv_hex");

    private static DeviceSecurity2 VectorDevice(VectorFile v) =>
        new(v.String("username"), v.Hex("salt_hex"), v.Hex("verifier_hex"), PatchOf(v),
            new FixedRandomSource(v.Hex("device_private_b_hex"), DeviceNonceRandom(v)));

    [Theory]
    [MemberData(nameof(Files))]
    public void Client_ReproducesVector_SessionAndEveryApplicationMessage(string file)
    {
        var v = VectorFile.Load(file);
        var random = new FixedRandomSource(v.Hex("client_private_a_hex"));
        var security = new Security2(v.String("username"), v.String("password"), PatchOf(v), random);
        using var session = security.CreateSession();
        ClientVectorTests.ReplayClient(v, session);
        Assert.Equal(0, random.Remaining);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Device_ReproducesVector_SessionAndEveryApplicationMessage(string file)
    {
        var v = VectorFile.Load(file);
        using var session = VectorDevice(v).CreateSession();
        var messages = v.SessionMessages;
        for (var i = 0; i < messages.Count; i += 2)
        {
            var response = session.HandleSessionRequest(VectorFile.Hex(messages[i], "hex"));
            Assert.NotNull(response);
            Assert.Equal(VectorFile.Hex(messages[i + 1], "hex"), response);
        }

        Assert.True(session.IsEstablished);
        foreach (var m in v.ApplicationMessages)
        {
            Assert.True(session.TryDecrypt(VectorFile.Hex(m, "request_ciphertext_hex"), out var request));
            Assert.Equal(VectorFile.Hex(m, "request_plaintext_hex"), request);
            Assert.Equal(VectorFile.Hex(m, "response_ciphertext_hex"), session.Encrypt(VectorFile.Hex(m, "response_plaintext_hex")));
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void SrpValues_MatchVector(string file)
    {
        var v = VectorFile.Load(file);
        var salt = v.Hex("salt_hex");
        Assert.Equal(v.Hex("verifier_hex"), Security2Credentials.ComputeVerifier(v.String("username"), v.String("password"), salt));

        var verifier = Srp6a.ToInteger(v.Hex("verifier_hex"));
        var a = Srp6a.ToInteger(v.Hex("client_private_a_hex"));
        var b = Srp6a.ToInteger(v.Hex("device_private_b_hex"));
        var clientPublic = Srp6a.PublicEphemeral(a);
        var devicePublic = Srp6a.ComputeDevicePublic(verifier, b);
        var u = Srp6a.ComputeU(clientPublic, devicePublic);
        var x = Srp6a.ComputeX(v.String("username"), v.String("password"), salt);
        var clientKey = Srp6a.ComputeSessionKey(Srp6a.ComputeClientSecret(devicePublic, x, a, u));
        var deviceKey = Srp6a.ComputeSessionKey(Srp6a.ComputeDeviceSecret(clientPublic, verifier, u, b));
        Assert.Equal(v.Hex("srp_K_hex"), clientKey);
        Assert.Equal(v.Hex("srp_K_hex"), deviceKey);
        Assert.Equal(v.Hex("session_key_hex (first 32 bytes of SRP K)"), clientKey[..32]);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void WrongPassword_ClientProducesVectorsCommand1_AndHintsAtCredentials(string file)
    {
        var v = VectorFile.Load(file);
        var negative = v.Root.GetProperty("negative_wrong_password");
        var messages = negative.GetProperty("messages").EnumerateArray().ToArray();
        var security = new Security2(v.String("username"), negative.GetProperty("client_password").GetString()!, PatchOf(v),
            new FixedRandomSource(v.Hex("client_private_a_hex")));
        using var session = security.CreateSession();
        Assert.Equal(VectorFile.Hex(messages[0], "hex"), session.CreateFirstRequest());
        Assert.Equal(EspProv.Security.HandshakeStage.Command0, session.Stage);
        Assert.Null(session.CredentialHint);
        Assert.Equal(VectorFile.Hex(messages[2], "hex"), session.HandleResponse(VectorFile.Hex(messages[1], "hex")));
        Assert.Equal(EspProv.Security.HandshakeStage.Command1, session.Stage);
        Assert.Equal("wrong username or password?", session.CredentialHint);
        Assert.Equal("device-error", messages[3].GetProperty("name").GetString());
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void WrongPassword_DeviceRejectsVectorsCommand1(string file)
    {
        var v = VectorFile.Load(file);
        var messages = v.Root.GetProperty("negative_wrong_password").GetProperty("messages").EnumerateArray().ToArray();
        using var session = new DeviceSecurity2(v.String("username"), v.Hex("salt_hex"), v.Hex("verifier_hex"), PatchOf(v),
            new FixedRandomSource(v.Hex("device_private_b_hex"))).CreateSession();
        Assert.Equal(VectorFile.Hex(messages[1], "hex"), session.HandleSessionRequest(VectorFile.Hex(messages[0], "hex")));
        Assert.Null(session.HandleSessionRequest(VectorFile.Hex(messages[2], "hex")));
        Assert.False(session.IsEstablished);
        Assert.False(session.TryDecrypt(new byte[20], out _));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Client_RejectsTamperedDeviceProof(string file)
    {
        var v = VectorFile.Load(file);
        var messages = v.SessionMessages;
        var security = new Security2(v.String("username"), v.String("password"), PatchOf(v), new FixedRandomSource(v.Hex("client_private_a_hex")));
        using var session = security.CreateSession();
        session.CreateFirstRequest();
        session.HandleResponse(VectorFile.Hex(messages[1], "hex"));
        var response1 = VectorFile.Hex(messages[3], "hex");
        response1[12] ^= 0x01; // inside device_proof (header: 10 02 62 len 08 03 ba 01 len 12 40, then the proof)
        var ex = Assert.Throws<SessionFailedException>(() => session.HandleResponse(response1));
        Assert.Equal(SessionFailureReason.DeviceNotAuthenticated, ex.Reason);
        Assert.Equal(EspProv.Security.HandshakeStage.Command1, ex.HandshakeStage);
        Assert.False(session.IsEstablished);
    }
}
