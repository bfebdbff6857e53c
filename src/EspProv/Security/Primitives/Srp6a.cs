using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;

namespace EspProv.Security.Primitives;

/// <summary>
/// SRP-6a arithmetic of security 2, shared by the client and the simulated device (docs/protocol.md#salt-and-verifier,
/// #security-2-handshake): RFC 5054 3072-bit group, SHA-512, in the byte forms Espressif uses — A hashed as 384 bytes,
/// B as the device sent it (minimal), <c>PAD</c> for u and k, S unpadded in K = H(S), the salt as stored/received, and
/// the inner hash H(I ‖ ":" ‖ P) with its leading zero bytes dropped (esp_prov passes it through an integer). Integers
/// are unsigned big-endian. <see cref="BigInteger"/> values are immutable and cannot be wiped; byte buffers holding
/// secrets are zeroed by the callers.
/// </summary>
internal static class Srp6a
{
    /// <summary>Size of the random private exponents a and b (256 bits).</summary>
    public const int PrivateKeyLength = 32;

    /// <summary>Reads an unsigned big-endian integer.</summary>
    public static BigInteger ToInteger(ReadOnlySpan<byte> bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);

    /// <summary>Minimal unsigned big-endian bytes (zero is one 0x00 byte, like esp_prov's <c>long_to_bytes</c>).</summary>
    public static byte[] ToMinimalBytes(BigInteger value) => value.ToByteArray(isUnsigned: true, isBigEndian: true);

    /// <summary>Number of bytes the minimal big-endian form of a non-negative value needs.</summary>
    public static int MinimalLength(BigInteger value) => value.GetByteCount(isUnsigned: true);

    /// <summary>PAD(x): big-endian bytes left-padded with zeros to 384 bytes.</summary>
    public static byte[] Pad(BigInteger value)
    {
        var buffer = new byte[Srp6aGroup.Length];
        Pad(value, buffer);
        return buffer;
    }

    /// <summary>Writes PAD(x) into a 384-byte destination.</summary>
    public static void Pad(BigInteger value, Span<byte> destination)
    {
        if (destination.Length != Srp6aGroup.Length)
        {
            throw new ArgumentException($"PAD writes {Srp6aGroup.Length} bytes", nameof(destination));
        }

        var length = MinimalLength(value);
        if (value.Sign < 0 || length > Srp6aGroup.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "the value does not fit the group");
        }

