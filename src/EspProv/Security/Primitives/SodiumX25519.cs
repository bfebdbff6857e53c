using System.Security.Cryptography;

namespace EspProv.Security.Primitives;

/// <summary>
/// X25519 on libsodium (<c>crypto_scalarmult</c>, through Geralt's span API), used where its native library loads.
/// Under a fleet's load BouncyCastle's X25519 took a third of the CPU; libsodium does the same work in about half the
/// time (docs/benchmarks.md, "X25519 on libsodium").
/// </summary>
internal static class SodiumX25519
{
    private static readonly Lazy<bool> Available = new(Probe);

    /// <summary>
    /// True when libsodium loaded and reproduced RFC 7748's known answer. False on a platform the libsodium package has
    /// no binary for, or where the native library was left out: X25519 then runs on BouncyCastle.
    /// </summary>
    public static bool IsAvailable => Available.Value;

    public static void PublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey) =>
        Geralt.X25519.ComputePublicKey(publicKey, privateKey);

    /// <summary>False (and a zeroed secret) for a low-order peer key: libsodium refuses those and any all-zero result.</summary>
    public static bool TryAgree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        try
        {
            Geralt.X25519.ComputeSharedSecret(sharedSecret, privateKey, peerPublicKey);
            return true;
        }
        catch (CryptographicException)
        {
            sharedSecret.Clear();
            return false;
        }
    }

    private static bool Probe()
    {
        // RFC 7748 §6.1: Alice's private key and the public key it must give.
        ReadOnlySpan<byte> alicePrivate = [0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1, 0x72, 0x51, 0xb2, 0x66, 0x45, 0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0, 0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9, 0x2c, 0x2a];
        ReadOnlySpan<byte> alicePublic = [0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b, 0x7d, 0xdc, 0xb4, 0x3e, 0xf7, 0x5a, 0x0d, 0xbf, 0x3a, 0x0d, 0x26, 0x38, 0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b, 0x4e, 0x6a];
        try
        {
            Span<byte> computed = stackalloc byte[32];
            PublicKey(alicePrivate, computed);
            return computed.SequenceEqual(alicePublic);
        }
        catch (Exception ex) when (IsLoadFailure(ex))
        {
            return false;
        }
    }

    /// <summary>What a missing, foreign or broken native library throws (Geralt reports a failed load as PlatformNotSupportedException).</summary>
    internal static bool IsLoadFailure(Exception exception) => exception is PlatformNotSupportedException or DllNotFoundException
        or EntryPointNotFoundException or BadImageFormatException or TypeInitializationException or CryptographicException;
}
