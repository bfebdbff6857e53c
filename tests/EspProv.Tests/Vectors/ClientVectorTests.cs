using EspProv.Security;
using EspProv.Tests.Support;

namespace EspProv.Tests.Vectors;

/// <summary>The client side of Espressif's vectors, byte for byte: session messages and every application message.</summary>
public sealed class ClientVectorTests
{
    public static TheoryData<string> Sec1Files => new() { "idf_sec1_pop.json", "8266_sec1_pop.json" };

    public static TheoryData<string> Sec0Files => new() { "idf_sec0.json", "8266_sec0.json" };

    [Theory]
    [MemberData(nameof(Sec1Files))]
    public void Sec1_ClientReproducesVector(string file)
    {
        var v = VectorFile.Load(file);
        var security = new Security1(v.String("pop"), new FixedRandomSource(v.Hex("client_private_key_hex")));
        using var session = security.CreateSession();
        ReplayClient(v, session);
    }

    [Theory]
    [MemberData(nameof(Sec0Files))]
    public void Sec0_ClientReproducesVector(string file)
    {
        var v = VectorFile.Load(file);
        using var session = Security0.Instance.CreateSession();
        ReplayClient(v, session);
    }

    [Theory]
    [MemberData(nameof(Sec1Files))]
    public void Sec1_KeyDerivationMatchesVector(string file)
    {
        var v = VectorFile.Load(file);
        var key = Security1.DeriveKey(v.Hex("x25519_shared_secret_hex"), System.Text.Encoding.UTF8.GetBytes(v.String("pop")));
        Assert.Equal(v.Hex("aes256_ctr_key_hex"), key);
        Assert.Equal(v.Hex("client_public_key_hex"), EspProv.Security.Primitives.X25519.PublicKey(v.Hex("client_private_key_hex")));
        Assert.True(EspProv.Security.Primitives.X25519.TryAgree(v.Hex("client_private_key_hex"), v.Hex("device_public_key_hex"), out var shared));
        Assert.Equal(v.Hex("x25519_shared_secret_hex"), shared);
    }

    [Theory]
    [MemberData(nameof(Sec1Files))]
    public void Sec1_WrongPop_ProducesVectorsCommand1(string file)
    {
        var v = VectorFile.Load(file);
        var negative = v.Root.GetProperty("negative_wrong_pop");
        var messages = negative.GetProperty("messages").EnumerateArray().ToArray();
        var security = new Security1(negative.GetProperty("client_pop").GetString(), new FixedRandomSource(v.Hex("client_private_key_hex")));
        using var session = security.CreateSession();
        Assert.Equal(VectorFile.Hex(messages[0], "hex"), session.CreateFirstRequest());
        var cmd1 = session.HandleResponse(VectorFile.Hex(messages[1], "hex"));
        Assert.Equal(VectorFile.Hex(messages[2], "hex"), cmd1);
        Assert.Equal("wrong proof of possession?", session.CredentialHint);
    }

    internal static void ReplayClient(VectorFile v, ISecuritySession session)
    {
        var messages = v.SessionMessages;
        Assert.Equal(VectorFile.Hex(messages[0], "hex"), session.CreateFirstRequest());
        for (var i = 1; i < messages.Count; i += 2)
        {
            var next = session.HandleResponse(VectorFile.Hex(messages[i], "hex"));
            if (i + 1 < messages.Count)
            {
                Assert.Equal(VectorFile.Hex(messages[i + 1], "hex"), next);
            }
            else
            {
                Assert.Null(next);
            }
        }

        Assert.True(session.IsEstablished);
        foreach (var m in v.ApplicationMessages)
        {
            Assert.Equal(VectorFile.Hex(m, "request_ciphertext_hex"), session.Encrypt(VectorFile.Hex(m, "request_plaintext_hex")));
            Assert.True(session.TryDecrypt(VectorFile.Hex(m, "response_ciphertext_hex"), out var plain));
            Assert.Equal(VectorFile.Hex(m, "response_plaintext_hex"), plain);
        }
    }
}
