using System.Diagnostics;
using System.Globalization;
using System.Text;
using EspProv.Cli.Transports;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Cli.Provision;

/// <summary>
/// One provisioning run: sets up the transport, drives the library's <see cref="ProvisioningClient.ProvisionAsync"/> (esp_prov's step
/// order) with a <see cref="StepReporter"/> printing esp_prov's lines, runs the CLI-only actions between session and
/// config (reset, reprovision, custom data, scan and pick), and maps every failure to its step's exit code.
/// </summary>
internal sealed class ProvisionRunner(TextWriter output, TextWriter error, ITerminal terminal)
{
    private CliOutput _out = new(output, error, verbose: false);
    private StepReporter _reporter = null!;
    private int? _stopExit;

    // The step in progress (the flow's, or the CLI's own between session and config), for "timed out during …".
    private StepTracker _steps = null!;
    private JsonRunReport? _json;

    // The scheme chosen from the device's answer, for the flag advice on a session failure.
    private EspProv.Security.ISecurity? _security;

    /// <summary>The bus BlueZ is on when it is not the system bus (tests); the simulator's own virtual BlueZ wins.</summary>
    public string? BleBusAddress { get; init; }

    // --transcript: records the run and is written however it ends (Transcript/TranscriptSession).
    private Transcript.TranscriptSession? _transcript;

