using EspProv.Exceptions;

namespace EspProv.Cli.Provision;

/// <summary>The step → exit code map, and the report of a failed step in <see cref="StepWording"/>'s words.</summary>
internal static class StepFailures
{
    /// <summary>Added to "outcome unknown" once apply may have reached the device.</summary>
    public const string ApplyAdvice =
        "; the device may have applied the credentials: check the router's client list or the device's console before provisioning again";

    /// <summary>Prints the step's <c>----</c> line and the error line; returns the step's exit code.</summary>
    public static int Report(CliOutput output, ProvisioningStep step, string message, Exception? ex = null, string? applyAnswerLost = null, Provisioning.NetworkKind kind = Provisioning.NetworkKind.Wifi)
    {
        // A scheme the transport cannot carry (security 2 over the console) is a bad security version, as esp_prov's exit 1.
        var schemeUnusable = ex is SessionFailedException { Reason: SessionFailureReason.TransportTooSmall };
        output.Out(schemeUnusable ? "---- Invalid Security Version ----" : StepWording.FailureLine(step, kind));
        return output.Fail(schemeUnusable ? ExitCodes.BadSecurityVersion : ExitCode(step), StepWording.ErrorLine(step, message, applyAnswerLost, kind), ex);
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
}
