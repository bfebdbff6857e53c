using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;

namespace EspProv.Security.Primitives;

/// <summary>Which engines the primitives run on.</summary>
internal enum CryptoBackend
{
    /// <summary>System.Security.Cryptography (OpenSSL on Linux, CNG, CommonCrypto): the library's default.</summary>
    Platform,

    /// <summary>BouncyCastle with its AES-NI engine where the CPU has AES instructions (<see cref="EspProvCrypto.PreferManagedEngines"/> on x64).</summary>
    BouncyCastleAesNi,

    /// <summary>BouncyCastle's portable AES engine, the path a CPU without AES instructions (ARM64) takes; forced only by tests.</summary>
    BouncyCastlePortable,
}

/// <summary>The back-end in effect: a test's override for its async flow, else the process-wide choice.</summary>
internal static class CryptoBackends
{
    private static readonly AsyncLocal<CryptoBackend?> Override = new();

    public static CryptoBackend Current => Override.Value
        ?? (EspProvCrypto.PreferManagedEngines && AesUtilities.IsHardwareAccelerated ? CryptoBackend.BouncyCastleAesNi : CryptoBackend.Platform);

    /// <summary>True when hashing and randomness avoid the platform library (managed SHA-512, <c>/dev/urandom</c>).</summary>
    public static bool AvoidsPlatformLibrary => Override.Value is { } forced ? forced != CryptoBackend.Platform : EspProvCrypto.PreferManagedEngines;

    /// <summary>Runs the primitives created in this async flow on <paramref name="backend"/> until disposed (tests).</summary>
    public static IDisposable Use(CryptoBackend backend)
    {
        var previous = Override.Value;
        Override.Value = backend;
        return new Restore(previous);
    }

    /// <summary>A BouncyCastle AES engine for <paramref name="backend"/> (GCM patch 0 needs one on every back-end).</summary>
    public static IBlockCipher CreateAesEngine(CryptoBackend backend) =>
        backend == CryptoBackend.BouncyCastlePortable ? new AesEngine() : AesUtilities.CreateEngine();

    private sealed class Restore(CryptoBackend? previous) : IDisposable
    {
        public void Dispose() => Override.Value = previous;
    }
}
