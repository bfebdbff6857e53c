using Org.BouncyCastle.Crypto.Digests;

namespace EspProv.Security.Primitives;

/// <summary>
/// SHA-512 (FIPS 180-4, 64-byte digests) for security 2's SRP-6a (docs/protocol.md#srp-group): the platform's by
/// default, BouncyCastle's managed one when <see cref="EspProvCrypto.PreferManagedEngines"/> is set, so a security 2
/// run never loads OpenSSL on Linux (~4 MB of resident memory for a handful of small hashes). SHA-512 has no
/// data-dependent branches or table lookups, so the managed one is constant-time too.
/// </summary>
internal static class Sha512
{
    public const int Size = 64;

    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (!CryptoBackends.AvoidsPlatformLibrary)
        {
            System.Security.Cryptography.SHA512.HashData(data, destination);
            return;
        }

        var digest = new Sha512Digest();
        digest.BlockUpdate(data);
        digest.DoFinal(destination);
    }

    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var result = new byte[Size];
        Hash(data, result);
        return result;
    }
}