    public async Task<int> RunAsync(ProvisionSettings settings, CancellationToken cancellationToken)
    {
        _transcript = Transcript.TranscriptSession.Start(settings, "provision");
        return _transcript is null
            ? await RunWithOutputAsync(settings, error, cancellationToken).ConfigureAwait(false)
            : await _transcript.RunAsync(error, tee => RunWithOutputAsync(settings, tee, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<int> RunWithOutputAsync(ProvisionSettings settings, TextWriter errorWriter, CancellationToken cancellationToken)
    {
        var json = settings.Json ? new Output.JsonLinesWriter(output) : null;
        _out = new CliOutput(output, errorWriter, settings.Verbose, json);
        _reporter = new StepReporter(_out);
        _json = json is null ? null : new JsonRunReport(json, _reporter);
        var code = await RunCoreAsync(settings, cancellationToken).ConfigureAwait(false);
        _json?.WriteResult(code, _out.LastError, stoppedBeforeConfig: _json.Connection is null && _stopExit is not null);
        return code;
    }

    private async Task<int> RunCoreAsync(ProvisionSettings settings, CancellationToken cancellationToken)
    {
        var protoVer = settings.ProtoVer ?? ProvisionOptions.DefaultProtoVer;
        _out.Out($"==== Esp_Prov Version: {protoVer} ====");

        if (settings.SecVer is { } sv && sv is < 0 or > 2)
        {
            _out.Out("---- Invalid Security Version ----");
            return _out.Fail(ExitCodes.BadSecurityVersion, $"invalid security version {sv}: use 0, 1 or 2");
        }

        var security = new SecurityChooser(_out, terminal);
        if (settings.Sec2GenCred)
        {
            return security.GenerateCredentials(settings);
        }

        if (RunLimits.Validate(settings, terminal.IsInteractive) is { } usageError)
        {
            return _out.Fail(ExitCodes.Usage, usageError);
        }

        if (settings.DeviceName is { } name && settings.Join?.Ssid is null)
        {
            _out.Out($"Device soft AP (from the QR payload): '{name}': join this Wi-Fi network before provisioning");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        var started = Stopwatch.GetTimestamp();
        await using var simulator = settings.Simulate
            ? await EmbeddedSimulator.StartAsync(settings, _out.Out, deadline.Token).ConfigureAwait(false)
            : null;
        // One request waits at most 30 s, and at most half the overall deadline, so a stalled request leaves time to
        // recover (proto-ver retry, a new session for status polling) and to report the step that failed.
        var requestTimeout = TimeSpan.FromSeconds(Math.Min(30, Math.Max(0.5, settings.TimeoutSeconds / 2)));
        var logging = _out.IsVerbose ? Output.LineLoggerProvider.ForRun(_out.Verbose) : NullLoggerFactory.Instance;
        var (setup, setupError) = await TransportFactory.CreateAsync(
            new TransportContext(settings, simulator?.Endpoint, requestTimeout, logging, terminal, _out.Out,
                simulator?.BusAddress ?? BleBusAddress), deadline.Token).ConfigureAwait(false);
        if (setupError is not null)
        {
            if (setupError.EspProvLine is { } line)
            {
                _out.Out(line);
            }

            return _out.Fail(setupError.ExitCode, setupError.Message);
        }

        if (_transcript is not null)
        {
            _transcript.Target = setup!.Target;
        }

        await using var transport = _transcript?.Wrap(setup!.Transport) ?? setup!.Transport;
        await using var client = new ProvisioningClient(transport, new ProvisioningClientOptions
        {
            LoggerFactory = logging,
            Polling = RunLimits.Polling(settings),
        });
        var observer = (IProvisioningObserver?)_json ?? _reporter;
        _steps = new StepTracker(_transcript?.Observe(observer) ?? observer);
        try
        {
            _out.Verbose($"connecting to {setup.Target}");
            _json?.Steps.Starting(ProvisioningStep.Connect);
            try
            {
                await transport.PrepareAsync(Endpoints.ProtoVer, deadline.Token).ConfigureAwait(false);
                _json?.Steps.Completed(ProvisioningStep.Connect);
            }
            catch (TransportException ex)
            {
                _json?.Steps.StepFailed(ProvisioningStep.Connect);
                _out.Out("---- Failed to establish connection ----");
                return _out.Fail(ExitCodes.NoConnection, $"connect failed: {ex.Message}", ex);
            }

            var outcome = await client.ProvisionAsync(Plan(settings, protoVer, security, RunLimits.StatusLimit(settings, started)), _steps, deadline.Token).ConfigureAwait(false);
            if (outcome.Connection is null)
            {
                return _stopExit ?? ExitCodes.Success;
            }

            if (_json is not null)
            {
                _json.Connection = outcome.Connection;
            }

            if (outcome.Connection is EspProv.Thread.ThreadNetworkInfo attached)
            {
                _out.Out(StepWording.Attached(attached, CliOutput.Shown));
                _out.Out("==== Provisioning was successful ====");
                return ExitCodes.Success;
            }

            _out.Out("==== Provisioning was successful ====");
            _out.Out(StepWording.Joined((WifiConnectionInfo)outcome.Connection, CliOutput.Shown));
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Once apply has been sent the device may be joining: a deadline there is "outcome unknown", never "failed".
            var current = _steps.Current;
            var step = current == ProvisioningStep.ApplyConfig ? ProvisioningStep.Status : current;
            return Report(step, $"timed out after {settings.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)} s during {StepWording.Describe(current, _reporter.Kind)}"
                + (step == ProvisioningStep.Status ? StepFailures.ApplyAdvice : string.Empty));
        }
        catch (UsageExitException)
        {
            return ExitCodes.Usage;
        }
        catch (WifiConnectionFailedException ex)
        {
            _json?.Steps.StepFailed(ProvisioningStep.Status);
            _out.Out("++++ WiFi state: connection failed ++++");
            _out.Out($"++++ Failure reason: {StepWording.FailureReason(ex.Reason)} ++++");
            _out.Out("---- Provisioning failed ----");
            var code = _out.Fail(ExitCodes.WifiConnectionFailed, ex.Message, ex);
            if (_reporter.DeviceIsJson)
            {
                // ESP-IDF 5.1+ firmware accepts new credentials after a failed attempt once they are reset.
                _out.Advise("to retry without a factory reset: esp-prov --reset --ssid <ssid> --passphrase <passphrase> (firmware with prov-ctrl, ESP-IDF 5.1+)");
            }

            return code;
        }
        catch (EspProv.Thread.ThreadAttachFailedException ex)
        {
            _json?.Steps.StepFailed(ProvisioningStep.Status);
            _out.Out("++++ Thread state: attaching failed ++++");
            _out.Out($"++++ Failure reason: {StepWording.FailureReason(ex.Reason)} ++++");
            _out.Out("---- Provisioning failed ----");
            var code = _out.Fail(ExitCodes.WifiConnectionFailed, ex.Message, ex);
            _out.Advise("to retry with another dataset: esp-prov --reset --dataset_tlvs <hex> (network_provisioning takes a reset after a failed attach)");
            return code;
        }
        catch (DeviceStatusException ex) when (ex.Step == ProvisioningStep.SetConfig && ex.Status == DeviceStatus.InvalidArgument
            && Encoding.UTF8.GetByteCount(settings.Passphrase ?? string.Empty) >= WifiCredentials.MaxPassphraseBytes)
        {
            // Firmware compares the length with its 64-byte field, which also holds the terminating NUL.
            return Report(ProvisioningStep.SetConfig, $"{ex.Message}: devices take a passphrase of at most {WifiCredentials.MaxPassphraseBytes - 1} bytes"
                + $" (this one has {Encoding.UTF8.GetByteCount(settings.Passphrase ?? string.Empty)})", ex);
        }
        catch (ProvisioningException ex)
        {
            return Report(_steps.Own ?? ex.Step ?? _steps.Current, FlagAdvice.Message(ex, _security), ex);
        }
        catch (ArgumentException ex)
        {
            return _out.Fail(ExitCodes.Usage, ex.Message.Split(" (Parameter", 2)[0]);
        }
    }

    private int Report(ProvisioningStep step, string message, Exception? ex = null)
    {
        _json?.Steps.StepFailed(step);
        return StepFailures.Report(_out, step, message, ex, _reporter.ApplyAnswerLostReason, _reporter.Kind);
    }

    private ProvisioningPlan Plan(ProvisionSettings settings, string protoVer, SecurityChooser security, TimeSpan statusLimit) => new()
    {
        ExpectedVersion = protoVer,
        RequireVersionMatch = settings.ProtoVer is not null,
        Scheme = settings.SecVer is { } scheme ? (EspProv.Security.SecurityScheme)scheme : null,
        ChooseSecurity = (info, _) =>
        {
            // Before the session: flags for the other kind of network end the run with nothing more sent.
            if (NetworkFit.Check(settings, NetworkSupport.From(info)) is { } misfit)
            {
                _out.Fail(ExitCodes.Usage, misfit);
                throw new UsageExitException(misfit);
            }

            return ValueTask.FromResult(_security = security.Choose(settings, info));
        },
        CustomConfig = settings.CustomConfig ? new CustomConfig(settings.CustomInfo, settings.CustomVer) : null,
        Credentials = (client, info, ct) => AfterSessionAsync(settings, client, info, ct),
        StatusTimeout = statusLimit,
    };

    /// <summary>
    /// Between session and config: reset/reprovision, custom data, scan (and pick). Returns the credentials to send, or
    /// null when the run ends here with <see cref="_stopExit"/>.
    /// </summary>
    private async ValueTask<NetworkCredentials?> AfterSessionAsync(ProvisionSettings settings, ProvisioningClient client, DeviceVersionInfo info, CancellationToken ct)
    {
        if (settings.Reset || settings.Reprov)
        {
            _steps.Own = ProvisioningStep.Control;
            if (await ControlAsync(settings, client, NetworkSupport.From(info), ct).ConfigureAwait(false) is { } exit)
            {
                return Stop(exit);
            }

            if (string.IsNullOrEmpty(settings.Ssid) && settings.Dataset is null)
            {
                return Stop(ExitCodes.Success);
            }
        }

        if (settings.CustomData is { } data)
        {
            _steps.Own = ProvisioningStep.CustomData;
            _out.Out("==== Sending Custom data to esp32 ====");
            var reply = await client.SendDataAsync(Endpoints.CustomData, Encoding.UTF8.GetBytes(data), ct).ConfigureAwait(false);
            _out.Out($"CustomData response: {CliOutput.Printable(reply)}");
            _out.Out("==== Custom data sent successfully ====");
        }

        if (NetworkSupport.From(info) is { Network: NetworkKind.Thread } thread)
        {
            return await ThreadCredentialsAsync(settings, client, thread, ct).ConfigureAwait(false);
        }

        var ssid = settings.Ssid;
        var passphrase = settings.Passphrase;
        if (settings.Scan || string.IsNullOrEmpty(ssid))
        {
            if (!settings.Scan && !terminal.IsInteractive)
            {
                return Stop(_out.Fail(ExitCodes.Usage, "--ssid is required when there is no terminal to pick a network from a scan (or use --scan to list networks)"));
            }

            if (!info.HasCapability(Capabilities.WifiScan))
            {
                _out.Out("---- Wi-Fi Scan List is empty! ----");
                return Stop(_out.Fail(settings.Scan ? ExitCodes.ScanFailed : ExitCodes.Usage,
                    "the device does not offer Wi-Fi scanning (no wifi_scan capability)" + (settings.Scan ? string.Empty : ": give --ssid")));
            }

            _steps.Own = ProvisioningStep.Scan;
            var picker = new ScanPicker(_out, terminal, _transcript is null ? null : _transcript.ScanResults);
            var picked = await picker.ScanAndPickAsync(client, pick: !settings.Scan, ct).ConfigureAwait(false);

            if (picked is null)
            {
                return Stop(picker.ExitCode);
            }

            ssid = picked.Ssid;
            if (passphrase is null && !picked.IsOpen)
            {
                passphrase = terminal.ReadSecret($"Enter passphrase for {ssid} : ");
            }
        }

        _steps.Own = null;
        var credentials = new WifiCredentials(ssid!, passphrase ?? string.Empty);
        try
        {
            credentials.Validate();
        }
        catch (ArgumentException ex)
        {
            return Stop(_out.Fail(ExitCodes.Usage, ex.Message.Split(" (Parameter", 2)[0]));
        }

        return credentials;
    }

    /// <summary>A Thread device: its dataset, given or built from a scan pick; null when the run ends here.</summary>
    private async ValueTask<NetworkCredentials?> ThreadCredentialsAsync(ProvisionSettings settings, ProvisioningClient client, NetworkSupport device, CancellationToken ct)
    {
        var dataset = settings.Dataset;
        if (settings.Scan || dataset is null)
        {
            if (!settings.Scan && !terminal.IsInteractive)
            {
                return Stop(_out.Fail(ExitCodes.Usage, "a Thread device needs its dataset: give --dataset_tlvs <hex> (or --dataset-file); without a terminal there is no scan to pick from"));
            }

            if (!device.CanScan)
            {
                return Stop(_out.Fail(settings.Scan ? ExitCodes.ScanFailed : ExitCodes.Usage,
                    "the device does not offer Thread scanning (no thread_scan capability)" + (settings.Scan ? string.Empty : ": give --dataset_tlvs")));
            }

            _steps.Own = ProvisioningStep.Scan;
            var picker = new ThreadPicker(_out, terminal);
            dataset = await picker.ScanAndPickAsync(client, pick: !settings.Scan, ct).ConfigureAwait(false);
            if (dataset is null)
            {
                return Stop(picker.ExitCode);
            }
        }
        else if (DatasetOptions.Incomplete(dataset, settings.DatasetSource) is { } incomplete)
        {
            _out.Warn(incomplete);
        }

        _steps.Own = null;
        return new EspProv.Thread.ThreadCredentials(dataset);
    }

    /// <summary>Reset or reprovision, of the device's kind of network; the device's answer is reported. Returns the exit code when the run ends here.</summary>
    private async Task<int?> ControlAsync(ProvisionSettings settings, ProvisioningClient client, NetworkSupport device, CancellationToken ct)
    {
        var thread = device.Network == NetworkKind.Thread;
        var kind = thread ? "Thread" : "Wi-Fi";
        try
        {
            if (settings.Reprov)
            {
                _out.Out("==== Reprovisioning device ====");
                await (thread ? EspProv.Thread.ThreadClient.ReprovisionThreadAsync(client, ct) : client.ReprovisionAsync(ct)).ConfigureAwait(false);
                _out.Out("==== Reprovisioning was successful ====");
                return ExitCodes.Success;
            }

            _out.Out($"==== Resetting {kind} config on the device ====");
            await (thread ? EspProv.Thread.ThreadClient.ResetThreadAsync(client, ct) : client.ResetWifiAsync(ct)).ConfigureAwait(false);
            _out.Out($"==== {kind} config reset successfully ====");
            return null;
        }
        catch (TransportException ex) when (ex.Failure == TransportFailure.EndpointNotFound)
        {
            _out.Out("---- Error in control command ----");
            return _out.Fail(ExitCodes.ControlFailed, "the device has no prov-ctrl endpoint (firmware before ESP-IDF 5.1): it cannot reset or reprovision; factory-reset it instead", ex);
        }
        catch (DeviceStatusException ex) when (!settings.Reprov && device.Generation == DeviceGeneration.WifiProvisioning)
        {
            _out.Out("---- Error in control command ----");
            return _out.Fail(ExitCodes.ControlFailed, $"{ex.Message}: wifi_provisioning firmware takes a reset only after a failed connection attempt", ex);
        }
    }

    private NetworkCredentials? Stop(int exitCode)
    {
        _stopExit = exitCode;
        return null;
    }
}
