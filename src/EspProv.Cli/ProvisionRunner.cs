using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Transport;
using EspProv.Cli.Transports;

namespace EspProv.Cli;

/// <summary>
/// One provisioning run in esp_prov's step order, printing esp_prov's <c>====</c>/<c>----</c> lines on stdout and
/// one error line on stderr, and mapping every failure to its step's exit code.
/// </summary>
internal sealed partial class ProvisionRunner(TextWriter output, TextWriter error, ITerminal terminal)
{
    private ProvisioningStep _step = ProvisioningStep.Connect;
    private bool _verbose;
    private bool _deviceIsJson;
    private int _scanExit;
    private string? _applyAnswerLost;
    private long _deadlineStarted;

    /// <summary>The bus BlueZ is on when it is not the system bus (tests); the simulator's own virtual BlueZ wins.</summary>
    public string? BleBusAddress { get; init; }

    public async Task<int> RunAsync(ProvisionSettings settings, CancellationToken cancellationToken)
    {
        _verbose = settings.Verbose;
        var protoVer = settings.ProtoVer ?? ProvisionOptions.DefaultProtoVer;
        Out($"==== Esp_Prov Version: {protoVer} ====");

        if (settings.SecVer is { } sv && sv is < 0 or > 2)
        {
            Out("---- Invalid Security Version ----");
            return Fail(ExitCodes.BadSecurityVersion, $"invalid security version {sv}: use 0, 1 or 2");
        }

        if (settings.Sec2GenCred)
        {
            return GenerateCredentials(settings);
        }

        if (Validate(settings) is { } usageError)
        {
            return Fail(ExitCodes.Usage, usageError);
        }

        if (settings.DeviceName is { } name)
        {
            Out($"Device soft AP (from the QR payload): '{name}': join this Wi-Fi network before provisioning");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        _deadlineStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var simulator = settings.Simulate
            ? await EmbeddedSimulator.StartAsync(settings, Out, deadline.Token).ConfigureAwait(false)
            : null;
        // One request waits at most 30 s, and at most half the overall deadline, so a stalled request leaves time to
        // recover (proto-ver retry, a new session for status polling) and to report the step that failed.
        var requestTimeout = TimeSpan.FromSeconds(Math.Min(30, Math.Max(0.5, settings.TimeoutSeconds / 2)));
        var (setup, setupError) = await TransportFactory.CreateAsync(
            new TransportContext(settings, simulator?.Endpoint, requestTimeout, _verbose ? Verbose : null, terminal, Out,
                simulator?.BusAddress ?? BleBusAddress), deadline.Token).ConfigureAwait(false);
        if (setupError is not null)
        {
            if (setupError.EspProvLine is { } line)
            {
                Out(line);
            }

            return Fail(setupError.ExitCode, setupError.Message);
        }

        await using var transport = setup!.Transport;
        var polling = StatusPolling.Default with { Timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds) };
        if (settings.PollIntervalMs is { } cap)
        {
            var max = TimeSpan.FromMilliseconds(cap);
            polling = polling with { MaxInterval = max, InitialInterval = polling.InitialInterval < max ? polling.InitialInterval : max };
        }

        await using var client = new ProvisioningClient(transport, new ProvisioningClientOptions
        {
            Log = _verbose ? Verbose : null,
            Polling = polling,
        });

        try
        {
            return await RunStepsAsync(settings, setup, client, protoVer, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Once apply has been sent the device may be joining: a deadline there is "outcome unknown", never "failed".
            var step = _step == ProvisioningStep.ApplyConfig ? ProvisioningStep.Status : _step;
            return StepFailed(step, $"timed out after {settings.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)} s during {Describe(_step)}"
                + (step == ProvisioningStep.Status ? ApplyAdvice : string.Empty));
        }
        catch (WifiConnectionFailedException ex)
        {
            Out("++++ WiFi state: connection failed ++++");
            Out($"++++ Failure reason: {(ex.Reason switch { WifiFailureReason.AuthError => "Incorrect Password", WifiFailureReason.NetworkNotFound => "Incorrect SSID", _ => "Unknown" })} ++++");
            Out("---- Provisioning failed ----");
            var code = Fail(ExitCodes.WifiConnectionFailed, ex.Message, ex);
            if (_deviceIsJson)
            {
                // ESP-IDF 5.1+ firmware accepts new credentials after a failed attempt once they are reset.
                error.WriteLine("esp-prov: to retry without a factory reset: esp-prov --reset --ssid <ssid> --passphrase <passphrase> (firmware with prov-ctrl, ESP-IDF 5.1+)");
            }

            return code;
        }
        catch (ProvisioningException ex)
        {
            return StepFailed(ex.Step ?? _step, ex.Message, ex);
        }
        catch (ArgumentException ex)
        {
            return Fail(ExitCodes.Usage, ex.Message);
        }
    }

    private string? Validate(ProvisionSettings settings)
    {
        if (settings.TimeoutSeconds is <= 0 or > 86400 || double.IsNaN(settings.TimeoutSeconds))
        {
            return "--timeout must be between 0 and 86400 seconds";
        }

        if (settings.PollIntervalMs is < 1 or > 60000)
        {
            return "--poll_interval must be between 1 and 60000 ms";
        }

        if (settings.UsageError is not null)
        {
            return settings.UsageError;
        }

        if (settings.Reset && settings.Reprov)
        {
            return "--reset and --reprov exclude each other";
        }

        if (string.IsNullOrEmpty(settings.Ssid))
        {
            // --scan/--reset/--reprov need no SSID; otherwise it is picked from a scan, which needs a person at a terminal.
            return settings.Scan || settings.Reset || settings.Reprov || terminal.IsInteractive
                ? null
                : "--ssid is required: the SSID of the network the device should join (without a terminal there is no scan to pick from)";
        }

        try
        {
            new WifiCredentials(settings.Ssid, settings.Passphrase ?? string.Empty).Validate();
        }
        catch (ArgumentException ex)
        {
            return ex.Message.Split(" (Parameter", 2)[0];
        }

        return null;
    }

    private async Task<int> RunStepsAsync(ProvisionSettings settings, TransportSetup setup, ProvisioningClient client, string protoVer, CancellationToken ct)
    {
        _step = ProvisioningStep.Connect;
        Verbose($"connecting to {setup.Target}");
        try
        {
            await setup.Transport.PrepareAsync(ct).ConfigureAwait(false);
        }
        catch (TransportException ex)
        {
            Out("---- Failed to establish connection ----");
            return Fail(ExitCodes.NoConnection, $"connect failed: {ex.Message}", ex);
        }

        _step = ProvisioningStep.ProtocolVersion;
        Out("==== Verifying protocol version ====");
        var info = await client.GetVersionAsync(protoVer, ct).ConfigureAwait(false);
        var mustMatch = settings.ProtoVer is not null || !info.IsJson;
        if (mustMatch && !info.Matches(protoVer))
        {
            throw new ProtocolVersionMismatchException(protoVer, info.Version ?? info.Raw);
        }

        Out("==== Verified protocol version successfully ====");
        _deviceIsJson = info.IsJson;
        Out(info.IsJson
            ? $"Device: provisioning {Shown(info.Version ?? "?")}, security {(info.SecurityVersion?.ToString(CultureInfo.InvariantCulture) ?? "not stated")}, capabilities [{Shown(string.Join(", ", info.Capabilities))}]"
            : $"Device: {Shown(info.Raw)}");

        var security = ChooseSecurity(settings, info);
        if (security is null)
        {
            return ExitCodes.Usage;
        }

        _step = ProvisioningStep.Session;
        Out("==== Starting Session ====");
        await client.EstablishSessionAsync(security, ct).ConfigureAwait(false);
        Out("==== Session Established ====");

        if (settings.Reset || settings.Reprov)
        {
            _step = ProvisioningStep.Control;
            try
            {
                if (settings.Reprov)
                {
                    Out("==== Reprovisioning device ====");
                    await client.ReprovisionAsync(ct).ConfigureAwait(false);
                    Out("==== Reprovisioning was successful ====");
                    return ExitCodes.Success;
                }

                Out("==== Resetting Wi-Fi config on the device ====");
                await client.ResetWifiAsync(ct).ConfigureAwait(false);
                Out("==== Wi-Fi config reset successfully ====");
            }
            catch (TransportException ex) when (ex.Failure == TransportFailure.EndpointNotFound)
            {
                Out("---- Error in control command ----");
                return Fail(ExitCodes.ControlFailed, "the device has no prov-ctrl endpoint (firmware before ESP-IDF 5.1): it cannot reset or reprovision; factory-reset it instead", ex);
            }

            if (string.IsNullOrEmpty(settings.Ssid))
            {
                return ExitCodes.Success;
            }
        }

        if (settings.CustomConfig)
        {
            _step = ProvisioningStep.CustomConfig;
            Out("==== Sending Custom config to esp32 ====");
            await client.SendCustomConfigAsync(settings.CustomInfo, settings.CustomVer, ct).ConfigureAwait(false);
            Out("==== Custom config sent successfully ====");
        }

        if (settings.CustomData is { } data)
        {
            _step = ProvisioningStep.CustomData;
            Out("==== Sending Custom data to esp32 ====");
            var reply = await client.SendDataAsync(Endpoints.CustomData, Encoding.UTF8.GetBytes(data), ct).ConfigureAwait(false);
            Out($"CustomData response: {Printable(reply)}");
            Out("==== Custom data sent successfully ====");
        }

        var ssid = settings.Ssid;
        var passphrase = settings.Passphrase;
        if (settings.Scan || string.IsNullOrEmpty(ssid))
        {
            if (!settings.Scan && !terminal.IsInteractive)
            {
                return Fail(ExitCodes.Usage, "--ssid is required when there is no terminal to pick a network from a scan (or use --scan to list networks)");
            }

            if (!info.HasCapability("wifi_scan"))
            {
                Out("---- Wi-Fi Scan List is empty! ----");
                return Fail(settings.Scan ? ExitCodes.ScanFailed : ExitCodes.Usage,
                    "the device does not offer Wi-Fi scanning (no wifi_scan capability)" + (settings.Scan ? string.Empty : ": give --ssid"));
            }

            var picked = await ScanAndPickAsync(client, pick: !settings.Scan, ct).ConfigureAwait(false);
            if (picked is null)
            {
                return _scanExit;
            }

            ssid = picked.Ssid;
            if (passphrase is null && !picked.IsOpen)
            {
                passphrase = terminal.ReadSecret($"Enter passphrase for {ssid} : ");
            }
        }

        var credentials = new WifiCredentials(ssid!, passphrase ?? string.Empty);
        try
        {
            credentials.Validate();
        }
        catch (ArgumentException ex)
        {
            return Fail(ExitCodes.Usage, ex.Message.Split(" (Parameter", 2)[0]);
        }

        _step = ProvisioningStep.SetConfig;
        Out("==== Sending Wi-Fi credential to esp32 ====");
        await client.SetWifiConfigAsync(credentials, ct).ConfigureAwait(false);
        Out("==== Wi-Fi Credentials sent successfully ====");

        _step = ProvisioningStep.ApplyConfig;
        Out("==== Applying config to esp32 ====");
        try
        {
            await client.ApplyWifiConfigAsync(ct).ConfigureAwait(false);
            Out("==== Apply config sent successfully ====");
        }
        catch (ProvisioningException ex) when (ApplyMayHaveReachedDevice(ex))
        {
            // The device may have applied the credentials and be joining. Apply is never sent twice: the device's own
            // status (on a new session) decides the outcome, and "unknown" if it cannot be reached.
            _applyAnswerLost = ex.Message;
            Out("---- No valid answer to apply: the device may have applied the config; asking it for its Wi-Fi status ----");
            Verbose($"apply: {ex.Message}");
        }

        _step = ProvisioningStep.Status;
        Out("==== Wi-Fi connection state  ====");
        var lastState = (WifiConnectionState?)null;
        var progress = new SynchronousProgress<WifiStatus>(status =>
        {
            if (status.State != lastState && status.State != WifiConnectionState.ConnectionFailed)
            {
                lastState = status.State;
                Out($"++++ WiFi state: {StateText(status.State)} ++++");
            }

            if (status.AttemptsRemaining is { } n)
            {
                Out($"++++ Attempt to connect failed, {n} attempts remaining ++++");
            }
        });
        // The wait ends a little before the overall deadline, so it reports its own verdict ("outcome unknown" and why)
        // rather than being cut off by the deadline's cancellation.
        var left = TimeSpan.FromSeconds(settings.TimeoutSeconds) - System.Diagnostics.Stopwatch.GetElapsedTime(_deadlineStarted);
        var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, left.Ticks / 10));
        var waitLimit = left - margin > TimeSpan.FromMilliseconds(1) ? left - margin : TimeSpan.FromMilliseconds(1);
        var connection = await client.WaitForConnectionAsync(waitLimit, progress, ct).ConfigureAwait(false);
        Out("==== Provisioning was successful ====");
        Out($"Device joined '{Shown(connection.Ssid)}'"
            + (connection.Bssid.IsEmpty ? string.Empty : $" (BSSID {connection.BssidText}, channel {connection.Channel}, {ScanTable.AuthName(connection.AuthMode)})")
            + $": IP address {connection.IPAddress}");
        return ExitCodes.Success;
    }
}
