using BenchmarkDotNet.Attributes;
using EspProv.Device.Security;
using EspProv.Security;

namespace EspProv.Bench.Micro;

/// <summary>
/// Security 2 handshakes (SRP-6a, 3072-bit group): the client side and the device side of Command0 → Response0 →
/// Command1 → Response1, each replaying a transcript recorded with pinned randomness, so one iteration is exactly one
/// side's work. Compare with <see cref="CryptoFloorBenchmarks"/>' one modular exponentiation: the client needs g^a,
/// g^x and a (256 + 512·2)-bit exponentiation; the device g^b, v^u and one 256-bit exponentiation.
/// </summary>
[MemoryDiagnoser]
public class Sec2HandshakeBenchmarks
{
    private readonly HandshakeReplay _replay = new(
        () => new Security2("wifiprov", "abcd1234", 1, new RepeatingRandom(10)),
        DeviceSecurity2.FromPassword("wifiprov", "abcd1234", new byte[16], 1, new RepeatingRandom(20)));

    private System.Numerics.BigInteger _base;
    private System.Numerics.BigInteger _exponent;

    [GlobalSetup]
    public void Setup()
    {
        _replay.Record();
        var exponent = new byte[32];
        new RepeatingRandom(3).Fill(exponent);
        exponent[0] |= 0x80;
        _exponent = EspProv.Security.Primitives.Srp6a.ToInteger(exponent);
        _base = EspProv.Security.Primitives.Srp6a.PublicEphemeral(_exponent);
    }

    [Benchmark(Description = "ModPow 3072-bit, 256-bit exponent (floor)")]
    public System.Numerics.BigInteger Floor() =>
        System.Numerics.BigInteger.ModPow(_base, _exponent, EspProv.Security.Primitives.Srp6aGroup.N);

    [Benchmark(Description = "sec2 client handshake")]
    public void Client() => _replay.RunClient();

    [Benchmark(Description = "sec2 device handshake")]
    public void Device() => _replay.RunDevice();
}

/// <summary>Records one handshake, then replays either side of it against the recorded messages of the other.</summary>
internal sealed class HandshakeReplay(Func<ISecurity> client, IDeviceSecurity device)
{
    private readonly List<byte[]> _requests = [];
    private readonly List<byte[]> _responses = [];

    public void Record()
    {
        using var c = client().CreateSession();
        using var d = device.CreateSession();
        var request = c.CreateFirstRequest();
        while (request is not null)
        {
            var response = d.HandleSessionRequest(request) ?? throw new InvalidOperationException("the device rejected the recorded handshake");
            _requests.Add(request);
            _responses.Add(response);
            request = c.HandleResponse(response);
        }

        if (!c.IsEstablished || !d.IsEstablished)
        {
            throw new InvalidOperationException("the recorded handshake did not complete");
        }

        RunClient();
        RunDevice();
    }

    /// <summary>Creates established client and device sessions (for message benchmarks).</summary>
    public (ISecuritySession Client, IDeviceSecuritySession Device) Establish()
    {
        var c = client().CreateSession();
        var d = device.CreateSession();
        var request = c.CreateFirstRequest();
        while (request is not null)
        {
            request = c.HandleResponse(d.HandleSessionRequest(request)!);
        }

        return (c, d);
    }

    public void RunClient()
    {
        using var session = client().CreateSession();
        var request = session.CreateFirstRequest();
        for (var i = 0; request is not null; i++)
        {
            request = session.HandleResponse(_responses[i]);
        }

        if (!session.IsEstablished)
        {
            throw new InvalidOperationException("replayed client handshake failed");
        }
    }

    public void RunDevice()
    {
        using var session = device.CreateSession();
        foreach (var request in _requests)
        {
            _ = session.HandleSessionRequest(request) ?? throw new InvalidOperationException("replayed device handshake failed");
        }
    }
}
