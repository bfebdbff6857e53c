using System.Globalization;
using EspProv.Exceptions;
using EspProv.Provisioning;

namespace EspProv.Cli.Provision;

/// <summary>
/// The words of a provisioning run, esp_prov's lines included, in one place: the CLI prints them and the web page
/// (src/EspProv.Web links this file) shows them, so both say the same thing for the same event.
/// </summary>
internal static class StepWording
{
    /// <summary>esp_prov's line as a step starts, or null.</summary>
    public static string? Starting(ProvisioningStep step, NetworkKind kind = NetworkKind.Wifi) => (kind, step) switch
    {
        (NetworkKind.Thread, ProvisioningStep.SetConfig) => "==== Sending Thread Dataset to Target ====",
        (NetworkKind.Thread, ProvisioningStep.ApplyConfig) => "==== Applying Thread Config to Target ====",
        (NetworkKind.Thread, ProvisioningStep.Status) => "==== Thread connection state  ====",
        _ => Starting(step),
    };

    private static string? Starting(ProvisioningStep step) => step switch
    {
        ProvisioningStep.ProtocolVersion => "==== Verifying protocol version ====",
        ProvisioningStep.Session => "==== Starting Session ====",
        ProvisioningStep.CustomConfig => "==== Sending Custom config to esp32 ====",
        ProvisioningStep.SetConfig => "==== Sending Wi-Fi credential to esp32 ====",
        ProvisioningStep.ApplyConfig => "==== Applying config to esp32 ====",
        ProvisioningStep.Status => "==== Wi-Fi connection state  ====",
        _ => null,
    };

    /// <summary>esp_prov's line when a step succeeded, or null.</summary>
    public static string? Completed(ProvisioningStep step, NetworkKind kind = NetworkKind.Wifi) => (kind, step) switch
    {
        (NetworkKind.Thread, ProvisioningStep.SetConfig) => "==== Thread Dataset sent successfully ====",
        _ => Completed(step),
    };

    private static string? Completed(ProvisioningStep step) => step switch
    {
        ProvisioningStep.Session => "==== Session Established ====",
        ProvisioningStep.CustomConfig => "==== Custom config sent successfully ====",
        ProvisioningStep.SetConfig => "==== Wi-Fi Credentials sent successfully ====",
        ProvisioningStep.ApplyConfig => "==== Apply config sent successfully ====",
        _ => null,
    };

    /// <summary>The device line after proto-ver; <paramref name="shown"/> makes device text safe to print.</summary>
    public static string Device(DeviceVersionInfo version, Func<string, string> shown) => version.IsJson
        ? $"Device: provisioning {shown(version.Version ?? "?")}, security {(version.SecurityVersion?.ToString(CultureInfo.InvariantCulture) ?? "not stated")}, capabilities [{shown(string.Join(", ", version.Capabilities))}]"
        : $"Device: {shown(version.Raw)}";

    /// <summary>The Wi-Fi state as esp_prov prints it.</summary>
    public static string State(WifiConnectionState state) => state switch
    {
        WifiConnectionState.Connected => "connected",
        WifiConnectionState.Connecting => "connecting...",
        WifiConnectionState.Disconnected => "disconnected",
        _ => "connection failed",
    };

    /// <summary>esp_prov's failure reason.</summary>
    public static string FailureReason(WifiFailureReason reason) => reason switch
    {
        WifiFailureReason.AuthError => "Incorrect Password",
        WifiFailureReason.NetworkNotFound => "Incorrect SSID",
        _ => "Unknown",
    };

    /// <summary>The success line after "==== Provisioning was successful ====".</summary>
    public static string Joined(WifiConnectionInfo connection, Func<string, string> shown) =>
        $"Device joined '{shown(connection.Ssid)}'"
        + (connection.Bssid is { } bssid ? $" (BSSID {bssid}, channel {connection.Channel}, {AuthName(connection.AuthMode)})" : string.Empty)
        + $": IP address {connection.IPAddress}";

    /// <summary>The authentication mode as esp_prov names it.</summary>
    public static string AuthName(WifiAuthMode mode) => mode switch
    {
        WifiAuthMode.Open => "Open",
        WifiAuthMode.Wep => "WEP",
        WifiAuthMode.WpaPsk => "WPA_PSK",
        WifiAuthMode.Wpa2Psk => "WPA2_PSK",
        WifiAuthMode.WpaWpa2Psk => "WPA_WPA2_PSK",
        WifiAuthMode.Wpa2Enterprise => "WPA2_ENTERPRISE",
        WifiAuthMode.Wpa3Psk => "WPA3_PSK",
        _ => "WPA2_WPA3_PSK",
    };

    /// <summary>esp_prov's <c>----</c> line for a failure during <paramref name="step"/>.</summary>
    public static string FailureLine(ProvisioningStep step, NetworkKind kind = NetworkKind.Wifi) => (kind, step) switch
    {
        (NetworkKind.Thread, ProvisioningStep.SetConfig) => "---- Error in send Thread dataset ----",
        (NetworkKind.Thread, ProvisioningStep.ApplyConfig) => "---- Error in apply Thread config ----",
        (NetworkKind.Thread, ProvisioningStep.Scan) => "---- Error in Thread scan ----",
        _ => FailureLine(step),
    };

