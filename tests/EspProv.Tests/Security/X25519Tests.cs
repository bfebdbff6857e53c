using EspProv.Security.Primitives;

namespace EspProv.Tests.Security;

/// <summary>X25519 reproduces RFC 7748's vectors and refuses low-order peer keys and wrong sizes.</summary>
public sealed class X25519Tests
{
    /// <summary>
    /// Low-order u-coordinates and non-canonical encodings of them: 0, 1, the two points of order 8, p − 1, p, p + 1.
    /// Every clamped scalar maps them to zero.
    /// </summary>
    public static TheoryData<string> LowOrderPoints => new()
    {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    };

    [Fact]
    public void Rfc7748_ScalarMultiplicationVectors()
    {
        AssertAgreement(
            "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
            "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
        AssertAgreement(
            "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
            "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
            "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
    }

    [Fact]
    public void Rfc7748_IteratedVector_1And1000Iterations()
    {
        var k = new byte[32];
        k[0] = 9;
        var u = (byte[])k.Clone();
        for (var i = 1; i <= 1000; i++)
        {
            Assert.True(X25519.TryAgree(k, u, out var result));
            u = k;
            k = result;
            if (i == 1)
            {
                Assert.Equal("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", Convert.ToHexStringLower(k));
            }
        }

        Assert.Equal("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", Convert.ToHexStringLower(k));
    }

    [Fact]
    public void Rfc7748_DiffieHellmanVector()
    {
        var alice = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        var bob = Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        var alicePublic = X25519.PublicKey(alice);
        var bobPublic = X25519.PublicKey(bob);
        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Convert.ToHexStringLower(alicePublic));
        Assert.Equal("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", Convert.ToHexStringLower(bobPublic));
        AssertAgreement(alice, bobPublic, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        AssertAgreement(bob, alicePublic, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    }

    [Theory]
    [MemberData(nameof(LowOrderPoints))]
    public void LowOrderPeerKey_IsRefused_WithAZeroSecret(string point)
    {
        var privateKey = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        Assert.False(X25519.TryAgree(privateKey, Convert.FromHexString(point), out var shared));
        Assert.All(shared, b => Assert.Equal(0, b));
    }

    [Fact]
    public void WrongSizes_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => X25519.PublicKey(new byte[31]));
        Assert.Throws<ArgumentException>(() => X25519.TryAgree(new byte[33], new byte[32], out _));
        Assert.False(X25519.TryAgree(new byte[32], new byte[31], out _));
    }

    private static void AssertAgreement(string scalar, string u, string expected) =>
        AssertAgreement(Convert.FromHexString(scalar), Convert.FromHexString(u), expected);

    private static void AssertAgreement(byte[] scalar, byte[] u, string expected)
    {
        Assert.True(X25519.TryAgree(scalar, u, out var shared));
        Assert.Equal(expected, Convert.ToHexStringLower(shared));
    }
}
