using System.Net;

namespace EspProv.Provisioning;

/// <summary>The protocomm status codes (docs/protocol.md#status-codes).</summary>
public enum DeviceStatus
{
    /// <summary>Success.</summary>
    Success = 0,
    /// <summary>The security scheme is not the device's.</summary>
    InvalidSecScheme = 1,
    /// <summary>Malformed message.</summary>
    InvalidProto = 2,
    /// <summary>Another session is active.</summary>
    TooManySessions = 3,
    /// <summary>A value was rejected (e.g. SSID over 32 bytes).</summary>
    InvalidArgument = 4,
    /// <summary>The device could not carry out the command.</summary>
    InternalError = 5,
    /// <summary>Cryptographic failure.</summary>
    CryptoError = 6,
    /// <summary>No valid session.</summary>
    InvalidSession = 7,
}

/// <summary>The Wi-Fi station state a device reports (docs/protocol.md#wi-fi-constants, #get-status).</summary>
public enum WifiConnectionState
{
    /// <summary>Joined the network and got an IP address.</summary>
    Connected = 0,
    /// <summary>Not yet connected (also the state before credentials are applied).</summary>
    Connecting = 1,
    /// <summary>Disconnected (firmware never sends it; kept for completeness).</summary>
    Disconnected = 2,
    /// <summary>The connection attempt failed; see <see cref="WifiStatus.FailureReason"/>.</summary>
    ConnectionFailed = 3,
}

/// <summary>Why the device could not join the network.</summary>
public enum WifiFailureReason
{
    /// <summary>Authentication failed: almost always a wrong passphrase.</summary>
    AuthError = 0,
    /// <summary>No access point with that SSID was found.</summary>
    NetworkNotFound = 1,
    /// <summary>The device reported a failure without a reason this client knows.</summary>
    Unknown = -1,
}

/// <summary>Wi-Fi authentication modes (docs/protocol.md#wi-fi-constants).</summary>
public enum WifiAuthMode
{
    /// <summary>Open network.</summary>
    Open = 0,
    /// <summary>WEP.</summary>
    Wep = 1,
    /// <summary>WPA-PSK.</summary>
    WpaPsk = 2,
    /// <summary>WPA2-PSK.</summary>
    Wpa2Psk = 3,
    /// <summary>WPA/WPA2-PSK.</summary>
    WpaWpa2Psk = 4,
    /// <summary>WPA2-Enterprise.</summary>
    Wpa2Enterprise = 5,
    /// <summary>WPA3-PSK (ESP-IDF 5.0+).</summary>
    Wpa3Psk = 6,
    /// <summary>WPA2/WPA3-PSK (ESP-IDF 5.0+).</summary>
    Wpa2Wpa3Psk = 7,
}

/// <summary>What the device reports once it has joined the network.</summary>
/// <param name="IPAddress">The station's IPv4 address.</param>
/// <param name="Ssid">The SSID joined (raw bytes decoded as UTF-8).</param>
/// <param name="Bssid">The access point's BSSID, null if not reported.</param>
/// <param name="Channel">The Wi-Fi channel.</param>
/// <param name="AuthMode">The authentication mode of the network.</param>
public sealed record WifiConnectionInfo(System.Net.IPAddress IPAddress, string Ssid, Bssid? Bssid, int Channel, WifiAuthMode AuthMode) : NetworkConnection;

/// <summary>One answer to a get-status request.</summary>
/// <param name="State">The station state.</param>
/// <param name="FailureReason">Set when <paramref name="State"/> is <see cref="WifiConnectionState.ConnectionFailed"/>.</param>
/// <param name="Connection">Set when <paramref name="State"/> is <see cref="WifiConnectionState.Connected"/>.</param>
/// <param name="AttemptsRemaining">ESP-IDF 5.5: set while connecting after a failed attempt.</param>
public sealed record WifiStatus(WifiConnectionState State, WifiFailureReason? FailureReason, WifiConnectionInfo? Connection, uint? AttemptsRemaining) : NetworkStatus;

/// <summary>Wi-Fi credentials to send to the device.</summary>
/// <param name="Ssid">The network's SSID (1–32 bytes as UTF-8).</param>
/// <param name="Passphrase">The passphrase (0–64 bytes as UTF-8; empty for an open network).</param>
/// <param name="Bssid">Optional: lock to one access point.</param>
/// <param name="Channel">Optional: the channel (0 = any).</param>
public sealed record WifiCredentials(string Ssid, string Passphrase, Bssid? Bssid = null, int Channel = 0) : NetworkCredentials
{
    /// <summary>Longest SSID the device accepts, in bytes.</summary>
    public const int MaxSsidBytes = 32;

    /// <summary>
    /// Longest passphrase the protocol carries, in bytes (a 64-hex-digit PSK). Firmware refuses 64 at set-config with
    /// <see cref="DeviceStatus.InvalidArgument"/>: its 64-byte field also holds the terminating NUL, so devices take 63.
    /// </summary>
    public const int MaxPassphraseBytes = 64;

    /// <inheritdoc />
    public override void Validate()
    {
        var ssidBytes = System.Text.Encoding.UTF8.GetByteCount(Ssid);
        if (ssidBytes is 0 or > MaxSsidBytes)
        {
            throw new ArgumentException($"SSID must be 1 to {MaxSsidBytes} bytes (UTF-8); got {ssidBytes}", nameof(Ssid));
        }

        var passBytes = System.Text.Encoding.UTF8.GetByteCount(Passphrase);
        if (passBytes > MaxPassphraseBytes)
        {
            // Length only: the value itself is a secret.
            throw new ArgumentException($"passphrase must be at most {MaxPassphraseBytes} bytes (UTF-8); got {passBytes}", nameof(Passphrase));
        }

        if (Channel is < 0 or > 196)
        {
            throw new ArgumentException($"channel must be 0 (any) to 196; got {Channel}", nameof(Channel));
        }
    }

    /// <summary>Never prints the passphrase.</summary>
    public override string ToString() => $"WifiCredentials {{ Ssid = {Ssid}, Passphrase = ***, Bssid = {Bssid}, Channel = {Channel} }}";
}

/// <summary>An entry of <c>custom-config</c>'s answer.</summary>
public enum CustomConfigResult
{
    /// <summary>The application accepted the data.</summary>
    Success = 0,
    /// <summary>The application rejected the data.</summary>
    Fail = 1,
}
