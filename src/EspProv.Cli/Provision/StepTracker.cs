using EspProv.Exceptions;
using EspProv.Provisioning;

namespace EspProv.Cli.Provision;

/// <summary>
/// Remembers the step a run is in, for "timed out during …" and a failure's exit code, and passes every call on to
/// <paramref name="inner"/>. The CLI's own steps between session and config (control, custom data, scan) are marked
/// with <see cref="Own"/>; the flow announces its own.
/// </summary>
internal sealed class StepTracker(IProvisioningObserver inner) : IProvisioningObserver
{
    private ProvisioningStep _flowStep = ProvisioningStep.Connect;
    private ProvisioningStep? _ownStep;

    /// <summary>The step in progress, or the last one started.</summary>
    public ProvisioningStep Current => _ownStep ?? _flowStep;

    /// <summary>The CLI's own step (null when it ends); it wins over what a failing library call names.</summary>
    public ProvisioningStep? Own
    {
        get => _ownStep;
        set => _ownStep = value;
    }

    public ValueTask StepStartingAsync(ProvisioningStep provisioningStep, CancellationToken cancellationToken)
    {
        _flowStep = provisioningStep;
        _ownStep = null;
        return inner.StepStartingAsync(provisioningStep, cancellationToken);
    }

    public ValueTask StepCompletedAsync(ProvisioningStep provisioningStep, TimeSpan elapsed, CancellationToken cancellationToken) =>
        inner.StepCompletedAsync(provisioningStep, elapsed, cancellationToken);

    public void VersionReceived(DeviceVersionInfo version) => inner.VersionReceived(version);

    public void ApplyAnswerLost(ProvisioningException failure) => inner.ApplyAnswerLost(failure);

    public void StatusReceived(NetworkStatus status) => inner.StatusReceived(status);
}
