using EspProv.Exceptions;
using EspProv.Provisioning;

namespace EspProv.Cli.Provision;

/// <summary>Prints esp_prov's lines for each step of the library's <see cref="ProvisioningClient.ProvisionAsync"/>, in its order.</summary>
internal sealed class StepReporter(CliOutput output) : IProvisioningObserver
{
    private WifiConnectionState? _lastState;
    private EspProv.Thread.ThreadNetworkState? _lastThreadState;
    private uint? _lastAttemptsRemaining;

    /// <summary>The kind of network the device provisions, from its version answer (Wi-Fi until it answered).</summary>
    public NetworkKind Kind { get; private set; }

    private string KindName => Kind == NetworkKind.Thread ? "Thread" : "Wi-Fi";

    /// <summary>True once the device answered proto-ver, so <see cref="Kind"/> is the device's own.</summary>
    public bool KindKnown { get; private set; }

    /// <summary>True once the device answered proto-ver in JSON (current ESP-IDF firmware).</summary>
    public bool DeviceIsJson { get; private set; }

    /// <summary>Why apply's answer was lost, when it was (the device may have applied).</summary>
    public string? ApplyAnswerLostReason { get; private set; }

    public ValueTask StepStartingAsync(ProvisioningStep provisioningStep, CancellationToken cancellationToken)
    {
        var line = StepWording.Starting(provisioningStep, Kind);
        if (line is not null)
        {
            output.Out(line);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask StepCompletedAsync(ProvisioningStep provisioningStep, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        var line = StepWording.Completed(provisioningStep, Kind);
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
        Kind = NetworkSupport.From(version).Network;
        KindKnown = true;
        output.Out(StepWording.Device(version, CliOutput.Shown));
    }

    public void ApplyAnswerLost(ProvisioningException failure)
    {
        ApplyAnswerLostReason = failure.Message;
        output.Out($"---- No valid answer to apply: the device may have applied the config; asking it for its {KindName} status ----");
        output.Verbose($"apply: {failure.Message}");
    }

    public void StatusReceived(NetworkStatus status)
    {
        if (status is EspProv.Thread.ThreadStatus thread)
        {
            // The verdicts are printed by the run (attached to …, or the failure and its reason).
            if (thread.State != _lastThreadState && thread.State is EspProv.Thread.ThreadNetworkState.Attaching or EspProv.Thread.ThreadNetworkState.Detached)
            {
                output.Out($"++++ Thread state: {StepWording.State(thread.State)} ++++");
            }

            _lastThreadState = thread.State;
            return;
        }

        if (status is not WifiStatus wifi)
        {
            return;
        }

        if (wifi.State != _lastState && wifi.State != WifiConnectionState.ConnectionFailed)
        {
            _lastState = wifi.State;
            output.Out($"++++ WiFi state: {StepWording.State(wifi.State)} ++++");
        }

        // The device repeats attempt_failed on every poll until the next attempt fails: one line per change.
        if (wifi.AttemptsRemaining is { } n && n != _lastAttemptsRemaining)
        {
            _lastAttemptsRemaining = n;
            output.Out($"++++ Attempt to connect failed, {n} attempts remaining ++++");
        }
    }
}
