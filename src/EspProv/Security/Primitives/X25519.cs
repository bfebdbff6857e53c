namespace EspProv.Security.Primitives;

/// <summary>
/// X25519 (RFC 7748): 32-byte little-endian private scalars (clamped when used) and u-coordinates, as security 1
/// puts them on the wire (docs/protocol.md#security-1). BouncyCastle's constant-time ladder: the platform has no X25519
/// (docs/design.md, "Crypto back-ends").
/// </summary>
internal static class X25519
{
    public const int KeySize = 32;

    public static byte[] PublicKey(ReadOnlySpan<byte> privateKey)
    {
        CheckSize(privateKey);
        var pub = new byte[KeySize];
        Org.BouncyCastle.Math.EC.Rfc7748.X25519.ScalarMultBase(privateKey, pub);
        return pub;
    }

    /// <summary>Computes the shared secret; false if the peer key is a low-order point (all-zero result).</summary>
    public static bool TryAgree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, out byte[] sharedSecret)
    {
        CheckSize(privateKey);
        sharedSecret = new byte[KeySize];
        return peerPublicKey.Length == KeySize
            && Org.BouncyCastle.Math.EC.Rfc7748.X25519.CalculateAgreement(privateKey, peerPublicKey, sharedSecret);
    }

    private static void CheckSize(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != KeySize)
        {
            throw new ArgumentException($"X25519 private key must be {KeySize} bytes", nameof(privateKey));
        }
    }
}
