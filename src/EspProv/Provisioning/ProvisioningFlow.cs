using System.Diagnostics;
using EspProv.Exceptions;
using EspProv.Security;

namespace EspProv.Provisioning;

/// <summary>
/// Hears each step of a <see cref="ProvisioningFlow"/> as it happens. The flow awaits every call before it sends the
/// step's first request, so an observer can make a step durable first (a journal that must say "applying" before apply
/// goes out) or stop the flow by throwing.
/// </summary>
public interface IProvisioningObserver
{
    /// <summary>A step is about to send its first request.</summary>
    ValueTask StepStartingAsync(ProvisioningStep provisioningStep, CancellationToken cancellationToken);

    /// <summary>A step finished successfully after <paramref name="elapsed"/>.</summary>
    ValueTask StepCompletedAsync(ProvisioningStep provisioningStep, TimeSpan elapsed, CancellationToken cancellationToken);

    /// <summary>The device's answer to <c>proto-ver</c>.</summary>
    void VersionReceived(DeviceVersionInfo version);

    /// <summary>Apply's answer was lost: the device may have applied, so its status is asked for instead of resending.</summary>
    void ApplyAnswerLost(ProvisioningException failure);

    /// <summary>One Wi-Fi status poll's answer.</summary>
    void StatusReceived(WifiStatus status);
}

/// <summary>What a <see cref="ProvisioningFlow"/> should do. The delegates let the caller decide with the device's answers in hand.</summary>
public sealed record ProvisioningPlan
{
    /// <summary>The body of the <c>proto-ver</c> request and the version to check against. Default <c>V0.1</c> (esp_prov's).</summary>
    public string ExpectedVersion { get; init; } = "V0.1";

    /// <summary>
    /// Check the version even when the device answers JSON (esp_prov accepts any JSON answer unless a version is asked
    /// for). A plain-string answer is always checked. Default false.
    /// </summary>
    public bool RequireVersionMatch { get; init; }

    /// <summary>
    /// The scheme, when it is known before the device is asked (a command-line flag): the flow then checks that the
    /// transport can carry its handshake before it sends anything. Null (default) = chosen from the version answer, and
    /// checked before the handshake.
    /// </summary>
    public SecurityScheme? Scheme { get; init; }

    /// <summary>Chooses the security scheme from the device's version answer (its <c>sec_ver</c> and capabilities).</summary>
    public required Func<DeviceVersionInfo, CancellationToken, ValueTask<ISecurity>> ChooseSecurity { get; init; }

    /// <summary>Sends <c>custom-config</c> (ESP8266 custom_config example) after the session, when set.</summary>
    public (string Info, int Version)? CustomConfig { get; init; }

    /// <summary>
    /// Runs once the session is up (and custom config sent) and returns the credentials to send; it may use the session
    /// first (scan, control commands). Null ends the flow there with <see cref="ProvisioningOutcome.StoppedBeforeConfig"/>.
    /// </summary>
    public required Func<ProvisioningClient, DeviceVersionInfo, CancellationToken, ValueTask<WifiCredentials?>> Credentials { get; init; }

    /// <summary>
    /// The device was sent apply by an earlier run whose outcome is unknown: send nothing that changes it, open a
    /// session and read the status only. Default false.
    /// </summary>
    public bool ResumeAfterApply { get; init; }

    /// <summary>Longest wait for a verdict after apply; null = <see cref="StatusPolling.Timeout"/>.</summary>
    public TimeSpan? StatusTimeout { get; init; }

    /// <summary>Credentials known before the run (no scan, no prompt).</summary>
    public static Func<ProvisioningClient, DeviceVersionInfo, CancellationToken, ValueTask<WifiCredentials?>> Fixed(WifiCredentials credentials) =>
        (_, _, _) => ValueTask.FromResult<WifiCredentials?>(credentials);
}

/// <summary>How a <see cref="ProvisioningFlow"/> ended without an exception.</summary>
/// <param name="Connection">The device joined: its connection details. Null when the flow stopped before config.</param>
/// <param name="Version">The device's version answer.</param>
public sealed record ProvisioningOutcome(WifiConnectionInfo? Connection, DeviceVersionInfo Version)
{
    /// <summary>True when <see cref="ProvisioningPlan.Credentials"/> returned null: nothing was configured.</summary>
    public bool StoppedBeforeConfig => Connection is null;
}

/// <summary>
/// The provisioning sequence in esp_prov's order (version → session → custom config → set config → apply → status),
/// over any transport and scheme, told to an <see cref="IProvisioningObserver"/> step by step. Apply is never sent
/// twice: when its answer is lost the device's own status decides, on a new session if need be.
/// </summary>
/// <param name="client">The client to drive (not disposed by the flow).</param>
/// <param name="observer">Hears the steps; null = nobody.</param>
public sealed class ProvisioningFlow(ProvisioningClient client, IProvisioningObserver? observer = null)
{
    private readonly ProvisioningClient _client = client ?? throw new ArgumentNullException(nameof(client));

    /// <summary>The step in progress (or the last one started), for error reports.</summary>
    public ProvisioningStep CurrentStep { get; private set; } = ProvisioningStep.Connect;

