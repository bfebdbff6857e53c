namespace EspProv.Provisioning;

/// <summary>One access point found by the device's scan (docs/protocol.md#wi-fi-scan).</summary>
/// <param name="Ssid">The SSID (raw bytes decoded as UTF-8, trailing NULs removed).</param>
/// <param name="SsidBytes">The SSID exactly as the device sent it.</param>
/// <param name="Bssid">The BSSID, null if the device sent none.</param>
/// <param name="Channel">The channel.</param>
/// <param name="Rssi">Signal strength in dBm (closer to 0 is stronger).</param>
/// <param name="AuthMode">The authentication mode.</param>
public sealed record WifiNetwork(string Ssid, ReadOnlyMemory<byte> SsidBytes, Bssid? Bssid, int Channel, int Rssi, WifiAuthMode AuthMode)
{
    /// <summary>The BSSID as 12 lowercase hex digits, as esp_prov shows it (empty when none).</summary>
    public string BssidHex => Bssid is { } b ? Convert.ToHexStringLower(b.ToArray()) : string.Empty;

    /// <summary>True when the network needs no passphrase.</summary>
    public bool IsOpen => AuthMode == WifiAuthMode.Open;

    /// <summary>Value equality, the SSID's bytes included (a memory block would compare by reference).</summary>
    public bool Equals(WifiNetwork? other) =>
        other is not null && Ssid == other.Ssid && SsidBytes.Span.SequenceEqual(other.SsidBytes.Span) && Bssid == other.Bssid
        && Channel == other.Channel && Rssi == other.Rssi && AuthMode == other.AuthMode;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Ssid, Bssid, Channel, Rssi, AuthMode);

    /// <summary>A readable line: SSID, BSSID, channel, RSSI and auth mode.</summary>
    public override string ToString() => $"WifiNetwork {{ Ssid = {Ssid}, Bssid = {Bssid}, Channel = {Channel}, Rssi = {Rssi}, AuthMode = {AuthMode} }}";
}

/// <summary>Parameters of a Wi-Fi scan. Defaults are esp_prov's over soft AP.</summary>
public sealed record WifiScanOptions
{
    /// <summary>Default options.</summary>
    public static WifiScanOptions Default { get; } = new();

    /// <summary>Ask the device to answer ScanStart only when the scan is over. Default true.</summary>
    public bool Blocking { get; init; } = true;

    /// <summary>Passive scan. Default false.</summary>
    public bool Passive { get; init; }

    /// <summary>Channels scanned per group before the soft AP serves again (0 = all at once). Default 5.</summary>
    public uint GroupChannels { get; init; } = 5;

    /// <summary>Time per channel in ms. Default 120.</summary>
    public uint PeriodMs { get; init; } = 120;

    /// <summary>
    /// Results asked for per ScanResult request. Default null: as many as fit the transport's largest response in the
    /// worst case, at most 100 (esp_prov's 100 over HTTP; 4 for a BLE device that stores at most 257 bytes).
    /// </summary>
    public int? PageSize { get; init; }

    /// <summary>How long to wait for a non-blocking scan to finish. Default 15 s.</summary>
    public TimeSpan FinishTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
