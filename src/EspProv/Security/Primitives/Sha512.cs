using Org.BouncyCastle.Crypto.Digests;

namespace EspProv.Security.Primitives;

/// <summary>
/// SHA-512 (FIPS 180-4, 64-byte digests) for security 2's SRP-6a (PROTOCOL.md §7.1), on BouncyCastle's managed
/// implementation: a security 2 run then never loads OpenSSL on Linux (milliseconds and ~4 MB of resident memory for a
/// handful of small hashes). SHA-512 has no data-dependent branches or table lookups, so it is constant-time anyway.
/// </summary>
internal static class Sha512
{
    public const int Size = 64;

    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
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
