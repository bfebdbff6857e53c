using System.Diagnostics;
using EspProv.Cli.Output;
using EspProv.Exceptions;
using EspProv.Provisioning;

namespace EspProv.Cli.Provision;

/// <summary>
/// A single run under <c>--json</c>: step events through <see cref="JsonStepObserver"/> beside the (silenced)
/// <see cref="StepReporter"/>, and the final <c>result</c> event built from the exit code, the connection and the error.
/// </summary>
internal sealed class JsonRunReport(JsonLinesWriter writer, StepReporter reporter) : IProvisioningObserver
{
    private readonly long _started = Stopwatch.GetTimestamp();

    public JsonStepObserver Steps { get; } = new(writer);

    /// <summary>The device's connection, once it reported Connected.</summary>
    public NetworkConnection? Connection { get; set; }

    /// <summary>
    /// Writes the result event, except for a usage error (its stderr line is the output) and a run that ended on
    /// purpose before any config (a scan listing, reprovision): those have no device outcome.
    /// </summary>
    public void WriteResult(int exitCode, string? error, bool stoppedBeforeConfig)
    {
        if (exitCode == ExitCodes.Usage || (exitCode == ExitCodes.Success && stoppedBeforeConfig))
        {
            return;
        }

        var connection = exitCode == ExitCodes.Success ? Connection as WifiConnectionInfo : null;
        var thread = exitCode == ExitCodes.Success ? Connection as EspProv.Thread.ThreadNetworkInfo : null;
        var hasAp = connection?.Bssid is not null;
        writer.Write(new DeviceResult
        {
            Network = reporter.KindKnown ? JsonNames.Network(reporter.Kind) : null,
            Thread = thread,
            Verdict = exitCode switch
            {
                ExitCodes.Success => DeviceVerdict.Connected,
                ExitCodes.StatusUnknown => DeviceVerdict.Unknown,
                _ => DeviceVerdict.Failed,
            },
            ExitCode = exitCode,
            Ip = connection?.IPAddress.ToString(),
            Bssid = hasAp ? connection!.Bssid.ToString() : null,
            Channel = hasAp ? connection!.Channel : thread?.Channel,
            AuthMode = hasAp ? JsonNames.AuthMode(connection!.AuthMode) : null,
            Reason = exitCode == ExitCodes.Success ? null : error,
            ElapsedMs = (long)Stopwatch.GetElapsedTime(_started).TotalMilliseconds,
        });
    }

    public async ValueTask StepStartingAsync(ProvisioningStep provisioningStep, CancellationToken cancellationToken)
    {
        await reporter.StepStartingAsync(provisioningStep, cancellationToken).ConfigureAwait(false);
        await Steps.StepStartingAsync(provisioningStep, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask StepCompletedAsync(ProvisioningStep provisioningStep, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        await reporter.StepCompletedAsync(provisioningStep, elapsed, cancellationToken).ConfigureAwait(false);
        await Steps.StepCompletedAsync(provisioningStep, elapsed, cancellationToken).ConfigureAwait(false);
    }

    public void VersionReceived(DeviceVersionInfo version)
    {
        reporter.VersionReceived(version);
        Steps.VersionReceived(version);
    }

    public void ApplyAnswerLost(ProvisioningException failure)
    {
        reporter.ApplyAnswerLost(failure);
        Steps.ApplyAnswerLost(failure);
    }

    public void StatusReceived(NetworkStatus status) => reporter.StatusReceived(status);
}
