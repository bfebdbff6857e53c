using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace EspProv.Security.Primitives;

/// <summary>
/// AES-CMAC (NIST SP 800-38B, RFC 4493) with a 16-byte tag, on BouncyCastle: the platform has no CMAC. Thread's PSKc
/// is PBKDF2 over AES-CMAC-PRF-128 (RFC 4615), whose PRF is this MAC.
/// </summary>
internal static class AesCmac
{
    public const int TagSize = 16;

    /// <summary>The CMAC of <paramref name="message"/> under a 16-, 24- or 32-byte AES <paramref name="key"/>.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message)
    {
        var mac = CreateKeyed(key);
        mac.BlockUpdate(message);
        var tag = new byte[TagSize];
        mac.DoFinal(tag);
        return tag;
    }

    /// <summary>A CMAC keyed once, for callers that run many MACs under one key (PBKDF2's iterations).</summary>
    public static CMac CreateKeyed(ReadOnlySpan<byte> key)
    {
        if (key.Length is not (16 or 24 or 32))
        {
            throw new ArgumentException("an AES key is 16, 24 or 32 bytes", nameof(key));
        }

        var mac = new CMac(Org.BouncyCastle.Crypto.AesUtilities.CreateEngine());
        mac.Init(new KeyParameter(key.ToArray()));
        return mac;
    }
}
