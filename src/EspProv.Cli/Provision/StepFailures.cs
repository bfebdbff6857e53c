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

        var (code, line) = step switch
        {
            ProvisioningStep.Connect => (ExitCodes.NoConnection, "---- Failed to establish connection ----"),
            ProvisioningStep.ProtocolVersion => (ExitCodes.VersionMismatch, "---- Error in protocol version matching ----"),
            ProvisioningStep.Session => (ExitCodes.SessionFailed, "---- Error in establishing session ----"),
            ProvisioningStep.CustomConfig => (ExitCodes.CustomConfigFailed, "---- Error in custom config ----"),
            ProvisioningStep.CustomData => (ExitCodes.CustomDataFailed, "---- Error in custom data ----"),
            ProvisioningStep.Scan => (ExitCodes.ScanFailed, "---- Error in scan ----"),
            ProvisioningStep.Control => (ExitCodes.ControlFailed, "---- Error in control command ----"),
            ProvisioningStep.SetConfig => (ExitCodes.SetConfigFailed, "---- Error in send Wi-Fi config ----"),
            ProvisioningStep.ApplyConfig => (ExitCodes.ApplyFailed, "---- Error in apply Wi-Fi config ----"),
            _ => (ExitCodes.StatusUnknown, "---- Provisioning outcome unknown ----"),
        };
        output.Out(line);
        return output.Fail(code, message, ex);
    }

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
