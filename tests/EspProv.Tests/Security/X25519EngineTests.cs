using CsCheck;
using EspProv.Security.Primitives;

namespace EspProv.Tests.Security;

/// <summary>
/// Both X25519 engines (libsodium, BouncyCastle) reproduce RFC 7748's vectors, give the same bytes for any input,
/// refuse the same low-order peer keys, and the engine is chosen as docs/design.md ("Crypto back-ends") says.
/// </summary>
public sealed class X25519EngineTests
{
    public static TheoryData<string> Engines => new() { nameof(X25519Engine.Libsodium), nameof(X25519Engine.BouncyCastle) };

    /// <summary>
    /// Low-order u-coordinates and non-canonical encodings of them (libsodium's blocklist): 0, 1, the two points of
    /// order 8, p − 1, p, p + 1. Every clamped scalar maps them to zero.
    /// </summary>
    public static TheoryData<string, string> LowOrderPoints
    {
        get
        {
            var data = new TheoryData<string, string>();
            string[] points =
            [
                "0000000000000000000000000000000000000000000000000000000000000000",
                "0100000000000000000000000000000000000000000000000000000000000000",
                "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
                "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
                "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            ];
            foreach (var engine in new[] { nameof(X25519Engine.Libsodium), nameof(X25519Engine.BouncyCastle) })
            {
                foreach (var point in points)
                {
                    data.Add(engine, point);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Rfc7748_ScalarMultiplicationVectors(string engineName)
    {
        var engine = Parse(engineName);
        AssertAgreement(engine,
            "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
            "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
        AssertAgreement(engine,
            "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
            "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
            "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Rfc7748_IteratedVector_1And1000Iterations(string engineName)
    {
        var engine = Parse(engineName);
        var k = new byte[32];
        k[0] = 9;
        var u = (byte[])k.Clone();
        for (var i = 1; i <= 1000; i++)
        {
            Assert.True(X25519.TryAgree(k, u, engine, out var result));
            u = k;
            k = result;
            if (i == 1)
            {
                Assert.Equal("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", Convert.ToHexStringLower(k));
            }
        }

        Assert.Equal("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", Convert.ToHexStringLower(k));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Rfc7748_DiffieHellmanVector(string engineName)
    {
        var engine = Parse(engineName);
        var alice = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        var bob = Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        var alicePublic = X25519.PublicKey(alice, engine);
        var bobPublic = X25519.PublicKey(bob, engine);
        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Convert.ToHexStringLower(alicePublic));
        Assert.Equal("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", Convert.ToHexStringLower(bobPublic));
        AssertAgreement(engine, alice, bobPublic, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        AssertAgreement(engine, bob, alicePublic, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    }

    [Theory]
    [MemberData(nameof(LowOrderPoints))]
    public void LowOrderPeerKey_IsRefused_WithAZeroSecret(string engineName, string point)
    {
        var privateKey = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        Assert.False(X25519.TryAgree(privateKey, Convert.FromHexString(point), Parse(engineName), out var shared));
        Assert.All(shared, b => Assert.Equal(0, b));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void WrongSizes_AreRefused(string engineName)
    {
        var engine = Parse(engineName);
        Assert.Throws<ArgumentException>(() => X25519.PublicKey(new byte[31], engine));
        Assert.Throws<ArgumentException>(() => X25519.TryAgree(new byte[33], new byte[32], engine, out _));
        Assert.False(X25519.TryAgree(new byte[32], new byte[31], engine, out _));
    }

    [Fact]
    public void Engines_GiveTheSameBytes_ForAnyKeys()
    {
        // Any private key (clamping is the engines' job) and any 32 bytes as the peer's key, top bit included.
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[32]).Sample((privateKey, peer) =>
        {
            Assert.Equal(X25519.PublicKey(privateKey, X25519Engine.BouncyCastle), X25519.PublicKey(privateKey, X25519Engine.Libsodium));
            var managed = X25519.TryAgree(privateKey, peer, X25519Engine.BouncyCastle, out var managedSecret);
            var native = X25519.TryAgree(privateKey, peer, X25519Engine.Libsodium, out var nativeSecret);
            Assert.Equal(managed, native);
            Assert.Equal(managedSecret, nativeSecret);
        }, iter: 300);
    }

    [Fact]
    public void Engine_FollowsTheBackend_AndFallsBackWithoutLibsodium()
    {
        // The libsodium package ships binaries for every platform these tests run on (linux/osx/win, x64/arm64).
        Assert.True(SodiumX25519.IsAvailable, "libsodium did not load or failed its known-answer check");
        Assert.Equal(X25519Engine.Libsodium, X25519.CurrentEngine);
        foreach (var managed in new[] { CryptoBackend.BouncyCastleAesNi, CryptoBackend.BouncyCastlePortable })
        {
            using (CryptoBackends.Use(managed))
            {
                Assert.Equal(X25519Engine.BouncyCastle, X25519.CurrentEngine);
            }
        }

        Assert.Equal(X25519Engine.Libsodium, X25519.EngineFor(avoidsPlatformLibrary: false, () => true));
        Assert.Equal(X25519Engine.BouncyCastle, X25519.EngineFor(avoidsPlatformLibrary: false, () => false));

        // The managed back-ends never touch libsodium, not even to see whether it loads (the CLI does not ship it).
        Assert.Equal(X25519Engine.BouncyCastle, X25519.EngineFor(avoidsPlatformLibrary: true, () => throw new InvalidOperationException("probed")));
    }

    [Fact]
    public void LoadFailures_MeanNoLibsodium_OtherErrorsDoNot()
    {
        Assert.True(SodiumX25519.IsLoadFailure(new PlatformNotSupportedException("Unable to access the libsodium shared library file.")));
        Assert.True(SodiumX25519.IsLoadFailure(new DllNotFoundException()));
        Assert.True(SodiumX25519.IsLoadFailure(new EntryPointNotFoundException()));
        Assert.True(SodiumX25519.IsLoadFailure(new BadImageFormatException()));
        Assert.False(SodiumX25519.IsLoadFailure(new InvalidOperationException()));
        Assert.False(SodiumX25519.IsLoadFailure(new ArgumentException("bad size")));
    }

    private static X25519Engine Parse(string engine) => Enum.Parse<X25519Engine>(engine);

    private static void AssertAgreement(X25519Engine engine, string scalar, string u, string expected) =>
        AssertAgreement(engine, Convert.FromHexString(scalar), Convert.FromHexString(u), expected);

    private static void AssertAgreement(X25519Engine engine, byte[] scalar, byte[] u, string expected)
    {
        Assert.True(X25519.TryAgree(scalar, u, engine, out var shared));
        Assert.Equal(expected, Convert.ToHexStringLower(shared));
    }
}
