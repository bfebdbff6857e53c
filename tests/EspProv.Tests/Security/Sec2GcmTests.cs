using System.Security.Cryptography;
using EspProv.Device.Security;
using EspProv.Security;
using EspProv.Security.Primitives;
using EspProv.Tests.Support;
using EspProv.Tests.Vectors;

namespace EspProv.Tests.Security;

/// <summary>AES-256-GCM of security 2: counter discipline (patch 1), static IV (patch 0), tag failures.</summary>
public sealed class Sec2GcmTests
{
    private static readonly byte[] Key = Convert.FromHexString("c5ebfdf5c758269b4ad1e88114f8ff24b922760991f013aaf0a489b513fab3d1");
    private static readonly byte[] SessionId = Convert.FromHexString("a0a1a2a3a4a5a6a7");

    private static byte[] CounterNonce(uint counter)
    {
        var nonce = new byte[12];
        SessionId.CopyTo(nonce, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(8), counter);
        return nonce;
    }

    private static byte[] ReferenceEncrypt(byte[] nonce, byte[] plaintext)
    {
        using var gcm = new AesGcm(Key, 16);
        var output = new byte[plaintext.Length + 16];
        gcm.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length));
        return output;
    }

    [Fact]
    public void Patch1_EveryOperationUsesTheNextCounter()
    {
        using var cipher = GcmSessionCipher.CreateCounter(Key, CounterNonce(1), advanceOnFailedDecrypt: false);
        byte[] request = [1, 2, 3];
        Assert.Equal(ReferenceEncrypt(CounterNonce(1), request), cipher.Encrypt(request));
        Assert.Equal(2u, cipher.Counter);
        byte[] response = [4, 5];
        Assert.True(cipher.TryDecrypt(ReferenceEncrypt(CounterNonce(2), response), out var plain));
        Assert.Equal(response, plain);
        Assert.Equal(3u, cipher.Counter);
        Assert.Equal(ReferenceEncrypt(CounterNonce(3), request), cipher.Encrypt(request));
        Assert.Equal(4u, cipher.Counter);
    }

    /// <summary>
    /// The GCM specification's test case 15 (AES-256, 96-bit IV whose last word is the counter 0xdecaf888), on the
    /// platform's AesGcm and on BouncyCastle's GCM (the browser's path), and each path decrypts the other's output.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Patch1_GcmSpecTestCase15_KnownAnswer(bool platformAes)
    {
        var key = Convert.FromHexString("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
        var nonce = Convert.FromHexString("cafebabefacedbaddecaf888");
        var plain = Convert.FromHexString(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255");
        using var cipher = GcmSessionCipher.CreateCounter(key, nonce, advanceOnFailedDecrypt: false, platformAes);
        var body = cipher.Encrypt(plain);
        Assert.Equal(
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"
            + "b094dac5d93471bdec1a502270e3cc6c",
            Convert.ToHexStringLower(body));
        Assert.Equal(0xdecaf889u, cipher.Counter);

        using var other = GcmSessionCipher.CreateCounter(key, nonce, advanceOnFailedDecrypt: false, !platformAes);
        Assert.True(other.TryDecrypt(body, out var back));
        Assert.Equal(plain, back);
        body[^1] ^= 1;
        using var third = GcmSessionCipher.CreateCounter(key, nonce, advanceOnFailedDecrypt: false, !platformAes);
        Assert.False(third.TryDecrypt(body, out _));
    }

    [Fact]
    public void Patch1_RefusesToOperateOnceTheCounterWrapsToZero()
    {
        using var cipher = GcmSessionCipher.CreateCounter(Key, CounterNonce(uint.MaxValue), advanceOnFailedDecrypt: false);
        Assert.True(cipher.CanOperate);
        Assert.Equal(ReferenceEncrypt(CounterNonce(uint.MaxValue), [9]), cipher.Encrypt([9]));
        Assert.Equal(0u, cipher.Counter);
        Assert.False(cipher.CanOperate);
        Assert.Throws<InvalidOperationException>(() => cipher.Encrypt([9]));
        Assert.Throws<InvalidOperationException>(() => cipher.TryDecrypt(ReferenceEncrypt(CounterNonce(0), [9]), out _));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Patch1_FailedDecryption_AdvancesOnlyWhenAsked(bool advance)
    {
        using var cipher = GcmSessionCipher.CreateCounter(Key, CounterNonce(1), advance);
        var body = ReferenceEncrypt(CounterNonce(1), [7, 7, 7]);
        body[^1] ^= 0x80;
        Assert.False(cipher.TryDecrypt(body, out var plain));
        Assert.Null(plain);
        Assert.Equal(advance ? 2u : 1u, cipher.Counter);
        Assert.False(cipher.TryDecrypt(new byte[15], out _));
    }

    [Fact]
    public void Patch0_UsesTheSameIvForEveryMessage_WithGhashDerivedJ0()
    {
        var v = VectorFile.Load("idf_sec2_patch0.json");
        using var cipher = GcmSessionCipher.CreateStaticIv(v.Hex("srp_K_hex").AsSpan(0, 32), v.Hex("device_iv_hex"));
        var first = v.ApplicationMessages[0];
        var fourth = v.ApplicationMessages[3];

        // Same plaintext, same key, same IV → same body: messages 1 and 4 are both get-status.
        Assert.Equal(VectorFile.Hex(first, "request_ciphertext_hex"), cipher.Encrypt(VectorFile.Hex(first, "request_plaintext_hex")));
        Assert.Equal(VectorFile.Hex(fourth, "request_ciphertext_hex"), cipher.Encrypt(VectorFile.Hex(fourth, "request_plaintext_hex")));
        Assert.Equal(VectorFile.Hex(first, "request_ciphertext_hex"), VectorFile.Hex(fourth, "request_ciphertext_hex"));
        Assert.Null(cipher.Counter);

        var tampered = VectorFile.Hex(first, "response_ciphertext_hex");
        tampered[0] ^= 0x01;
        Assert.False(cipher.TryDecrypt(tampered, out _));
        Assert.True(cipher.TryDecrypt(VectorFile.Hex(first, "response_ciphertext_hex"), out var plain));
        Assert.Equal(VectorFile.Hex(first, "response_plaintext_hex"), plain);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void TamperedResponse_ClientTryDecryptReturnsFalse(int patch)
    {
        var v = VectorFile.Load(patch == 1 ? "idf_sec2.json" : "idf_sec2_patch0.json");
        using var session = new Security2(v.String("username"), v.String("password"), patch,
            new FixedRandomSource(v.Hex("client_private_a_hex"))).CreateSession();
        session.CreateFirstRequest();
        session.HandleResponse(VectorFile.Hex(v.SessionMessages[1], "hex"));
        session.HandleResponse(VectorFile.Hex(v.SessionMessages[3], "hex"));
        var m = v.ApplicationMessages[0];
        session.Encrypt(VectorFile.Hex(m, "request_plaintext_hex"));
        var response = VectorFile.Hex(m, "response_ciphertext_hex");
        response[^3] ^= 0x10; // in the tag
        Assert.False(session.TryDecrypt(response, out var plain));
        Assert.Null(plain);
        response[^3] ^= 0x10;
        response[0] ^= 0x10; // in the ciphertext
        Assert.False(session.TryDecrypt(response, out _));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void TamperedRequest_DeviceTryDecryptReturnsFalse_AndPatch1CounterDoesNotMove(int patch)
    {
        var v = VectorFile.Load(patch == 1 ? "idf_sec2.json" : "idf_sec2_patch0.json");
        var nonceRandom = patch == 1 ? v.Hex("device_nonce_session_id_hex") : v.Hex("device_iv_hex");
        using var session = new DeviceSecurity2(v.String("username"), v.Hex("salt_hex"), v.Hex("verifier_hex"), patch,
            new FixedRandomSource(v.Hex("device_private_b_hex"), nonceRandom)).CreateSession();
        session.HandleSessionRequest(VectorFile.Hex(v.SessionMessages[0], "hex"));
        Assert.NotNull(session.HandleSessionRequest(VectorFile.Hex(v.SessionMessages[2], "hex")));

        var first = v.ApplicationMessages[0];
        var request = VectorFile.Hex(first, "request_ciphertext_hex");
        request[1] ^= 0x04;
        Assert.False(session.TryDecrypt(request, out _));
        Assert.False(session.TryDecrypt(request.AsSpan(0, 10), out _));

        // The failures consumed nothing: the genuine first request still decrypts (patch 1: with counter 1).
        Assert.True(session.TryDecrypt(VectorFile.Hex(first, "request_ciphertext_hex"), out var plain));
        Assert.Equal(VectorFile.Hex(first, "request_plaintext_hex"), plain);
        Assert.Equal(VectorFile.Hex(first, "response_ciphertext_hex"), session.Encrypt(VectorFile.Hex(first, "response_plaintext_hex")));
    }

    [Fact]
    public void ArgumentsAreValidated()
    {
        Assert.Throws<ArgumentException>(() => GcmSessionCipher.CreateCounter(Key, new byte[16], false));
        Assert.Throws<ArgumentException>(() => GcmSessionCipher.CreateStaticIv(Key, new byte[12]));
        Assert.Throws<ArgumentException>(() => GcmSessionCipher.CreateStaticIv(new byte[16], new byte[16]));
        Assert.Equal(12, GcmSessionCipher.NonceLength(1));
        Assert.Equal(16, GcmSessionCipher.NonceLength(0));
        var cipher = GcmSessionCipher.CreateCounter(Key, CounterNonce(1), false);
        cipher.Dispose();
        Assert.Throws<ObjectDisposedException>(() => cipher.Encrypt([1]));
    }
}
