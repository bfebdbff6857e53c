namespace EspProv.Security.Primitives;

/// <summary>SHA-512 (FIPS 180-4, 64-byte digests) for security 2's SRP-6a (docs/protocol.md#srp-group), on the platform's hash.</summary>
internal static class Sha512
{
    public const int Size = 64;

    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination) =>
        System.Security.Cryptography.SHA512.HashData(data, destination);

    public static byte[] Hash(ReadOnlySpan<byte> data) => System.Security.Cryptography.SHA512.HashData(data);
}
