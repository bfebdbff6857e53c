using System.Text;
using EspProv.Exceptions;
using EspProv.Provisioning;

namespace EspProv.Cli;

/// <summary>Progress lines, error lines and the step → exit code map.</summary>
internal sealed partial class ProvisionRunner
{
    private static string Printable(byte[] reply)
    {
        var text = Encoding.UTF8.GetString(reply).TrimEnd('\0');
        return text.All(c => !char.IsControl(c)) ? text : Convert.ToHexStringLower(reply);
    }

    private static string StateText(WifiConnectionState state) => state switch
    {
        WifiConnectionState.Connected => "connected",
        WifiConnectionState.Connecting => "connecting...",
        WifiConnectionState.Disconnected => "disconnected",
        _ => "connection failed",
    };

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

    private const string ApplyAdvice =
        "; the device may have applied the credentials: check the router's client list or the device's console before provisioning again";

    /// <summary>True when an apply failed in a way that does not prove the device did not act on it.</summary>
    private static bool ApplyMayHaveReachedDevice(ProvisioningException ex) => ex switch
    {
        TransportException t => t.Failure is TransportFailure.ClosedWithoutResponse or TransportFailure.LinkLost
            or TransportFailure.Timeout or TransportFailure.ResponseTooLarge or TransportFailure.MalformedReply,
        InvalidResponseException => true,
        _ => false,
    };

    /// <summary>Short step names for the one error line.</summary>
    private static string StepName(ProvisioningStep step) => step switch
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

    private int StepFailed(ProvisioningStep step, string message, Exception? ex = null)
    {
        // The one error line names the step, then the cause.
        var name = StepName(step);
        if (!message.StartsWith(name, StringComparison.OrdinalIgnoreCase))
        {
            message = step == ProvisioningStep.Status
                ? $"{name}: outcome unknown: {message}" + (_applyAnswerLost is { } lost ? $" (the answer to apply was lost: {lost})" : string.Empty)
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
        Out(line);
        return Fail(code, message, ex);
    }

    private int Fail(int code, string message, Exception? ex = null)
    {
        error.WriteLine($"esp-prov: {OneLine(message)}");
        if (_verbose && ex is not null)
        {
            // Detail without a stack trace: the chain of causes.
            for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
            {
                error.WriteLine($"  caused by {inner.GetType().Name}: {OneLine(inner.Message)}");
            }
        }

        return code;
    }

    private void Out(string line) => output.WriteLine(line);

    /// <summary>Device-supplied text: control characters and escape sequences never reach the terminal.</summary>
    private static string Shown(string text) => ReplyValidation.Printable(text, 200);

    /// <summary>An error message as exactly one line, whatever a device or the OS put in it.</summary>
    private static string OneLine(string text) => ReplyValidation.Printable(text, 1000);

    private void Verbose(string line)
    {
        if (_verbose)
        {
            output.WriteLine("  " + ReplyValidation.Printable(line, 4096));
        }
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
