using EspProv.Security;

namespace EspProv.Bench.Micro;

/// <summary>
/// Deterministic randomness for replaying handshakes: every <see cref="Fill"/> call of a given length returns the same
/// bytes (a SHA-256 stream of the seed), so a recorded transcript stays valid on every iteration.
/// </summary>
internal sealed class RepeatingRandom(byte seed) : IRandomSource
{
    public void Fill(Span<byte> destination)
    {
        Span<byte> block = stackalloc byte[32];
        Span<byte> input = [seed, 0];
        for (var offset = 0; offset < destination.Length; offset += 32)
        {
            System.Security.Cryptography.SHA256.HashData(input, block);
            block[..Math.Min(32, destination.Length - offset)].CopyTo(destination[offset..]);
            input[1]++;
        }
    }
}
