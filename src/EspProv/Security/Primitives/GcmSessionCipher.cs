using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace EspProv.Security.Primitives;

/// <summary>
/// The AES-256-GCM message cipher of security 2 (docs/protocol.md#security-2-encryption): 32-byte key (the first half
/// of the SRP key K), no AAD, body = ciphertext ‖ 16-byte tag. Two nonce variants behind one type:
/// <list type="bullet">
/// <item>patch 1: a 12-byte nonce = 8-byte session id ‖ big-endian uint32 counter (1 at the start); every GCM
/// operation, encryption or decryption, uses the current nonce and then increments the counter. A counter of 0
/// (after wrapping) is refused, like the device does. The platform's <see cref="AesGcm"/>, or BouncyCastle's GCM on the chosen back-end's engine (<see cref="CryptoBackends"/>).</item>
/// <item>patch 0: a 16-byte IV used unchanged for every message in both directions; GCM derives J0 from it by GHASH
/// (NIST SP 800-38D), which <see cref="AesGcm"/> cannot do, so BouncyCastle's <see cref="GcmBlockCipher"/> runs it.</item>
/// </list>
/// </summary>
internal sealed class GcmSessionCipher : IDisposable
{
    public const int KeySize = 32;
    public const int TagSize = 16;
    public const int CounterNonceSize = 12;
    public const int SessionIdSize = 8;
    public const int StaticIvSize = 16;

    private readonly byte[] _key;
    private readonly byte[] _nonce;
    private readonly AesGcm? _aesGcm;
    private readonly CryptoBackend _backend;
    private readonly bool _counterMode;
    private readonly bool _advanceOnFailedDecrypt;
    private bool _disposed;

