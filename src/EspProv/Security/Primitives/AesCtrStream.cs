using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

namespace EspProv.Security.Primitives;

/// <summary>
/// One AES-256-CTR keystream, byte-granular, as security 1 uses it (docs/protocol.md#security-1-handshake): 32-byte
/// key, the 16-byte initial counter block is the device random, the whole block is one 128-bit big-endian counter (+1
/// per block, wrapping). Every call continues where the last one stopped, mid-block included; encryption and decryption
/// are the same XOR, and both directions share the stream.
/// </summary>
/// <remarks>
/// The block cipher follows <see cref="CryptoBackends.Current"/>: the platform's AES (OpenSSL, CNG, CommonCrypto) by
/// default; BouncyCastle's AES-NI engine when <see cref="EspProvCrypto.PreferManagedEngines"/> is set on a CPU with AES
/// instructions (a security 1 run then never loads OpenSSL on Linux, ~4 MB of resident memory); BouncyCastle's portable
/// engine only when a test forces it.
/// </remarks>
internal sealed class AesCtrStream : IDisposable
{
    public const int KeySize = 32;
    public const int CounterSize = 16;
    private const int BatchBlocks = 16;

    private readonly IBlockCipher? _engine;
    private readonly Aes? _aes;
    private readonly ICryptoTransform? _ecb;
    private readonly byte[] _counter = new byte[CounterSize];
    private readonly byte[] _counterBlocks = new byte[BatchBlocks * 16];
    private readonly byte[] _keystream = new byte[BatchBlocks * 16];
    private int _keystreamPos;
    private int _keystreamLen;

    public AesCtrStream(ReadOnlySpan<byte> key, ReadOnlySpan<byte> initialCounter)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"AES-256 key must be {KeySize} bytes", nameof(key));
        }

        if (initialCounter.Length != CounterSize)
        {
            throw new ArgumentException($"CTR counter block must be {CounterSize} bytes", nameof(initialCounter));
        }

        // One cipher for the stream's life: the key schedule is set up once, not on every refill.
        var backend = CryptoBackends.Current;
        if (backend != CryptoBackend.Platform)
        {
            _engine = CryptoBackends.CreateAesEngine(backend);
            _engine.Init(forEncryption: true, new KeyParameter(key));
        }
        else
        {
            _aes = Aes.Create();
            _aes.Mode = CipherMode.ECB;
            _aes.Padding = PaddingMode.None;
            _aes.SetKey(key);
            _ecb = _aes.CreateEncryptor();
        }

        initialCounter.CopyTo(_counter);
    }

    /// <summary>Bytes of keystream consumed so far.</summary>
    public long Position { get; private set; }

    /// <summary>XORs <paramref name="input"/> with the next keystream bytes into <paramref name="output"/> (same length; may alias).</summary>
    public void Transform(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length < input.Length)
        {
            throw new ArgumentException("output shorter than input", nameof(output));
        }

        var done = 0;
        while (done < input.Length)
        {
            if (_keystreamPos == _keystreamLen)
            {
                Refill(input.Length - done);
            }

            var n = Math.Min(input.Length - done, _keystreamLen - _keystreamPos);
            Xor(input.Slice(done, n), _keystream.AsSpan(_keystreamPos, n), output.Slice(done, n));

            _keystreamPos += n;
            done += n;
        }

        Position += input.Length;
    }

    /// <summary>Returns a new array holding <paramref name="input"/> transformed.</summary>
    public byte[] Transform(ReadOnlySpan<byte> input)
    {
        var output = new byte[input.Length];
        Transform(input, output);
        return output;
    }

    public void Dispose()
    {
        _ecb?.Dispose();
        _aes?.Dispose(); // SymmetricAlgorithm.Dispose zeroes its copy of the key
        // The BouncyCastle engine's round keys have no wipe in its API (see docs/reliability.md §6).

        // Unused keystream would decrypt the session's next bytes: wipe it with the counter state.
        CryptographicOperations.ZeroMemory(_keystream);
        CryptographicOperations.ZeroMemory(_counterBlocks);
        CryptographicOperations.ZeroMemory(_counter);
        _keystreamPos = _keystreamLen = 0;
    }

    /// <summary>output = a XOR b, a vector at a time (same lengths; output may alias a).</summary>
    private static void Xor(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> output)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= a.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                (new Vector<byte>(a[i..]) ^ new Vector<byte>(b[i..])).CopyTo(output[i..]);
            }
        }

        for (; i < a.Length; i++)
        {
            output[i] = (byte)(a[i] ^ b[i]);
        }
    }

    private void Refill(int wanted)
    {
        // Generate only as many blocks as needed (at most a batch), so no keystream is computed far ahead.
        var blocks = Math.Clamp((wanted + 15) / 16, 1, BatchBlocks);
        for (var b = 0; b < blocks; b++)
        {
            _counter.CopyTo(_counterBlocks, b * 16);
            Increment(_counter);
        }

        if (_engine is not null)
        {
            for (var b = 0; b < blocks; b++)
            {
                _engine.ProcessBlock(_counterBlocks.AsSpan(b * 16, 16), _keystream.AsSpan(b * 16, 16));
            }
        }
        else if (_ecb!.TransformBlock(_counterBlocks, 0, blocks * 16, _keystream, 0) != blocks * 16)
        {
            throw new CryptographicException("AES-ECB produced an unexpected output length");
        }

        _keystreamPos = 0;
        _keystreamLen = blocks * 16;
    }

    private static void Increment(byte[] counter)
    {
        // 128-bit big-endian increment, wrapping mod 2^128.
        var low = BinaryPrimitives.ReadUInt64BigEndian(counter.AsSpan(8)) + 1;
        BinaryPrimitives.WriteUInt64BigEndian(counter.AsSpan(8), low);
        if (low == 0)
        {
            var high = BinaryPrimitives.ReadUInt64BigEndian(counter) + 1;
            BinaryPrimitives.WriteUInt64BigEndian(counter, high);
        }
    }
}
