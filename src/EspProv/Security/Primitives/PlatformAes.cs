namespace EspProv.Security.Primitives;

/// <summary>
/// Whether the platform has AES (<see cref="System.Security.Cryptography.Aes"/>, <see cref="System.Security.Cryptography.AesGcm"/>):
/// everywhere .NET runs except browser WebAssembly, whose runtime has SHA, HMAC and randomness but throws
/// <see cref="PlatformNotSupportedException"/> for AES. There the ciphers run on BouncyCastle's managed AES
/// (docs/design.md, "Crypto back-ends").
/// </summary>
internal static class PlatformAes
{
    public static bool IsAvailable => !OperatingSystem.IsBrowser();
}
