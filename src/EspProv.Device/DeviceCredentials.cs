using System.Text;

namespace EspProv.Device;

/// <summary>Wi-Fi credentials as the device stored them (raw bytes, after firmware's truncation rules).</summary>
/// <param name="SsidBytes">The SSID bytes.</param>
/// <param name="PassphraseBytes">The passphrase bytes.</param>
public sealed record DeviceCredentials(ReadOnlyMemory<byte> SsidBytes, ReadOnlyMemory<byte> PassphraseBytes)
{
    /// <summary>The SSID decoded as UTF-8.</summary>
    public string Ssid => Encoding.UTF8.GetString(SsidBytes.Span);

    /// <summary>The passphrase decoded as UTF-8 (for test assertions; never logged).</summary>
    public string Passphrase => Encoding.UTF8.GetString(PassphraseBytes.Span);

    /// <summary>Never prints the passphrase.</summary>
    public override string ToString() => $"DeviceCredentials {{ Ssid = {Ssid}, Passphrase = *** }}";
}

/// <summary>What the ESP8266 <c>custom-config</c> handler received.</summary>
/// <param name="Info">The info string, cut to 127 bytes like firmware's 128-byte C buffer.</param>
/// <param name="Version">The version number.</param>
public sealed record CustomConfigRecord(string Info, int Version);
