namespace EspProv.Security.Primitives;

/// <summary>The implementations X25519 can run on (docs/design.md, "Crypto back-ends").</summary>
internal enum X25519Engine
{
    /// <summary>libsodium through Geralt: the platform back-end's engine wherever its native library loads (about twice as fast).</summary>
    Libsodium,

    /// <summary>BouncyCastle's managed implementation: the managed back-ends' engine, and the platform back-end's where libsodium does not load.</summary>
    BouncyCastle,
}

/// <summary>
/// X25519 (RFC 7748): 32-byte little-endian private scalars (clamped when used) and u-coordinates, as security 1
/// puts them on the wire (docs/protocol.md#security-1). Both engines are constant-time and give the same bytes for
/// every input.
/// </summary>
internal static class X25519
{
    public const int KeySize = 32;

    /// <summary>
    /// The engine of this async flow's back-end: BouncyCastle where the back-end keeps off native libraries (the CLI's
    /// managed engines; libsodium is then not even loaded), else libsodium when it loads and passes its known-answer check.
    /// </summary>
    public static X25519Engine CurrentEngine => EngineFor(CryptoBackends.AvoidsPlatformLibrary, static () => SodiumX25519.IsAvailable);

    /// <summary>The engine choice, with its two inputs explicit (tests); <paramref name="libsodiumAvailable"/> is asked only when it matters.</summary>
    public static X25519Engine EngineFor(bool avoidsPlatformLibrary, Func<bool> libsodiumAvailable) =>
        !avoidsPlatformLibrary && libsodiumAvailable() ? X25519Engine.Libsodium : X25519Engine.BouncyCastle;

    public static byte[] PublicKey(ReadOnlySpan<byte> privateKey) => PublicKey(privateKey, CurrentEngine);

    public static byte[] PublicKey(ReadOnlySpan<byte> privateKey, X25519Engine engine)
    {
        CheckSize(privateKey);
        var pub = new byte[KeySize];
        if (engine == X25519Engine.Libsodium)
        {
            SodiumX25519.PublicKey(privateKey, pub);
        }
        else
        {
            Org.BouncyCastle.Math.EC.Rfc7748.X25519.ScalarMultBase(privateKey, pub);
        }

        return pub;
    }

    /// <summary>Computes the shared secret; false if the peer key is a low-order point (all-zero result).</summary>
    public static bool TryAgree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, out byte[] sharedSecret) =>
        TryAgree(privateKey, peerPublicKey, CurrentEngine, out sharedSecret);

    /// <inheritdoc cref="TryAgree(ReadOnlySpan{byte}, ReadOnlySpan{byte}, out byte[])"/>
    public static bool TryAgree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, X25519Engine engine, out byte[] sharedSecret)
    {
        CheckSize(privateKey);
        sharedSecret = new byte[KeySize];
        if (peerPublicKey.Length != KeySize)
        {
            return false;
        }

        return engine == X25519Engine.Libsodium
            ? SodiumX25519.TryAgree(privateKey, peerPublicKey, sharedSecret)
            : Org.BouncyCastle.Math.EC.Rfc7748.X25519.CalculateAgreement(privateKey, peerPublicKey, sharedSecret);
    }

    private static void CheckSize(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != KeySize)
        {
            throw new ArgumentException($"X25519 private key must be {KeySize} bytes", nameof(privateKey));
        }
    }
}
