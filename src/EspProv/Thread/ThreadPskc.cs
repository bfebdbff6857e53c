using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using EspProv.Security.Primitives;

namespace EspProv.Thread;

/// <summary>
/// PSKc derivation (docs/netprov.md#pskc): PBKDF2 with AES-CMAC-PRF-128 (RFC 4615) as the PRF, 16,384 iterations,
/// salt "Thread" + extended PAN ID + network name, one 16-byte block. AES-CMAC is the library's one CMAC (Security/Primitives/AesCmac, on BouncyCastle: .NET has none).
/// </summary>
internal static class ThreadPskc
{
    public const int Iterations = 16384;
    private const int BlockSize = 16;

    public static byte[] Derive(string passphrase, string networkName, ReadOnlySpan<byte> extendedPanId)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        ArgumentNullException.ThrowIfNull(networkName);
        var password = Encoding.UTF8.GetBytes(passphrase);
        var name = Encoding.UTF8.GetBytes(networkName);
        var salt = new byte[6 + extendedPanId.Length + name.Length + 4];
        try
        {
            "Thread"u8.CopyTo(salt);
            extendedPanId.CopyTo(salt.AsSpan(6));
            name.CopyTo(salt.AsSpan(6 + extendedPanId.Length));
            BinaryPrimitives.WriteInt32BigEndian(salt.AsSpan(salt.Length - 4), 1); // block index 1

            var key = PrfKey(password);
            var mac = AesCmac.CreateKeyed(key);
            CryptographicOperations.ZeroMemory(key);
            var u = new byte[BlockSize];
            var result = new byte[BlockSize];
            mac.BlockUpdate(salt, 0, salt.Length);
            mac.DoFinal(u, 0);
            u.CopyTo(result, 0);
            for (var i = 1; i < Iterations; i++)
            {
                mac.BlockUpdate(u, 0, BlockSize);
                mac.DoFinal(u, 0);
                for (var j = 0; j < BlockSize; j++)
                {
                    result[j] ^= u[j];
                }
            }

            CryptographicOperations.ZeroMemory(u);
            return result;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(password);
        }
    }

    // RFC 4615 §3: a 16-byte key is used as it is; any other length is first reduced with AES-CMAC under a zero key.
    private static byte[] PrfKey(byte[] password)
    {
        if (password.Length == BlockSize)
        {
            return (byte[])password.Clone();
        }

        return AesCmac.Compute(new byte[BlockSize], password);
    }
}
