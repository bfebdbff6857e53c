using System.Text;
using EspProv.Security;

namespace EspProv.Device.Security;

/// <summary>
/// Device side of security 1 (docs/protocol.md#security-1-on-the-device): X25519 (RFC 7748, 32-byte keys), AES-256 key
/// = shared secret XOR SHA-256(PoP) when a PoP is configured, one byte-granular AES-256-CTR stream whose 16-byte
/// initial counter block is the device random. Randomness is drawn per session in this order: the 32-byte private key,
/// then the 16-byte device random (so <c>FixedRandomSource(device_private_key, device_random)</c> replays Espressif's
/// vectors).
/// </summary>
public sealed class DeviceSecurity1 : IDeviceSecurity
{
    private readonly byte[] _pop;
    private readonly IRandomSource _random;

    /// <summary>Creates security 1 with a proof of possession; null or empty = none (capability <c>no_pop</c>).</summary>
    /// <param name="pop">The PoP as configured on the device, used as UTF-8 bytes (identical to esp_prov's latin-1 for ASCII).</param>
    /// <param name="random">Source of the ephemeral key and device random; null = the OS CSPRNG.</param>
    public DeviceSecurity1(string? pop, IRandomSource? random = null)
    {
        _pop = Encoding.UTF8.GetBytes(pop ?? string.Empty);
        _random = random ?? SystemRandomSource.Instance;
    }

    /// <inheritdoc />
    public SecurityScheme Scheme => SecurityScheme.Sec1;

    /// <inheritdoc />
    public int? AdvertisedPatchVersion => 0;

    /// <inheritdoc />
    public string? Capability => _pop.Length == 0 ? EspProv.Provisioning.Capabilities.NoPop : null;

    /// <summary>True if a non-empty PoP is configured.</summary>
    public bool HasProofOfPossession => _pop.Length > 0;

    /// <summary>
    /// Creates a session with the Command0 rule of <paramref name="flavor"/> (ESP-IDF: Command0 in a later state silently
    /// restarts the session).
    /// </summary>
    public IDeviceSecuritySession CreateSession(DeviceFlavor flavor = DeviceFlavor.Idf) => new DeviceSecurity1Session(_pop, _random, flavor);

    /// <inheritdoc />
    public override string ToString() => $"DeviceSecurity1 {{ PoP = {(HasProofOfPossession ? "***" : "none")} }}";
}
