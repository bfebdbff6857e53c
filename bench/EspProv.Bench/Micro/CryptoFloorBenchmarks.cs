using System.Numerics;
using BenchmarkDotNet.Attributes;
using EspProv.Security.Primitives;

namespace EspProv.Bench.Micro;

/// <summary>
/// The floors the handshakes cannot go below: one X25519 scalar multiplication (RFC 7748, 32-byte scalar, on
/// BouncyCastle, the library's only X25519) and one modular exponentiation
/// in the 3072-bit SRP group (RFC 5054) with a 256-bit exponent (the size of a and b), with both BigInteger
/// implementations available (.NET's and BouncyCastle's).
/// </summary>
[MemoryDiagnoser]
public class CryptoFloorBenchmarks
{
    private readonly byte[] _scalar = new byte[32];
    private readonly byte[] _point = new byte[32];
    private readonly byte[] _result = new byte[32];
    private BigInteger _base;
    private BigInteger _exponent256;
    private Org.BouncyCastle.Math.BigInteger _bcBase = null!;
    private Org.BouncyCastle.Math.BigInteger _bcExponent256 = null!;
    private Org.BouncyCastle.Math.BigInteger _bcModulus = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new RepeatingRandom(1);
        random.Fill(_scalar);
        Org.BouncyCastle.Math.EC.Rfc7748.X25519.ScalarMultBase(_scalar, 0, _point, 0);
        new RepeatingRandom(2).Fill(_scalar);

        var exponent = new byte[32];
        new RepeatingRandom(3).Fill(exponent);
        exponent[0] |= 0x80;
        _exponent256 = Srp6a.ToInteger(exponent);
        _base = Srp6a.PublicEphemeral(_exponent256); // a full-size group element
        _bcModulus = new Org.BouncyCastle.Math.BigInteger(1, Srp6aGroup.NBytes.ToArray());
        _bcBase = new Org.BouncyCastle.Math.BigInteger(1, Srp6a.Pad(_base));
        _bcExponent256 = new Org.BouncyCastle.Math.BigInteger(1, exponent);
    }

    [Benchmark(Description = "X25519 scalar mult (floor)")]
    public byte[] X25519ScalarMult()
    {
        Org.BouncyCastle.Math.EC.Rfc7748.X25519.ScalarMult(_scalar, 0, _point, 0, _result, 0);
        return _result;
    }

    [Benchmark(Description = "X25519 base-point mult")]
    public byte[] X25519ScalarMultBase()
    {
        Org.BouncyCastle.Math.EC.Rfc7748.X25519.ScalarMultBase(_scalar, 0, _result, 0);
        return _result;
    }

    [Benchmark(Description = "ModPow 3072/256 .NET (floor)")]
    public BigInteger ModPowDotNet() => BigInteger.ModPow(_base, _exponent256, Srp6aGroup.N);

    [Benchmark(Description = "ModPow 3072/256 BouncyCastle")]
    public Org.BouncyCastle.Math.BigInteger ModPowBouncyCastle() => _bcBase.ModPow(_bcExponent256, _bcModulus);
}