    /// <summary>Runs <paramref name="plan"/>. Throws the typed <see cref="ProvisioningException"/>s of each step.</summary>
    public async Task<ProvisioningOutcome> RunAsync(ProvisioningPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Scheme is { } scheme)
        {
            CurrentStep = ProvisioningStep.Session;
            SchemeFit.Ensure(_client.Transport, scheme);
        }

        var info = await StepAsync(ProvisioningStep.ProtocolVersion, async ct =>
        {
            var version = await _client.GetVersionAsync(plan.ExpectedVersion, ct).ConfigureAwait(false);
            if ((plan.RequireVersionMatch || !version.IsJson) && !version.Matches(plan.ExpectedVersion))
            {
                throw new ProtocolVersionMismatchException(plan.ExpectedVersion, version.Version ?? version.Raw) { Step = ProvisioningStep.ProtocolVersion };
            }

            observer?.VersionReceived(version);
            return version;
        }, cancellationToken).ConfigureAwait(false);

        var security = await plan.ChooseSecurity(info, cancellationToken).ConfigureAwait(false);
        await StepAsync(ProvisioningStep.Session, async ct =>
        {
            await _client.EstablishSessionAsync(security, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

        if (!plan.ResumeAfterApply)
        {
            if (plan.CustomConfig is { } custom)
            {
                await StepAsync(ProvisioningStep.CustomConfig, async ct =>
                {
                    await _client.SendCustomConfigAsync(custom.Info, custom.Version, ct).ConfigureAwait(false);
                    return true;
                }, cancellationToken).ConfigureAwait(false);
            }

            if (await plan.Credentials(_client, info, cancellationToken).ConfigureAwait(false) is not { } credentials)
            {
                return new ProvisioningOutcome(null, info);
            }

            credentials.Validate();
            await StepAsync(ProvisioningStep.SetConfig, async ct =>
            {
                await _client.SetWifiConfigAsync(credentials, ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);

            await ApplyAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = await StepAsync(ProvisioningStep.Status, ct =>
        {
            var progress = observer is null ? null : new StatusRelay(observer);
            return plan.StatusTimeout is { } limit
                ? _client.WaitForConnectionAsync(limit, progress, ct)
                : _client.WaitForConnectionAsync(progress, ct);
        }, cancellationToken).ConfigureAwait(false);
        return new ProvisioningOutcome(connection, info);
    }

    private async Task ApplyAsync(CancellationToken cancellationToken)
    {
        CurrentStep = ProvisioningStep.ApplyConfig;
        if (observer is not null)
        {
            await observer.StepStartingAsync(ProvisioningStep.ApplyConfig, cancellationToken).ConfigureAwait(false);
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await _client.ApplyWifiConfigAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ProvisioningException ex) when (MayHaveReachedDevice(ex))
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

    /// <summary>
    /// True when a failed apply may still have been carried out: its answer was lost or garbled. A refused link or a
    /// device error status means it was not.
    /// </summary>
    public static bool MayHaveReachedDevice(ProvisioningException error) => error switch
    {
        TransportException t => t.Failure is TransportFailure.ClosedWithoutResponse or TransportFailure.LinkLost
            or TransportFailure.Timeout or TransportFailure.ResponseTooLarge or TransportFailure.MalformedReply,
        InvalidResponseException => true,
        _ => false,
    };

    private async Task<T> StepAsync<T>(ProvisioningStep step, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        CurrentStep = step;
        if (observer is not null)
        {
            await observer.StepStartingAsync(step, cancellationToken).ConfigureAwait(false);
        }

        var started = Stopwatch.GetTimestamp();
        T result;
        try
        {
            result = await action(cancellationToken).ConfigureAwait(false);
        }
        catch (ProvisioningException ex)
        {
            ex.Step ??= step;
            throw;
        }

        if (observer is not null)
        {
            await observer.StepCompletedAsync(step, Stopwatch.GetElapsedTime(started), cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Relays step starts to an <see cref="IProgress{T}"/> (<see cref="ProvisioningClient.ProvisionAsync"/>).</summary>
    internal sealed class StepProgressRelay(IProgress<ProvisioningStep> progress) : IProvisioningObserver
    {
        public ValueTask StepStartingAsync(ProvisioningStep provisioningStep, CancellationToken cancellationToken)
        {
            progress.Report(provisioningStep);
            return ValueTask.CompletedTask;
        }

        public ValueTask StepCompletedAsync(ProvisioningStep provisioningStep, TimeSpan elapsed, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public void VersionReceived(DeviceVersionInfo version)
        {
        }

        public void ApplyAnswerLost(ProvisioningException failure)
        {
        }

        public void StatusReceived(WifiStatus status)
        {
        }
    }

    /// <summary>Reports each poll on the polling thread, in order (Progress&lt;T&gt; would post to a context).</summary>
    private sealed class StatusRelay(IProvisioningObserver observer) : IProgress<WifiStatus>
    {
        public void Report(WifiStatus value) => observer.StatusReceived(value);
    }
}
