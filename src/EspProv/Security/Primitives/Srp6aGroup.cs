using System.Numerics;
using System.Security.Cryptography;

namespace EspProv.Security.Primitives;

/// <summary>
/// The SRP-6a parameters of security 2 (docs/protocol.md#srp-group): RFC 5054 3072-bit group (384-byte N), g = 5, H =
/// SHA-512 (64-byte digests), k = H(N ‖ PAD(g)) and H(N) XOR H(PAD(g)), both with g padded to 384 bytes as esp_srp
/// does.
/// </summary>
internal static class Srp6aGroup
{
    /// <summary>Bytes of N, and of every padded value (<c>PAD(x)</c>).</summary>
    public const int Length = 384;

    /// <summary>SHA-512 digest size.</summary>
    public const int HashLength = 64;

    private const string PrimeHex =
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
        "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
        "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
        "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
        "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
        "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
        "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
        "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

    private static readonly byte[] PrimeBytes = Convert.FromHexString(PrimeHex);

    /// <summary>The prime N.</summary>
    public static BigInteger N { get; } = Srp6a.ToInteger(PrimeBytes);

    /// <summary>The generator g = 5.</summary>
    public static BigInteger G { get; } = new(5);

    /// <summary>The multiplier k = H(N ‖ PAD(g)).</summary>
    public static BigInteger K { get; } = ComputeK();

    /// <summary>H(N) XOR H(PAD(g)), the first item hashed into the client proof M.</summary>
    public static ReadOnlySpan<byte> HashNXorHashG => HashNXorHashGBytes;

    private static readonly byte[] HashNXorHashGBytes = ComputeHashNXorHashG();

    /// <summary>N as 384 big-endian bytes.</summary>
    public static ReadOnlySpan<byte> NBytes => PrimeBytes;

    private static BigInteger ComputeK()
    {
        var buffer = new byte[2 * Length];
        PrimeBytes.CopyTo(buffer, 0);
        Srp6a.Pad(G, buffer.AsSpan(Length));
        return Srp6a.ToInteger(Sha512.Hash(buffer));
    }

    private static byte[] ComputeHashNXorHashG()
    {
        var hashN = Sha512.Hash(PrimeBytes);
        var hashG = Sha512.Hash(Srp6a.Pad(G));
        for (var i = 0; i < hashN.Length; i++)
        {
            hashN[i] ^= hashG[i];
        }

        return hashN;
    }
}
