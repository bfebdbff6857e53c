namespace EspProv.Security;

/// <summary>Process-wide choice of the cryptographic engines behind security 1 and 2 (docs/design.md, "Crypto back-ends").</summary>
public static class EspProvCrypto
{
    private static volatile bool _preferManagedEngines;

    /// <summary>
    /// False (default): the platform's primitives (<c>System.Security.Cryptography</c>: AES, AesGcm, SHA-512,
    /// RandomNumberGenerator). True: BouncyCastle's AES-NI engine where the CPU has AES instructions, managed SHA-512,
    /// and <c>/dev/urandom</c> read directly, so a short run never loads OpenSSL on Linux (~4 MB of resident memory;
    /// the esp-prov CLI turns this on at start-up). On CPUs without AES instructions AES stays on the platform's
    /// constant-time implementation either way. Set it before the first session; sessions already running keep theirs.
    /// </summary>
    public static bool PreferManagedEngines
    {
        get => _preferManagedEngines;
        set => _preferManagedEngines = value;
    }
}
