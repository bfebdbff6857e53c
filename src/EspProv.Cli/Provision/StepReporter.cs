using System.Globalization;
using EspProv.Exceptions;
using EspProv.Provisioning;

namespace EspProv.Cli.Provision;

/// <summary>Prints esp_prov's lines for each step of the library's <see cref="ProvisioningClient.ProvisionAsync"/>, in its order.</summary>
internal sealed class StepReporter(CliOutput output) : IProvisioningObserver
{
    private WifiConnectionState? _lastState;

    /// <summary>True once the device answered proto-ver in JSON (current ESP-IDF firmware).</summary>
    public bool DeviceIsJson { get; private set; }

    /// <summary>Why apply's answer was lost, when it was (the device may have applied).</summary>
    public string? ApplyAnswerLostReason { get; private set; }

    public ValueTask StepStartingAsync(ProvisioningStep provisioningStep, CancellationToken cancellationToken)
    {
        var line = provisioningStep switch
        {
            ProvisioningStep.ProtocolVersion => "==== Verifying protocol version ====",
            ProvisioningStep.Session => "==== Starting Session ====",
            ProvisioningStep.CustomConfig => "==== Sending Custom config to esp32 ====",
            ProvisioningStep.SetConfig => "==== Sending Wi-Fi credential to esp32 ====",
            ProvisioningStep.ApplyConfig => "==== Applying config to esp32 ====",
            ProvisioningStep.Status => "==== Wi-Fi connection state  ====",
            _ => null,
        };
        if (line is not null)
        {
            output.Out(line);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask StepCompletedAsync(ProvisioningStep provisioningStep, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        var line = provisioningStep switch
        {
            ProvisioningStep.Session => "==== Session Established ====",
            ProvisioningStep.CustomConfig => "==== Custom config sent successfully ====",
            ProvisioningStep.SetConfig => "==== Wi-Fi Credentials sent successfully ====",
            ProvisioningStep.ApplyConfig => "==== Apply config sent successfully ====",
            _ => null,
        };
        if (line is not null)
        {
            output.Out(line);
        }

        return ValueTask.CompletedTask;
    }

    public void VersionReceived(DeviceVersionInfo version)
    {
        output.Out("==== Verified protocol version successfully ====");
        DeviceIsJson = version.IsJson;
        output.Out(version.IsJson
            ? $"Device: provisioning {CliOutput.Shown(version.Version ?? "?")}, security {(version.SecurityVersion?.ToString(CultureInfo.InvariantCulture) ?? "not stated")}, capabilities [{CliOutput.Shown(string.Join(", ", version.Capabilities))}]"
            : $"Device: {CliOutput.Shown(version.Raw)}");
    }

    public void ApplyAnswerLost(ProvisioningException failure)
    {
        ApplyAnswerLostReason = failure.Message;
        output.Out("---- No valid answer to apply: the device may have applied the config; asking it for its Wi-Fi status ----");
        output.Verbose($"apply: {failure.Message}");
    }

    public void StatusReceived(NetworkStatus status)
    {
        if (status is not WifiStatus wifi)
        {
            return;
        }

        if (wifi.State != _lastState && wifi.State != WifiConnectionState.ConnectionFailed)
        {
            _lastState = wifi.State;
            output.Out($"++++ WiFi state: {StateText(wifi.State)} ++++");
        }

        if (wifi.AttemptsRemaining is { } n)
        {
            output.Out($"++++ Attempt to connect failed, {n} attempts remaining ++++");
        }
    }

    private static string StateText(WifiConnectionState state) => state switch
    {
        WifiConnectionState.Connected => "connected",
        WifiConnectionState.Connecting => "connecting...",
        WifiConnectionState.Disconnected => "disconnected",
        _ => "connection failed",
    };
}