    private static string FailureLine(ProvisioningStep step) => step switch
    {
        ProvisioningStep.Connect => "---- Failed to establish connection ----",
        ProvisioningStep.ProtocolVersion => "---- Error in protocol version matching ----",
        ProvisioningStep.Session => "---- Error in establishing session ----",
        ProvisioningStep.CustomConfig => "---- Error in custom config ----",
        ProvisioningStep.CustomData => "---- Error in custom data ----",
        ProvisioningStep.Scan => "---- Error in scan ----",
        ProvisioningStep.Control => "---- Error in control command ----",
        ProvisioningStep.SetConfig => "---- Error in send Wi-Fi config ----",
        ProvisioningStep.ApplyConfig => "---- Error in apply Wi-Fi config ----",
        _ => "---- Provisioning outcome unknown ----",
    };

    /// <summary>The one error line naming the step (as the CLI prints after <c>error:</c>).</summary>
    public static string ErrorLine(ProvisioningStep step, string message, string? applyAnswerLost = null, NetworkKind kind = NetworkKind.Wifi)
    {
        var name = kind == NetworkKind.Thread ? ThreadWords(Name(step)) : Name(step);
        if (message.StartsWith(name, StringComparison.OrdinalIgnoreCase))
        {
            return message;
        }

        return step == ProvisioningStep.Status
            ? $"{name}: outcome unknown: {message}" + (applyAnswerLost is { } lost ? $" (the answer to apply was lost: {lost})" : string.Empty)
            : $"{name} failed: {message}";
    }

    /// <summary>What the run was doing, for "timed out during …".</summary>
    public static string Describe(ProvisioningStep step, NetworkKind kind = NetworkKind.Wifi) => kind == NetworkKind.Thread ? ThreadWords(Describe(step)) : Describe(step);

    private static string Describe(ProvisioningStep step) => step switch
    {
        ProvisioningStep.Connect => "connecting to the device",
        ProvisioningStep.ProtocolVersion => "the protocol version check",
        ProvisioningStep.Session => "session setup",
        ProvisioningStep.CustomConfig => "custom config",
        ProvisioningStep.CustomData => "custom data",
        ProvisioningStep.Scan => "the Wi-Fi scan",
        ProvisioningStep.Control => "the control command",
        ProvisioningStep.SetConfig => "sending the Wi-Fi config",
        ProvisioningStep.ApplyConfig => "applying the Wi-Fi config",
        _ => "waiting for the Wi-Fi status",
    };

    /// <summary>A Thread device's words for the Wi-Fi steps' (config → dataset, status → attach state).</summary>
    private static string ThreadWords(string wifi) => wifi
        .Replace("Wi-Fi config", "Thread dataset", StringComparison.Ordinal)
        .Replace("Wi-Fi status", "Thread status", StringComparison.Ordinal)
        .Replace("Wi-Fi scan", "Thread scan", StringComparison.Ordinal);

    /// <summary>The success line of a Thread device, before "==== Provisioning was successful ====".</summary>
    public static string Attached(EspProv.Thread.ThreadNetworkInfo network, Func<string, string> shown) =>
        $"attached to '{shown(network.NetworkName)}' (PAN ID 0x{network.PanId:x4}, channel {network.Channel})";

    /// <summary>A Thread device's state as the status lines print it.</summary>
    public static string State(EspProv.Thread.ThreadNetworkState state) => state switch
    {
        EspProv.Thread.ThreadNetworkState.Attached => "attached",
        EspProv.Thread.ThreadNetworkState.Attaching => "attaching...",
        EspProv.Thread.ThreadNetworkState.Detached => "detached",
        _ => "attaching failed",
    };

    /// <summary>Why a Thread device could not attach.</summary>
    public static string FailureReason(EspProv.Thread.ThreadFailureReason reason) => reason switch
    {
        EspProv.Thread.ThreadFailureReason.DatasetInvalid => "Dataset invalid",
        EspProv.Thread.ThreadFailureReason.NetworkNotFound => "Thread network not found",
        _ => "Unknown",
    };

    /// <summary>Short step names for the one error line.</summary>
    private static string Name(ProvisioningStep step) => step switch
    {
        ProvisioningStep.Connect => "connect",
        ProvisioningStep.ProtocolVersion => "proto-ver",
        ProvisioningStep.Session => "session",
        ProvisioningStep.CustomConfig => "custom config",
        ProvisioningStep.CustomData => "custom data",
        ProvisioningStep.Scan => "scan",
        ProvisioningStep.Control => "control",
        ProvisioningStep.SetConfig => "set Wi-Fi config",
        ProvisioningStep.ApplyConfig => "apply Wi-Fi config",
        _ => "Wi-Fi status",
    };
}
