using BenchmarkDotNet.Attributes;
using EspProv.Device.Security;
using EspProv.Security;

namespace EspProv.Bench.Micro;

/// <summary>
/// Security 1 handshakes (X25519 + PoP + AES-256-CTR): the client side and the device side of Command0 → Response0 →
/// Command1 → Response1, each replaying a transcript recorded with pinned randomness. Each side needs one base-point
/// multiplication (its public key) and one variable-base multiplication (the shared secret): the floor is the latter,
/// on BouncyCastle, which the handshakes run on.
/// </summary>
[MemoryDiagnoser]
public class Sec1HandshakeBenchmarks
{
    private readonly HandshakeReplay _replay = new(
        () => new Security1("abcd1234", new RepeatingRandom(10)),
        new DeviceSecurity1("abcd1234", new RepeatingRandom(20)));

    private readonly byte[] _scalar = new byte[32];
    private readonly byte[] _point = new byte[32];
    private readonly byte[] _result = new byte[32];

    [GlobalSetup]
    public void Setup()
    {
        _replay.Record();
        new RepeatingRandom(1).Fill(_scalar);
        Org.BouncyCastle.Math.EC.Rfc7748.X25519.ScalarMultBase(_scalar, 0, _point, 0);
        new RepeatingRandom(2).Fill(_scalar);
    }

    [Benchmark(Description = "X25519 scalar mult (floor)")]
    public byte[] Floor()
    {
        Org.BouncyCastle.Math.EC.Rfc7748.X25519.ScalarMult(_scalar, 0, _point, 0, _result, 0);
        return _result;
    }

    [Benchmark(Description = "sec1 client handshake")]
    public void Client() => _replay.RunClient();

    [Benchmark(Description = "sec1 device handshake")]
    public void Device() => _replay.RunDevice();
}
