using System.Security.Cryptography;

namespace EspProv.VirtualBluez;

/// <summary>
/// Seedable, non-cryptographic numbers for radio timing and RSSI jitter only, never for secrets (SplitMix64). Ours rather
/// than the BCL generator, which the device code bans (DeviceHardeningTests) so that no key can come from it.
/// </summary>
internal sealed class RadioRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>Seeded as asked, else from the system's CSPRNG.</summary>
    public static RadioRandom Create(int? seed) =>
        new(seed is { } s ? (ulong)(uint)s : (ulong)RandomNumberGenerator.GetInt32(int.MaxValue));

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, maxExclusive) (the tiny modulo bias is irrelevant for jitter).</summary>
    public int Next(int min, int maxExclusive) => min + (int)(Next64() % (ulong)(maxExclusive - min));

    private ulong Next64()
    {
        var z = _state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
