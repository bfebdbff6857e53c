using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using EspProv.Provisioning;

namespace EspProv.Device.Wifi;

/// <summary>
/// An access point the simulated device can see and join. The station connects when the applied SSID and passphrase
/// match; a known SSID with another passphrase fails with <see cref="WifiFailureReason.AuthError"/>, an unknown SSID with
/// <see cref="WifiFailureReason.NetworkNotFound"/>. Open networks (empty passphrase) accept any passphrase.
/// </summary>
/// <param name="Ssid">The SSID (1–32 bytes as UTF-8).</param>
/// <param name="Passphrase">The passphrase (0–64 bytes as UTF-8); empty = open network.</param>
public sealed record SimulatedNetwork(string Ssid, string Passphrase)
{
    private static readonly byte[] DefaultBssidBytes = [0x02, 0x11, 0x22, 0x33, 0x44, 0x55];
    private readonly WifiAuthMode? _authMode;
    private readonly ReadOnlyMemory<byte>? _bssid;

    /// <summary>The network of Espressif's vectors: <c>myssid</c>/<c>mypassword</c>, BSSID 02:11:22:33:44:55, channel 6, WPA2_PSK, IP 192.168.1.42.</summary>
    public static SimulatedNetwork Default { get; } = new("myssid", "mypassword") { Bssid = DefaultBssidBytes };

    /// <summary>The access point's BSSID (6 bytes). Default: 02:11:22:33:44:55 for <c>myssid</c>, else 02 followed by 5 bytes of SHA-256(SSID).</summary>
    public ReadOnlyMemory<byte> Bssid
    {
        get => _bssid ?? DerivedBssid(Ssid);
        init => _bssid = value.Length == 6 ? value.ToArray() : throw new ArgumentException($"BSSID must be 6 bytes; got {value.Length}", nameof(Bssid));
    }

    /// <summary>The channel (1–14 for 2.4 GHz; up to 196 accepted). Default 6.</summary>
    public int Channel { get; init; } = 6;

    /// <summary>Signal strength in dBm (scan results are sorted by it, strongest first). Default -40.</summary>
    public int Rssi { get; init; } = -40;

    /// <summary>Authentication mode. Default: <see cref="WifiAuthMode.Open"/> when the passphrase is empty, else <see cref="WifiAuthMode.Wpa2Psk"/>.</summary>
    public WifiAuthMode AuthMode
    {
        get => _authMode ?? (Passphrase.Length == 0 ? WifiAuthMode.Open : WifiAuthMode.Wpa2Psk);
        init => _authMode = value;
    }

    /// <summary>The IPv4 address the device gets on this network. Default 192.168.1.42.</summary>
    public IPAddress IPAddress { get; init; } = IPAddress.Parse("192.168.1.42");

    /// <summary>The SSID as raw bytes (UTF-8), as the device sees it on air.</summary>
    public byte[] SsidBytes => Encoding.UTF8.GetBytes(Ssid);

    /// <summary>
    /// Parses <c>ssid:passphrase[;channel=6;rssi=-40;auth=WPA2_PSK;bssid=aa:bb:cc:dd:ee:ff;ip=a.b.c.d]</c>. The SSID ends at
    /// the first ':' (use a networks file for SSIDs containing ':'), the passphrase at the first ';'; an empty passphrase
    /// means an open network. Throws <see cref="FormatException"/> with a message naming the bad part.
    /// </summary>
    public static SimulatedNetwork Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            throw new FormatException($"network '{Abbreviate(text)}': expected ssid:passphrase[;channel=N;rssi=N;auth=MODE;bssid=aa:bb:cc:dd:ee:ff;ip=a.b.c.d]");
        }

        var ssid = text[..colon];
        var parts = text[(colon + 1)..].Split(';');
        var builder = new NetworkFields(ssid, parts[0]);
        for (var i = 1; i < parts.Length; i++)
        {
            var part = parts[i].Trim();
            if (part.Length == 0)
            {
                continue;
            }

            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"network '{ssid}': option '{part}' is not key=value");
            }

            builder.Set(part[..eq].Trim(), part[(eq + 1)..].Trim());
        }

        return builder.Build();
    }

    /// <summary>Never prints the passphrase.</summary>
    public override string ToString() =>
        $"SimulatedNetwork {{ Ssid = {Ssid}, Passphrase = {(Passphrase.Length == 0 ? "(open)" : "***")}, Channel = {Channel}, Rssi = {Rssi}, AuthMode = {AuthMode}, IPAddress = {IPAddress} }}";

    internal void Validate()
    {
        var ssidBytes = Encoding.UTF8.GetByteCount(Ssid);
        if (ssidBytes is 0 or > 32)
        {
            throw new ArgumentException($"network '{Ssid}': SSID must be 1 to 32 bytes (UTF-8); got {ssidBytes}");
        }

        if (Encoding.UTF8.GetByteCount(Passphrase) > 64)
        {
            throw new ArgumentException($"network '{Ssid}': passphrase must be at most 64 bytes");
        }

        if (Channel is < 1 or > 196)
        {
            throw new ArgumentException($"network '{Ssid}': channel must be 1 to 196; got {Channel}");
        }

        if (Rssi is < -127 or > 0)
        {
            throw new ArgumentException($"network '{Ssid}': RSSI must be -127 to 0 dBm; got {Rssi}");
        }

        if (IPAddress.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"network '{Ssid}': the station address must be IPv4; got {IPAddress}");
        }
    }

    private static byte[] DerivedBssid(string ssid)
    {
        if (ssid == Default.Ssid)
        {
            return DefaultBssidBytes; // the vectors' access point
        }

        // Locally administered unicast address, stable per SSID.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(ssid));
        return [0x02, hash[0], hash[1], hash[2], hash[3], hash[4]];
    }

    private static string Abbreviate(string text)
    {
        // The text may hold a passphrase after ':'; without one, show at most a short prefix.
        return text.Length <= 40 ? text : text[..40] + "…";
    }

    internal static bool TryParseAuthMode(string text, out WifiAuthMode mode)
    {
        var normalized = text.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        if (!int.TryParse(normalized, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            && Enum.TryParse(normalized, ignoreCase: true, out mode) && Enum.IsDefined(mode))
        {
            return true;
        }

        mode = default;
        return false;
    }

    internal static byte[] ParseBssid(string ssid, string text)
    {
        var parts = text.Split(':', '-');
        var bytes = new byte[6];
        if (parts.Length != 6)
        {
            throw new FormatException($"network '{ssid}': bssid '{text}' must be six hex bytes like aa:bb:cc:dd:ee:ff");
        }

        for (var i = 0; i < 6; i++)
        {
            if (parts[i].Length != 2 || !byte.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[i]))
            {
                throw new FormatException($"network '{ssid}': bssid '{text}' must be six hex bytes like aa:bb:cc:dd:ee:ff");
            }
        }

        return bytes;
    }
}
