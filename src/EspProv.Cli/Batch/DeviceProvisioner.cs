using System.Diagnostics;
using System.Globalization;
using EspProv.Cli.Output;
using EspProv.Cli.Provision;
using EspProv.Cli.Transports;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Transport;

namespace EspProv.Cli.Batch;

/// <summary>
/// One device of a batch: the same flow as a single run (<see cref="ProvisioningClient.ProvisionAsync"/> over the transport factory),
/// with its journal states committed before each step's request and its own deadline. Resume rules: connected is
/// skipped; a device that reached <c>applying</c> (or is <c>unknown</c>, without <c>--retry-unknown</c>) is never sent
/// apply again, only asked for its status; anything else is provisioned (again). With <paramref name="transcripts"/>
/// (<c>--transcript-dir</c>) each device that is run gets its own transcript, written however its run ends;
/// <paramref name="problem"/> receives the line when one cannot be written. <paramref name="transports"/>, when given, creates
/// each device's transport instead of the transport factory (<c>batch --discover</c>: the device found, its soft AP joined).
/// </summary>
internal sealed class DeviceProvisioner(IJournal journal, BatchSettings batch, IBatchView view, TranscriptFiles? transcripts = null,
    Action<string>? problem = null, Func<ManifestEntry, TransportContext, CancellationToken, ValueTask<(TransportSetup? Setup, TransportSetupError? Error)>>? transports = null)
{
    public async Task<DeviceResult> RunAsync(ManifestEntry entry, DeviceRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(record);
        if (record.State == DeviceState.Connected)
        {
            // Nothing is sent, so no transcript: the one of the run that connected it is kept.
            var known = DeviceResult.FromRecord(record);
            view.Finished(known);
            return known;
        }

        var settings = batch.ForDevice(entry);
        var transcript = transcripts is null ? null
            : Transcript.TranscriptSession.Start(settings with { Transcript = transcripts.For(entry.Name), RedactNetwork = batch.RedactNetwork }, "batch");
        if (transcript is null)
        {
            return await ProvisionAsync(entry, record, settings, null, cancellationToken).ConfigureAwait(false);
        }

        transcript.Target = entry.Address;
        try
        {
            var result = await ProvisionAsync(entry, record, settings, transcript, cancellationToken).ConfigureAwait(false);
            transcript.Outcome(result.ExitCode, result.Reason);
            return result;
        }
        catch (OperationCanceledException)
        {
            transcript.Outcome(ExitCodes.Interrupted, "interrupted");
            throw;
        }
        finally
        {
            if (transcript.Write() is { } line)
            {
                problem?.Invoke($"{entry.Name}: {line}");
            }
        }
    }

    private async Task<DeviceResult> ProvisionAsync(ManifestEntry entry, DeviceRecord record, ProvisionSettings settings, Transcript.TranscriptSession? transcript,
        CancellationToken cancellationToken)
    {
        var resumeAfterApply = record.State == DeviceState.Applying || (record.State == DeviceState.Unknown && !batch.RetryUnknown);
        var started = Stopwatch.GetTimestamp();
        var steps = view.StepObserver(entry.Name) as JsonStepObserver;
        var observer = new JournalObserver(journal, entry.Name, view, record.State, steps);
        view.DeviceStarted(entry.Name);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        StepTracker? flow = null;
        EspProv.Security.ISecurity? security = null;
        try
        {
            if (!resumeAfterApply)
            {
                // Committed before the first byte goes to the device; counts one attempt.
                await observer.RecordAsync(DeviceState.Session, DeviceOutcome.None, cancellationToken).ConfigureAwait(false);
            }

            var requestTimeout = TimeSpan.FromSeconds(Math.Min(30, Math.Max(0.5, settings.TimeoutSeconds / 2)));
            var context = new TransportContext(settings, null, requestTimeout, null);
            var (setup, setupError) = transports is null
                ? await TransportFactory.CreateAsync(context, deadline.Token).ConfigureAwait(false)
                : await transports(entry, context, deadline.Token).ConfigureAwait(false);
            if (setupError is not null)
            {
                return await SettleAsync(observer, entry, started, DeviceVerdict.Failed, setupError.ExitCode, setupError.Message, cancellationToken).ConfigureAwait(false);
            }

            await using var transport = transcript?.Wrap(setup!.Transport) ?? setup!.Transport;
            await using var client = new ProvisioningClient(transport, new ProvisioningClientOptions { Polling = RunLimits.Polling(settings) });
            flow = new StepTracker(transcript?.Observe(observer) ?? observer);
            steps?.Starting(ProvisioningStep.Connect);
            await transport.PrepareAsync(Endpoints.ProtoVer, deadline.Token).ConfigureAwait(false);
            steps?.Completed(ProvisioningStep.Connect);
            var outcome = await client.ProvisionAsync(Plan(settings, resumeAfterApply, started, chosen => security = chosen), flow, deadline.Token).ConfigureAwait(false);
            var outcomeFields = outcome.Connection switch
            {
                WifiConnectionInfo connection => new DeviceOutcome
                {
                    Ip = connection.IPAddress.ToString(),
                    Bssid = connection.Bssid?.ToString(),
                    Channel = connection.Bssid is null ? null : connection.Channel,
                    AuthMode = connection.Bssid is null ? null : JsonNames.AuthMode(connection.AuthMode),
                    ExitCode = ExitCodes.Success,
                },
                EspProv.Thread.ThreadNetworkInfo attached => new DeviceOutcome { Channel = attached.Channel, ExitCode = ExitCodes.Success },
                _ => throw new InvalidOperationException("the flow ended without a connection"),
            };
            await observer.RecordAsync(DeviceState.Connected, outcomeFields, cancellationToken).ConfigureAwait(false);
            return Finish(entry, started, DeviceVerdict.Connected, ExitCodes.Success, null, outcomeFields, outcome.Connection as EspProv.Thread.ThreadNetworkInfo);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var step = flow?.Current ?? ProvisioningStep.Connect;
            var message = $"timed out after {settings.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)} s during {StepWording.Describe(step)}";
            return await FailAsync(observer, steps, entry, started, step, message, cancellationToken).ConfigureAwait(false);
        }
        catch (NetworkConnectionFailedException ex)
        {
            // The device's own verdict: it applied and could not join. Trying it again later is safe.
            steps?.StepFailed(ProvisioningStep.Status);
            return await SettleAsync(observer, entry, started, DeviceVerdict.Failed, ExitCodes.WifiConnectionFailed, ex.Message, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageExitException ex)
        {
            return await SettleAsync(observer, entry, started, DeviceVerdict.Failed, ExitCodes.Usage, ex.Message, cancellationToken).ConfigureAwait(false);
        }
        catch (TransportException ex) when (flow is null || ex.Step is null && flow.Current == ProvisioningStep.Connect)
        {
            return await FailAsync(observer, steps, entry, started, ProvisioningStep.Connect, $"connect failed: {ex.Message}", cancellationToken).ConfigureAwait(false);
        }
        catch (ProvisioningException ex)
        {
            return await FailAsync(observer, steps, entry, started, ex.Step ?? flow?.Current ?? ProvisioningStep.Connect, FlagAdvice.Message(ex, security), cancellationToken, ex).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            // Credentials the flow refuses to send (SSID or passphrase too long): nothing was sent.
            return await SettleAsync(observer, entry, started, DeviceVerdict.Failed, ExitCodes.Usage, ex.Message.Split(" (Parameter", 2)[0], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A failure in <paramref name="step"/>. Once apply may have reached the device (this run or an earlier one), only
    /// the device's refusal of apply itself is "failed"; anything else is "unknown", so it is never applied again blindly.
    /// </summary>
    private async Task<DeviceResult> FailAsync(JournalObserver observer, JsonStepObserver? steps, ManifestEntry entry, long started,
        ProvisioningStep step, string message, CancellationToken cancellationToken, ProvisioningException? ex = null)
    {
        steps?.StepFailed(step);
        var refusedApply = ex is DeviceStatusException && step == ProvisioningStep.ApplyConfig;
        if (observer.ApplyMayHaveBeenSent && !refusedApply)
        {
            return await SettleAsync(observer, entry, started, DeviceVerdict.Unknown, ExitCodes.StatusUnknown,
                $"outcome unknown: {message}", cancellationToken).ConfigureAwait(false);
        }

        return await SettleAsync(observer, entry, started, DeviceVerdict.Failed, StepFailures.ExitCode(step), message, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DeviceResult> SettleAsync(JournalObserver observer, ManifestEntry entry, long started, DeviceVerdict verdict, int exitCode,
        string reason, CancellationToken cancellationToken)
    {
        reason = CliOutput.OneLine(reason);
        var state = verdict == DeviceVerdict.Unknown ? DeviceState.Unknown : DeviceState.Failed;
        var fields = new DeviceOutcome { Reason = reason, ExitCode = exitCode };
        await observer.RecordAsync(state, fields, cancellationToken).ConfigureAwait(false);
        return Finish(entry, started, verdict, exitCode, reason, fields);
    }

    private DeviceResult Finish(ManifestEntry entry, long started, DeviceVerdict verdict, int exitCode, string? reason, DeviceOutcome fields, EspProv.Thread.ThreadNetworkInfo? thread = null)
    {
        var result = new DeviceResult
        {
            Device = entry.Name,
            Verdict = verdict,
            ExitCode = exitCode,
            Ip = fields.Ip,
            Bssid = fields.Bssid,
            Channel = fields.Channel,
            AuthMode = fields.AuthMode,
            Network = thread is null ? null : "thread",
            Thread = thread,
            Reason = reason,
            ElapsedMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
        };
        view.Finished(result);
        return result;
    }

    private static ProvisioningPlan Plan(ProvisionSettings settings, bool resumeAfterApply, long started, Action<EspProv.Security.ISecurity> chosen)
    {
        return new ProvisioningPlan
        {
            ChooseSecurity = (info, _) =>
            {
                // As a single run: flags of the other kind of network end the device's run after proto-ver.
                if (NetworkFit.Check(settings, NetworkSupport.From(info)) is { } misfit)
                {
                    throw new UsageExitException(misfit);
                }

                var security = ChooseSecurity(settings, info);
                chosen(security);
                return ValueTask.FromResult(security);
            },
            Credentials = (_, info, _) => ValueTask.FromResult<NetworkCredentials?>(Credentials(settings, NetworkSupport.From(info))),
            ResumeAfterApply = resumeAfterApply,
            StatusTimeout = RunLimits.StatusLimit(settings, started),
        };
    }

    private static NetworkCredentials Credentials(ProvisionSettings settings, NetworkSupport device) => device.Network == NetworkKind.Thread
        ? new EspProv.Thread.ThreadCredentials(settings.Dataset ?? throw new UsageExitException($"{NetworkFit.Describe(device)}: give its dataset in the manifest's {ManifestColumns.DatasetTlvs} column or with --dataset-file"))
        : new WifiCredentials(settings.Ssid ?? string.Empty, settings.Passphrase ?? string.Empty);

    /// <summary>The single run's choice (flags, then the device's proto-ver), with no one to prompt: a missing secret fails the device.</summary>
    private static EspProv.Security.ISecurity ChooseSecurity(ProvisionSettings settings, DeviceVersionInfo info)
    {
        var errors = new StringWriter();
        var chooser = new SecurityChooser(new CliOutput(TextWriter.Null, errors, verbose: false), NoTerminal.Instance);
        try
        {
            return chooser.Choose(settings, info);
        }
        catch (UsageExitException)
        {
            throw new UsageExitException(errors.ToString().Trim().Replace("esp-prov: ", string.Empty, StringComparison.Ordinal));
        }
    }

    /// <summary>A batch never prompts: a device that needs an answer fails with a usage reason.</summary>
    private sealed class NoTerminal : ITerminal
    {
        public static readonly NoTerminal Instance = new();

        public bool IsInteractive => false;

        public string? ReadLine(string prompt) => null;

        public string ReadSecret(string prompt) => string.Empty;
    }
}
