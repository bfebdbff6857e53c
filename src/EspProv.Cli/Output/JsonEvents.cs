using EspProv.Exceptions;
using EspProv.Provisioning;

namespace EspProv.Cli.Output;

/// <summary>One finished (or failed) step of a provisioning flow: <c>{"event":"step",...}</c>.</summary>
/// <param name="Step">The step's name (<see cref="JsonNames.Step"/>).</param>
/// <param name="Status"><c>ok</c> or <c>failed</c>.</param>
/// <param name="ElapsedMs">Time the step took.</param>
/// <param name="Device">The manifest name in a batch, else null (omitted).</param>
/// <param name="Detail">A short non-secret note (e.g. <c>sec_ver 1</c>), or null (omitted).</param>
internal sealed record StepEvent(string Step, string Status, long ElapsedMs, string? Device = null, string? Detail = null);

/// <summary>The end of a batch: <c>{"event":"summary",...}</c>.</summary>
internal sealed record SummaryEvent
{
    public required int Total { get; init; }
    public required int Connected { get; init; }
    public required int Failed { get; init; }
    public required int Unknown { get; init; }

    /// <summary>Devices whose result came from the journal (already connected).</summary>
    public int FromJournal { get; init; }

    public required int ExitCode { get; init; }
    public long ElapsedMs { get; init; }

    /// <summary>Failed and unknown devices with their reasons.</summary>
    public IReadOnlyList<(string Device, string Status, string? Reason)> Failures { get; init; } = [];

    /// <summary>The slowest devices, slowest first.</summary>
    public IReadOnlyList<(string Device, long ElapsedMs)> Slowest { get; init; } = [];
}

/// <summary>One network of <c>--scan --json</c>: <c>{"event":"scan",...}</c>.</summary>
internal sealed record ScanEvent(WifiNetwork Network, string? Device = null);

/// <summary>One network of a Thread device's <c>--scan --json</c>: <c>{"event":"scan","network":"thread",...}</c>.</summary>
internal sealed record ThreadScanEvent(EspProv.Thread.ThreadNetwork Network, string? Device = null);

/// <summary>The names JSON output uses for library values: snake_case, stable across versions.</summary>
internal static class JsonNames
{
    public static string Step(ProvisioningStep step) => step switch
    {
        ProvisioningStep.Connect => "connect",
        ProvisioningStep.ProtocolVersion => "proto_ver",
        ProvisioningStep.Session => "session",
        ProvisioningStep.CustomConfig => "custom_config",
        ProvisioningStep.CustomData => "custom_data",
        ProvisioningStep.Scan => "scan",
        ProvisioningStep.Control => "control",
        ProvisioningStep.SetConfig => "set_config",
        ProvisioningStep.ApplyConfig => "apply_config",
        ProvisioningStep.Status => "status",
        _ => step.ToString().ToLowerInvariant(),
    };

    public static string Network(NetworkKind kind) => kind == NetworkKind.Thread ? "thread" : "wifi";

    public static string AuthMode(WifiAuthMode mode) => mode switch
    {
        WifiAuthMode.Open => "open",
        WifiAuthMode.Wep => "wep",
        WifiAuthMode.WpaPsk => "wpa_psk",
        WifiAuthMode.Wpa2Psk => "wpa2_psk",
        WifiAuthMode.WpaWpa2Psk => "wpa_wpa2_psk",
        WifiAuthMode.Wpa2Enterprise => "wpa2_enterprise",
        WifiAuthMode.Wpa3Psk => "wpa3_psk",
        WifiAuthMode.Wpa2Wpa3Psk => "wpa2_wpa3_psk",
        _ => ((int)mode).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static string FailureReason(WifiFailureReason reason) => reason switch
    {
        WifiFailureReason.AuthError => "auth_error",
        WifiFailureReason.NetworkNotFound => "network_not_found",
        _ => "unknown",
    };
}