    private GcmSessionCipher(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, bool counterMode, bool advanceOnFailedDecrypt)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"the AES-256-GCM key must be {KeySize} bytes", nameof(key));
        }

        _key = key.ToArray();
        _nonce = nonce.ToArray();
        _advanceOnFailedDecrypt = advanceOnFailedDecrypt;
        _counterMode = counterMode;

        // Patch 1 runs on the platform's AesGcm unless a BouncyCastle back-end is chosen (CryptoBackends); patch 0
        // always on BouncyCastle's GCM (AesGcm takes no 16-byte IV), over the back-end's AES engine.
        _backend = CryptoBackends.Current;
        if (counterMode && _backend == CryptoBackend.Platform)
        {
            _aesGcm = new AesGcm(_key, TagSize);
        }
    }

    /// <summary>The nonce length a patch version uses: 12 (patch 1) or 16 (patch 0).</summary>
    public static int NonceLength(int patchVersion) => patchVersion switch
    {
        0 => StaticIvSize,
        1 => CounterNonceSize,
        _ => throw new ArgumentOutOfRangeException(nameof(patchVersion), patchVersion, "security 2 has patch versions 0 and 1"),
    };

    /// <summary>
    /// Patch 1: 12-byte nonce whose last 4 bytes are the big-endian counter. <paramref name="advanceOnFailedDecrypt"/>
    /// decides whether a decryption that fails authentication still consumes its counter value (the device: no).
    /// </summary>
    public static GcmSessionCipher CreateCounter(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, bool advanceOnFailedDecrypt)
    {
        if (nonce.Length != CounterNonceSize)
        {
            throw new ArgumentException($"the patch 1 nonce must be {CounterNonceSize} bytes", nameof(nonce));
        }

        return new GcmSessionCipher(key, nonce, counterMode: true, advanceOnFailedDecrypt);
    }

    /// <summary>Patch 0: one 16-byte IV for every message.</summary>
    public static GcmSessionCipher CreateStaticIv(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        if (iv.Length != StaticIvSize)
        {
            throw new ArgumentException($"the patch 0 IV must be {StaticIvSize} bytes", nameof(iv));
        }

        return new GcmSessionCipher(key, iv, counterMode: false, advanceOnFailedDecrypt: false);
    }

    /// <summary>True for the patch 1 counter variant.</summary>
    public bool IsCounterMode => _counterMode;

    /// <summary>Patch 1: the counter the next operation will use (0 = exhausted). Patch 0: always null.</summary>
    public uint? Counter => IsCounterMode ? BinaryPrimitives.ReadUInt32BigEndian(_nonce.AsSpan(SessionIdSize)) : null;

    /// <summary>False once the patch 1 counter has wrapped to 0: no further operation is allowed.</summary>
    public bool CanOperate => !_disposed && Counter != 0;

    /// <summary>Encrypts one message: ciphertext ‖ tag.</summary>
    public byte[] Encrypt(ReadOnlySpan<byte> plaintext)
    {
        EnsureUsable();
        var output = new byte[plaintext.Length + TagSize];
        if (_aesGcm is not null)
        {
            _aesGcm.Encrypt(_nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length));
            Advance();
        }
        else
        {
            var cipher = CreateBouncyCastle(forEncryption: true);
            var written = cipher.ProcessBytes(plaintext, output);
            written += cipher.DoFinal(output.AsSpan(written));
            if (written != output.Length)
            {
                throw new CryptographicException("GCM produced an unexpected output length");
            }

            if (_counterMode)
            {
                Advance();
            }
        }

        return output;
    }

    /// <summary>Decrypts ciphertext ‖ tag; false if it is shorter than a tag or fails authentication.</summary>
    public bool TryDecrypt(ReadOnlySpan<byte> body, [NotNullWhen(true)] out byte[]? plaintext)
    {
        EnsureUsable();
        plaintext = null;
        if (body.Length < TagSize)
        {
            return false;
        }

        var length = body.Length - TagSize;
        var output = new byte[length];
        if (_aesGcm is not null)
        {
            try
            {
                _aesGcm.Decrypt(_nonce, body[..length], body[length..], output);
            }
            catch (AuthenticationTagMismatchException)
            {
                CryptographicOperations.ZeroMemory(output);
                if (_advanceOnFailedDecrypt)
                {
                    Advance();
                }

                return false;
            }

            Advance();
        }
        else
        {
            var cipher = CreateBouncyCastle(forEncryption: false);
            var buffer = new byte[cipher.GetOutputSize(body.Length)];
            try
            {
                var written = cipher.ProcessBytes(body, buffer);
                written += cipher.DoFinal(buffer.AsSpan(written));
                if (written != length)
                {
                    throw new InvalidCipherTextException("unexpected plaintext length");
                }
            }
            catch (InvalidCipherTextException)
            {
                CryptographicOperations.ZeroMemory(buffer);
                if (_counterMode && _advanceOnFailedDecrypt)
                {
                    Advance();
                }

                return false;
            }

            buffer.AsSpan(0, length).CopyTo(output);
            CryptographicOperations.ZeroMemory(buffer);
            if (_counterMode)
            {
                Advance();
            }
        }

        plaintext = output;
        return true;
    }

    private GcmBlockCipher CreateBouncyCastle(bool forEncryption)
    {
        // A fresh instance per message: patch 0 deliberately reuses its IV, which a long-lived GcmBlockCipher would
        // refuse for encryption; patch 1 changes the nonce on every operation.
        // The back-end's engine: AES-NI where chosen and available, the portable table engine only when a test forces it.
        var cipher = new GcmBlockCipher(CryptoBackends.CreateAesEngine(_backend));
        cipher.Init(forEncryption, new AeadParameters(new KeyParameter(_key), TagSize * 8, _nonce));
        return cipher;
    }

    private void EnsureUsable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!CanOperate)
        {
            throw new InvalidOperationException("the GCM nonce counter is exhausted; a new session is needed");
        }
    }

    private void Advance()
    {
        var counter = _nonce.AsSpan(SessionIdSize);
        BinaryPrimitives.WriteUInt32BigEndian(counter, unchecked(BinaryPrimitives.ReadUInt32BigEndian(counter) + 1));
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _aesGcm?.Dispose();
        CryptographicOperations.ZeroMemory(_key);
        CryptographicOperations.ZeroMemory(_nonce);
    }

    public override string ToString() => IsCounterMode ? $"AES-256-GCM (patch 1, counter {Counter})" : "AES-256-GCM (patch 0, static IV)";
}
