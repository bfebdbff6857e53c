using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

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

/// <summary>
/// The operating system's cryptographically secure generator: <see cref="RandomNumberGenerator"/>. With
/// <see cref="EspProvCrypto.PreferManagedEngines"/> on Linux it reads the kernel CSPRNG (<c>/dev/urandom</c>, the
/// generator behind <c>getrandom(2)</c>) directly instead, falling back to <see cref="RandomNumberGenerator"/> if that
/// device cannot be read.
/// </summary>
/// <remarks>
/// On Linux <see cref="RandomNumberGenerator"/> goes through OpenSSL, whose loading costs a one-shot <c>esp-prov</c>
/// run milliseconds and ~4 MB of resident memory, although OpenSSL itself draws from the same kernel generator.
/// </remarks>
public sealed class SystemRandomSource : IRandomSource
{
    private static readonly Lazy<SafeFileHandle?> KernelSource = new(OpenKernelSource);

    /// <summary>The shared instance (stateless).</summary>
    public static SystemRandomSource Instance { get; } = new();

    private SystemRandomSource()
    {
    }

    /// <inheritdoc />
    public void Fill(Span<byte> destination)
    {
        if (Primitives.CryptoBackends.AvoidsPlatformLibrary && KernelSource.Value is { } handle && TryRead(handle, destination))
        {
            return;
        }

        RandomNumberGenerator.Fill(destination);
    }

    private static bool TryRead(SafeFileHandle handle, Span<byte> destination)
    {
        try
        {
            // Positional reads keep no shared file position, so concurrent sessions may read at once.
            for (var filled = 0; filled < destination.Length;)
            {
                var read = RandomAccess.Read(handle, destination[filled..], fileOffset: 0);
                if (read <= 0)
                {
                    return false;
                }

                filled += read;
            }

            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static SafeFileHandle? OpenKernelSource()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return File.OpenHandle("/dev/urandom", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
