using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using EspProv.Device.Security;
using EspProv.Security;

namespace EspProv.Bench.Micro;

/// <summary>
/// Message encryption on an established session: one request/reply round trip of <see cref="Size"/>-byte messages
/// (client encrypt → device decrypt → device encrypt → client decrypt), reported per operation. The floors are the
/// raw ciphers on the same bytes into preallocated buffers: AES-256 block encryption of Size bytes of counter blocks
/// (the keystream of security 1's CTR: the platform's AES-ECB) and the BCL's AES-256-GCM (security 2 patch 1 uses it directly).
/// </summary>
[MemoryDiagnoser]
public class MessageCipherBenchmarks
{
    private const int OpsPerRoundTrip = 4;
    private byte[] _message = [];
    private byte[] _ciphertext = [];
    private byte[] _tag = new byte[16];
    private readonly byte[] _nonce = new byte[12];
    private AesGcm _aesGcm = null!;
    private ISecuritySession _client = null!;
    private IDeviceSecuritySession _device = null!;

    [Params(64, 1024)]
    public int Size { get; set; }

    [Params("sec1", "sec2p1", "sec2p0")]
    public string Scheme { get; set; } = "sec1";

    private Aes _aes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _message = new byte[Size];
        RandomNumberGenerator.Fill(_message);
        _ciphertext = new byte[Size];
        _tag = new byte[16];
        _aesGcm = new AesGcm(new byte[32], 16);
        _aes = Aes.Create();
        _aes.Key = new byte[32];
        var patch = Scheme == "sec2p0" ? 0 : 1;
        var replay = Create(Scheme, patch);
        (_client, _device) = replay.Establish();
    }

    internal static HandshakeReplay Create(string scheme, int patch) => scheme switch
    {
        "sec1" => new HandshakeReplay(() => new Security1("abcd1234", new RepeatingRandom(10)), new DeviceSecurity1("abcd1234", new RepeatingRandom(20))),
        _ => new HandshakeReplay(
            () => new Security2("wifiprov", "abcd1234", patch, new RepeatingRandom(10)),
            DeviceSecurity2.FromPassword("wifiprov", "abcd1234", new byte[16], patch, new RepeatingRandom(20))),
    };

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _device.Dispose();
        _aesGcm.Dispose();
        _aes.Dispose();
    }

    [Benchmark(Description = "AES-256 blocks, CTR keystream (floor)")]
    public byte[] AesFloor()
    {
        _aes.EncryptEcb(_message, _ciphertext, PaddingMode.None);
        return _ciphertext;
    }

    [Benchmark(Description = "AES-256-GCM encrypt (floor)")]
    public byte[] GcmFloor()
    {
        _aesGcm.Encrypt(_nonce, _message, _ciphertext, _tag);
        return _ciphertext;
    }

    [Benchmark(Description = "session encrypt/decrypt, per op", OperationsPerInvoke = OpsPerRoundTrip)]
    public byte[] RoundTrip()
    {
        var request = _client.Encrypt(_message);
        if (!_device.TryDecrypt(request, out var plain))
        {
            throw new InvalidOperationException("device decrypt failed");
        }

        var reply = _device.Encrypt(plain);
        if (!_client.TryDecrypt(reply, out var back))
        {
            throw new InvalidOperationException("client decrypt failed");
        }

        return back;
    }
}
