using System.Diagnostics;
using EspProv.Exceptions;
using EspProv.Provisioning;

namespace EspProv.Cli.Output;

/// <summary>
/// Writes one <c>step</c> event per step of a <see cref="ProvisioningClient.ProvisionAsync"/> (<c>--json</c>): <c>ok</c> when it
/// completes, <c>failed</c> (through <see cref="StepFailed"/>) when the run ends in it. Details are the device's
/// version and scheme, never a secret.
/// </summary>
internal sealed class JsonStepObserver(JsonLinesWriter writer, string? device = null) : IProvisioningObserver
{
    private long _stepStarted = Stopwatch.GetTimestamp();
    private string? _detail;

    /// <summary>The step in progress, or the last one started.</summary>
    public ProvisioningStep? CurrentStep { get; private set; }

    /// <summary>Why apply's answer was lost, when it was (the device may have applied).</summary>
    public string? ApplyAnswerLostReason { get; private set; }

    public ValueTask StepStartingAsync(ProvisioningStep provisioningStep, CancellationToken cancellationToken)
    {
        Starting(provisioningStep);
        return ValueTask.CompletedTask;
    }

    public ValueTask StepCompletedAsync(ProvisioningStep provisioningStep, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        writer.Write(new StepEvent(JsonNames.Step(provisioningStep), "ok", (long)elapsed.TotalMilliseconds, device, _detail));
        _detail = null;
        return ValueTask.CompletedTask;
    }

    /// <summary>Marks a step the flow does not announce itself (connect, scan) as started.</summary>
    public void Starting(ProvisioningStep step)
    {
        CurrentStep = step;
        _stepStarted = Stopwatch.GetTimestamp();
    }

    /// <summary>Writes an <c>ok</c> event for a step the flow does not announce itself.</summary>
    public void Completed(ProvisioningStep step) =>
        writer.Write(new StepEvent(JsonNames.Step(step), "ok", (long)Stopwatch.GetElapsedTime(_stepStarted).TotalMilliseconds, device));

    /// <summary>Writes the <c>failed</c> event of the step a run ended in.</summary>
    public void StepFailed(ProvisioningStep step) =>
        writer.Write(new StepEvent(JsonNames.Step(step), "failed", (long)Stopwatch.GetElapsedTime(_stepStarted).TotalMilliseconds, device));

    public void VersionReceived(DeviceVersionInfo version)
    {
        ArgumentNullException.ThrowIfNull(version);
        _detail = version.IsJson
            ? $"version {version.Version ?? "?"}" + (version.SecurityVersion is { } sv ? $", sec_ver {sv}" : string.Empty)
            : "plain version answer";
        _detail = DeviceText.Printable(_detail, 100);
    }

    public void ApplyAnswerLost(ProvisioningException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ApplyAnswerLostReason = failure.Message;
        writer.Write(new StepEvent(JsonNames.Step(ProvisioningStep.ApplyConfig), "failed",
            (long)Stopwatch.GetElapsedTime(_stepStarted).TotalMilliseconds, device, "answer lost: the device may have applied; asking for its status"));
    }
}