        destination[..^length].Clear();
        if (!value.TryWriteBytes(destination[^length..], out _, isUnsigned: true, isBigEndian: true))
        {
            throw new InvalidOperationException("could not write the padded value");
        }
    }

    /// <summary>base^exponent mod N with the base normalised into [0, N) first (<see cref="BigInteger.ModPow"/> keeps the sign of a negative base).</summary>
    public static BigInteger ModPow(BigInteger value, BigInteger exponent) =>
        BigInteger.ModPow(Mod(value), exponent, Srp6aGroup.N);

    /// <summary>value mod N in [0, N).</summary>
    public static BigInteger Mod(BigInteger value)
    {
        var r = BigInteger.Remainder(value, Srp6aGroup.N);
        return r.Sign < 0 ? r + Srp6aGroup.N : r;
    }

    /// <summary>x = int(H(salt ‖ H(I ‖ ":" ‖ P) without its leading zero bytes)), as esp_prov computes it.</summary>
    public static BigInteger ComputeX(ReadOnlySpan<byte> username, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt)
    {
        var identity = new byte[username.Length + 1 + password.Length];
        username.CopyTo(identity);
        identity[username.Length] = (byte)':';
        password.CopyTo(identity.AsSpan(username.Length + 1));

        Span<byte> inner = stackalloc byte[Srp6aGroup.HashLength];
        Sha512.Hash(identity, inner);
        CryptographicOperations.ZeroMemory(identity);

        // esp_prov hashes the inner digest through int → bytes: leading zero bytes vanish (an all-zero digest would be one 0x00).
        var skip = 0;
        while (skip < inner.Length - 1 && inner[skip] == 0)
        {
            skip++;
        }

        var outerInput = new byte[salt.Length + inner.Length - skip];
        salt.CopyTo(outerInput);
        inner[skip..].CopyTo(outerInput.AsSpan(salt.Length));
        CryptographicOperations.ZeroMemory(inner);

        Span<byte> outer = stackalloc byte[Srp6aGroup.HashLength];
        Sha512.Hash(outerInput, outer);
        CryptographicOperations.ZeroMemory(outerInput);
        var x = ToInteger(outer);
        CryptographicOperations.ZeroMemory(outer);
        return x;
    }

    /// <summary>x from strings (UTF-8; esp_prov uses Python's default encoding, identical for ASCII).</summary>
    public static BigInteger ComputeX(string username, string password, ReadOnlySpan<byte> salt)
    {
        var user = Encoding.UTF8.GetBytes(username);
        var pass = Encoding.UTF8.GetBytes(password);
        try
        {
            return ComputeX(user, pass, salt);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pass);
        }
    }

    /// <summary>v = g^x mod N.</summary>
    public static BigInteger ComputeVerifier(BigInteger x) => BigInteger.ModPow(Srp6aGroup.G, x, Srp6aGroup.N);

    /// <summary>A = g^a mod N (client) or g^b mod N.</summary>
    public static BigInteger PublicEphemeral(BigInteger privateExponent) => BigInteger.ModPow(Srp6aGroup.G, privateExponent, Srp6aGroup.N);

    /// <summary>The device's B = (k·v + g^b) mod N.</summary>
    public static BigInteger ComputeDevicePublic(BigInteger verifier, BigInteger b) =>
        Mod((Srp6aGroup.K * verifier) + PublicEphemeral(b));

    /// <summary>u = int(H(PAD(A) ‖ PAD(B))).</summary>
    public static BigInteger ComputeU(BigInteger clientPublic, BigInteger devicePublic)
    {
        var buffer = new byte[2 * Srp6aGroup.Length];
        Pad(clientPublic, buffer.AsSpan(0, Srp6aGroup.Length));
        Pad(devicePublic, buffer.AsSpan(Srp6aGroup.Length));
        return ToInteger(Sha512.Hash(buffer));
    }

    /// <summary>The client's S = (B − k·g^x)^(a + u·x) mod N.</summary>
    public static BigInteger ComputeClientSecret(BigInteger devicePublic, BigInteger x, BigInteger a, BigInteger u) =>
        ModPow(devicePublic - (Srp6aGroup.K * ComputeVerifier(x)), a + (u * x));

    /// <summary>The device's S = (A · v^u)^b mod N.</summary>
    public static BigInteger ComputeDeviceSecret(BigInteger clientPublic, BigInteger verifier, BigInteger u, BigInteger b) =>
        ModPow(clientPublic * BigInteger.ModPow(verifier, u, Srp6aGroup.N), b);

    /// <summary>K = H(bytes(S)), S in minimal form (64 bytes).</summary>
    public static byte[] ComputeSessionKey(BigInteger secret)
    {
        var bytes = ToMinimalBytes(secret);
        var key = Sha512.Hash(bytes);
        CryptographicOperations.ZeroMemory(bytes);
        return key;
    }

    /// <summary>
    /// M = H([H(N) XOR H(PAD(g))] ‖ H(I) ‖ salt ‖ A ‖ B ‖ K), with the byte forms as exchanged: salt as stored/received,
    /// A as the 384 bytes sent, B as the device sent it.
    /// </summary>
    public static byte[] ComputeClientProof(
        ReadOnlySpan<byte> username, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> clientPublic, ReadOnlySpan<byte> devicePublic, ReadOnlySpan<byte> sessionKey)
    {
        var hash = new Sha512Digest();
        hash.BlockUpdate(Srp6aGroup.HashNXorHashG);
        hash.BlockUpdate(Sha512.Hash(username));
        hash.BlockUpdate(salt);
        hash.BlockUpdate(clientPublic);
        hash.BlockUpdate(devicePublic);
        hash.BlockUpdate(sessionKey);
        var proof = new byte[Sha512.Size];
        hash.DoFinal(proof);
        return proof;
    }

    /// <summary>The device's proof H(A ‖ M ‖ K).</summary>
    public static byte[] ComputeDeviceProof(ReadOnlySpan<byte> clientPublic, ReadOnlySpan<byte> clientProof, ReadOnlySpan<byte> sessionKey)
    {
        var hash = new Sha512Digest();
        hash.BlockUpdate(clientPublic);
        hash.BlockUpdate(clientProof);
        hash.BlockUpdate(sessionKey);
        var proof = new byte[Sha512.Size];
        hash.DoFinal(proof);
        return proof;
    }
}
