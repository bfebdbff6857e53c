using System.Diagnostics;
using EspProv.Exceptions;

namespace EspProv.Provisioning;

/// <summary>
/// The provisioning sequence in esp_prov's order (version → session → custom config → set config → apply → status),
/// over any transport, scheme and kind of network, told to an <see cref="IProvisioningObserver"/> step by step. Apply is
/// never sent twice: when its answer is lost the device's own status decides, on a new session if need be. Runs
/// <see cref="ProvisioningClient.ProvisionAsync"/>.
/// </summary>
internal sealed class ProvisioningFlow(ProvisioningClient client, IProvisioningObserver? observer)
{
    public async Task<ProvisioningOutcome> RunAsync(ProvisioningPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var info = await StepAsync(ProvisioningStep.ProtocolVersion, async ct =>
        {
            var version = await client.QueryVersionAsync(plan.ExpectedVersion, ct).ConfigureAwait(false);
            if ((plan.RequireVersionMatch || !version.IsJson) && !version.Matches(plan.ExpectedVersion))
            {
                throw new ProtocolVersionMismatchException(plan.ExpectedVersion, version.Version ?? version.Raw);
            }

            observer?.VersionReceived(version);
            return version;
        }, cancellationToken).ConfigureAwait(false);

        var network = NetworkSteps.For(client, info);
        var security = await plan.ChooseSecurity(info, cancellationToken).ConfigureAwait(false);
        await StepAsync(ProvisioningStep.Session, async ct =>
        {
            await client.EstablishSessionAsync(security, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

        if (!plan.ResumeAfterApply)
        {
            if (plan.CustomConfig is { } custom)
            {
                await StepAsync(ProvisioningStep.CustomConfig, async ct =>
                {
                    await client.SendCustomConfigAsync(custom.Info, custom.Version, ct).ConfigureAwait(false);
                    return true;
                }, cancellationToken).ConfigureAwait(false);
            }

            if (await plan.Credentials(client, info, cancellationToken).ConfigureAwait(false) is not { } credentials)
            {
                return new ProvisioningOutcome(null, info);
            }

            network.Check(credentials);
            await StepAsync(ProvisioningStep.SetConfig, async ct =>
            {
                await network.SetConfigAsync(credentials, ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);

            await ApplyAsync(network, cancellationToken).ConfigureAwait(false);
        }

        var progress = observer is null ? null : new StatusRelay(observer);
        var connection = await StepAsync(ProvisioningStep.Status, ct => network.WaitAsync(plan.StatusTimeout, progress, ct), cancellationToken).ConfigureAwait(false);
        return new ProvisioningOutcome(connection, info);
    }

    private async Task ApplyAsync(NetworkSteps network, CancellationToken cancellationToken)
    {
        if (observer is not null)
        {
            await observer.StepStartingAsync(ProvisioningStep.ApplyConfig, cancellationToken).ConfigureAwait(false);
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await network.ApplyConfigAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ProvisioningException ex) when (ex.MayHaveReachedDevice)
        {
            // The device may have applied the credentials and be joining: its own status decides, never a second apply.
            observer?.ApplyAnswerLost(ex);
            return;
        }

        if (observer is not null)
        {
            await observer.StepCompletedAsync(ProvisioningStep.ApplyConfig, Stopwatch.GetElapsedTime(started), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<T> StepAsync<T>(ProvisioningStep step, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        if (observer is not null)
        {
            await observer.StepStartingAsync(step, cancellationToken).ConfigureAwait(false);
        }

        var started = Stopwatch.GetTimestamp();
        var result = await action(cancellationToken).ConfigureAwait(false);
        if (observer is not null)
        {
            await observer.StepCompletedAsync(step, Stopwatch.GetElapsedTime(started), cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Reports each poll on the polling thread, in order (Progress&lt;T&gt; would post to a context).</summary>
    private sealed class StatusRelay(IProvisioningObserver observer) : IProgress<NetworkStatus>
    {
        public void Report(NetworkStatus value) => observer.StatusReceived(value);
    }
}
