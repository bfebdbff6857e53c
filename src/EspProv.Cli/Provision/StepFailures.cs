using EspProv.Exceptions;

namespace EspProv.Cli.Provision;

/// <summary>The step → exit code map, esp_prov's <c>----</c> line for each, and the one error line naming the step.</summary>
internal static class StepFailures
{
    /// <summary>Added to "outcome unknown" once apply may have reached the device.</summary>
    public const string ApplyAdvice =
        "; the device may have applied the credentials: check the router's client list or the device's console before provisioning again";

    /// <summary>Prints the step's <c>----</c> line and the error line; returns the step's exit code.</summary>
    public static int Report(CliOutput output, ProvisioningStep step, string message, Exception? ex = null, string? applyAnswerLost = null)
    {
        var name = Name(step);
        if (!message.StartsWith(name, StringComparison.OrdinalIgnoreCase))
        {
            message = step == ProvisioningStep.Status
                ? $"{name}: outcome unknown: {message}" + (applyAnswerLost is { } lost ? $" (the answer to apply was lost: {lost})" : string.Empty)
                : $"{name} failed: {message}";
        }

        // A scheme the transport cannot carry (security 2 over the console) is a bad security version, as esp_prov's exit 1.
        var schemeUnusable = ex is SessionFailedException { Reason: SessionFailureReason.TransportTooSmall };
        output.Out(schemeUnusable ? "---- Invalid Security Version ----" : EspProvLine(step));
        return output.Fail(schemeUnusable ? ExitCodes.BadSecurityVersion : ExitCode(step), message, ex);
    }

    /// <summary>The exit code of a failure during <paramref name="step"/>.</summary>
    public static int ExitCode(ProvisioningStep step) => step switch
    {
        ProvisioningStep.Connect => ExitCodes.NoConnection,
        ProvisioningStep.ProtocolVersion => ExitCodes.VersionMismatch,
        ProvisioningStep.Session => ExitCodes.SessionFailed,
        ProvisioningStep.CustomConfig => ExitCodes.CustomConfigFailed,
        ProvisioningStep.CustomData => ExitCodes.CustomDataFailed,
        ProvisioningStep.Scan => ExitCodes.ScanFailed,
        ProvisioningStep.Control => ExitCodes.ControlFailed,
        ProvisioningStep.SetConfig => ExitCodes.SetConfigFailed,
        ProvisioningStep.ApplyConfig => ExitCodes.ApplyFailed,
        _ => ExitCodes.StatusUnknown,
    };

    private static string EspProvLine(ProvisioningStep step) => step switch
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

    /// <summary>What the run was doing, for "timed out during …".</summary>
    public static string Describe(ProvisioningStep step) => step switch
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
