using EspProv.Exceptions;

namespace EspProv.Provisioning;

/// <summary>
/// Hears each step of <see cref="ProvisioningClient.ProvisionAsync"/> as it happens. Every member has a default that
/// does nothing, so an observer implements only what it needs. The flow awaits each step call before it sends the
/// step's first request, so an observer can make a step durable first (a journal that must say "applying" before apply
/// goes out) or stop the flow by throwing.
/// </summary>
public interface IProvisioningObserver
{
    /// <summary>A step is about to send its first request.</summary>
    ValueTask StepStartingAsync(ProvisioningStep provisioningStep, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>A step finished successfully after <paramref name="elapsed"/>.</summary>
    ValueTask StepCompletedAsync(ProvisioningStep provisioningStep, TimeSpan elapsed, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>The device's answer to <c>proto-ver</c>.</summary>
    void VersionReceived(DeviceVersionInfo version)
    {
    }

    /// <summary>Apply's answer was lost: the device may have applied, so its status is asked for instead of resending.</summary>
    void ApplyAnswerLost(ProvisioningException failure)
    {
    }

    /// <summary>One status poll's answer after apply (a <see cref="WifiStatus"/> for a Wi-Fi device).</summary>
    void StatusReceived(NetworkStatus status)
    {
    }
}
