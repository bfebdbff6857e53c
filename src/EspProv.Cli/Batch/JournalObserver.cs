using EspProv.Exceptions;
using EspProv.Provisioning;

namespace EspProv.Cli.Batch;

/// <summary>
/// Commits a device's journal states as its flow goes: <c>config_sent</c> once set-config succeeded and
/// <c>applying</c> <b>before</b> apply is sent (the flow awaits <see cref="StepStartingAsync"/> before the step's first
/// request), so a run killed at any moment leaves a journal that never lets apply be sent twice. Passes every call on
/// to <paramref name="inner"/> (JSON step events) and tells the view of each state.
/// </summary>
internal sealed class JournalObserver(IJournal journal, string device, IBatchView view, DeviceState initial, IProvisioningObserver? inner)
    : IProvisioningObserver
{
    /// <summary>The state last committed for the device.</summary>
    public DeviceState State { get; private set; } = initial;

    /// <summary>True once apply may have reached the device (this run or an earlier one).</summary>
    public bool ApplyMayHaveBeenSent => State is DeviceState.Applying or DeviceState.Unknown;

    /// <summary>Commits <paramref name="state"/> (durable before it returns) and shows it.</summary>
    public async Task RecordAsync(DeviceState state, DeviceOutcome outcome, CancellationToken cancellationToken)
    {
        await journal.RecordAsync(device, state, outcome, cancellationToken).ConfigureAwait(false);
        State = state;
        view.StateChanged(device, state);
    }

    public async ValueTask StepStartingAsync(ProvisioningStep provisioningStep, CancellationToken cancellationToken)
    {
        if (provisioningStep == ProvisioningStep.ApplyConfig)
        {
            await RecordAsync(DeviceState.Applying, DeviceOutcome.None, cancellationToken).ConfigureAwait(false);
        }

        if (inner is not null)
        {
            await inner.StepStartingAsync(provisioningStep, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask StepCompletedAsync(ProvisioningStep provisioningStep, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        if (provisioningStep == ProvisioningStep.SetConfig)
        {
            await RecordAsync(DeviceState.ConfigSent, DeviceOutcome.None, cancellationToken).ConfigureAwait(false);
        }

        if (inner is not null)
        {
            await inner.StepCompletedAsync(provisioningStep, elapsed, cancellationToken).ConfigureAwait(false);
        }
    }

    public void VersionReceived(DeviceVersionInfo version) => inner?.VersionReceived(version);

    public void ApplyAnswerLost(ProvisioningException failure) => inner?.ApplyAnswerLost(failure);

    public void StatusReceived(NetworkStatus status) => inner?.StatusReceived(status);
}
