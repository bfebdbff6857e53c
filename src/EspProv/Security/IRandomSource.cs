using System.Security.Cryptography;

namespace EspProv.Security;

/// <summary>
/// Where key material and nonces come from. Injectable so tests can pin ephemeral keys and replay Espressif's
/// vectors byte for byte; production code uses <see cref="SystemRandomSource"/> (the OS CSPRNG).
/// </summary>
public interface IRandomSource
{
    /// <summary>Fills <paramref name="destination"/> with random bytes.</summary>
    void Fill(Span<byte> destination);
}

/// <summary>The operating system's cryptographically secure generator: <see cref="RandomNumberGenerator"/>.</summary>
public sealed class SystemRandomSource : IRandomSource
{
    /// <summary>The shared instance (stateless).</summary>
    public static SystemRandomSource Instance { get; } = new();

    private SystemRandomSource()
    {
    }

    /// <inheritdoc />
    public void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
}
