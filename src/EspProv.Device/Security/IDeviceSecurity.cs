using System.Diagnostics.CodeAnalysis;
using EspProv.Security;

namespace EspProv.Device.Security;

/// <summary>
/// The device side of a security scheme, configured with its PoP or SRP credentials: a factory of sessions.
/// Firmware keeps one session at a time; the protocomm layer creates a new one whenever a new session starts.
/// </summary>
public interface IDeviceSecurity
{
    /// <summary>The scheme.</summary>
    SecurityScheme Scheme { get; }

    /// <summary>
    /// The <c>sec_patch_ver</c> this device advertises in <c>proto-ver</c>, or null when firmware of this kind omits the
    /// key (security 2 patch 0 firmware, ESP-IDF 5.0–5.4.0). Security 0/1 on current firmware: 0.
    /// </summary>
    int? AdvertisedPatchVersion { get; }

    /// <summary>The capability this scheme adds to <c>prov.cap</c>: <c>no_sec</c> (security 0), <c>no_pop</c> (security 1 without PoP), or null.</summary>
    string? Capability { get; }

    /// <summary>Creates a session in its initial state (waiting for Command0), with the rules of <paramref name="flavor"/>'s firmware.</summary>
    IDeviceSecuritySession CreateSession(DeviceFlavor flavor = DeviceFlavor.Idf);
}

/// <summary>
/// One device-side security session. Every method mirrors firmware: a protocol failure returns null/false and the
/// caller closes the connection without an HTTP response.
/// </summary>
public interface IDeviceSecuritySession : IDisposable
{
    /// <summary>True once the handshake completed (always true for security 0).</summary>
    bool IsEstablished { get; }

    /// <summary>Handles one <c>prov-session</c> request; returns the response, or null on a protocol failure (wrong PoP, bad message, wrong state).</summary>
    byte[]? HandleSessionRequest(ReadOnlySpan<byte> request);

    /// <summary>Decrypts a request to an encrypted endpoint; false on failure (not established, authentication failed).</summary>
    bool TryDecrypt(ReadOnlySpan<byte> ciphertext, [NotNullWhen(true)] out byte[]? plaintext);

    /// <summary>Encrypts a response of an encrypted endpoint (continuing the cipher state).</summary>
    byte[] Encrypt(ReadOnlySpan<byte> plaintext);
}
