using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using EspProv.Cli.Doctor;
using EspProv.Cli.Output;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Transport;
using EspProv.Transport.Recording;

namespace EspProv.Cli.Transcript;

/// <summary>
/// One run's <c>--transcript</c>: the exchanges (through a <see cref="RecordingTransport"/>), the steps or checks, the
/// device's version answer and the outcome, written as one JSON document when the run ends, also on failure and Ctrl+C.
/// What can be in it is whitelisted: names, sizes, timings, enums, the device's public version answer, the non-secret
/// fields of a Wi-Fi status, and the run's one-line messages (which never hold a secret, and are scrubbed anyway).
/// </summary>
internal sealed class TranscriptSession
{
    private readonly Lock _gate = new();
    private readonly List<TranscriptEvent> _events = [];
    private readonly FileInfo _file;

    private TranscriptSession(FileInfo file, string command, ProvisionSettings settings)
    {
        _file = file;
        Command = command;
        Settings = settings;
        Redactor = new NetworkRedactor(settings.RedactNetwork);
        Redactor.Ssid(settings.Ssid);
        Redactor.Ssid(settings.DeviceName);
        StartedAt = DateTimeOffset.UtcNow;
    }

    public string Command { get; }

    public ProvisionSettings Settings { get; }

    public NetworkRedactor Redactor { get; }

    public TransportRecorder Recorder { get; } = new();

    public DateTimeOffset StartedAt { get; }

    public string? Target { get; set; }

    public DeviceVersionInfo? Version { get; set; }

    public int? ExitCode { get; private set; }

    public string? Message { get; private set; }

    public IReadOnlyList<TranscriptEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>A session when <c>--transcript</c> was given, else null.</summary>
    public static TranscriptSession? Start(ProvisionSettings settings, string command) =>
        settings.Transcript is { } file ? new TranscriptSession(file, command, settings) : null;

    /// <summary>
    /// Runs <paramref name="run"/> with an error writer that also keeps the first error line, records the outcome (also
    /// on Ctrl+C) and writes the transcript however the run ends; a transcript that cannot be written is one more line.
    /// </summary>
    public async Task<int> RunAsync(TextWriter error, Func<TextWriter, Task<int>> run)
    {
        var tee = new ErrorTee(error);
        try
        {
            var code = await run(tee).ConfigureAwait(false);
            Outcome(code, tee.FirstError);
            return code;
        }
        catch (OperationCanceledException)
        {
            Outcome(ExitCodes.Interrupted, "interrupted");
            throw;
        }
        finally
        {
            if (Write() is { } problem)
            {
                await error.WriteLineAsync($"esp-prov: {Provision.CliOutput.OneLine(problem)}").ConfigureAwait(false);
            }
        }
    }

    public IProvisioningTransport Wrap(IProvisioningTransport transport) => new RecordingTransport(transport, Recorder);

    public IProvisioningObserver Observe(IProvisioningObserver inner) => new Observer(this, inner);

    public void Add(string kind, params (string Key, string? Value)[] fields)
    {
        lock (_gate)
        {
            _events.Add(new TranscriptEvent(Recorder.Elapsed, kind, [.. fields.Select(f => KeyValuePair.Create(f.Key, f.Value))]));
        }
    }

    public void Check(CheckResult check) => Add("check", ("check", check.Name), ("status", CheckResult.Word(check.Status)),
        ("detail", check.Detail), ("advice", check.Advice), ("exit_code", check.Status == CheckStatus.Failed ? Num(check.ExitCode) : null));

    /// <summary>The run's outcome; the first call wins (a later, more generic one does not overwrite it).</summary>
    /// <summary>The device's scan, one event per network, names and addresses through <see cref="Redactor"/>.</summary>
    public void ScanResults(IReadOnlyList<WifiNetwork> networks)
    {
        foreach (var n in networks)
        {
            Add("scan_result", ("ssid", Redactor.Ssid(n.Ssid)), ("bssid", Redactor.Bssid(n.Bssid?.ToString())),
                ("channel", Num(n.Channel)), ("rssi", Num(n.Rssi)), ("auth_mode", JsonNames.AuthMode(n.AuthMode)));
        }
    }

    public void Outcome(int exitCode, string? message)
    {
        ExitCode ??= exitCode;
        Message ??= message;
    }

    /// <summary>Writes the document; returns an error line when the file cannot be written (the run's exit code stands).</summary>
    public string? Write()
    {
        try
        {
            var bytes = TranscriptWriter.Serialize(this, RunInfo());
            File.WriteAllBytes(_file.FullName, bytes);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"cannot write the transcript '{_file.Name}': {ex.Message}";
        }
    }

    /// <summary>The secrets of this run, to scrub from every string written (belt and braces: none should be there).</summary>
    public IEnumerable<string> Secrets() =>
        new[] { Settings.Pop, Settings.Sec2Password, Settings.Passphrase }.Where(s => !string.IsNullOrEmpty(s)).Select(s => s!);

    private static (string Tool, string Version, string Os, string Runtime) RunInfo() =>
        ("esp-prov",
         typeof(TranscriptSession).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?",
         RuntimeInformation.OSDescription,
         RuntimeInformation.RuntimeIdentifier);

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Relays the flow's steps to the run's own observer and records them.</summary>
    private sealed class Observer(TranscriptSession session, IProvisioningObserver inner) : IProvisioningObserver
    {
        public ValueTask StepStartingAsync(ProvisioningStep provisioningStep, CancellationToken cancellationToken)
        {
            session.Recorder.Label = JsonNames.Step(provisioningStep);
            session.Add("step_started", ("step", JsonNames.Step(provisioningStep)));
            return inner.StepStartingAsync(provisioningStep, cancellationToken);
        }

        public ValueTask StepCompletedAsync(ProvisioningStep provisioningStep, TimeSpan elapsed, CancellationToken cancellationToken)
        {
            session.Add("step_completed", ("step", JsonNames.Step(provisioningStep)),
                ("elapsed_ms", ((long)elapsed.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)));
            // What runs between the flow's steps (scan, control, custom data) is told by its endpoint, not by a stale label.
            session.Recorder.Label = null;
            return inner.StepCompletedAsync(provisioningStep, elapsed, cancellationToken);
        }

        public void VersionReceived(DeviceVersionInfo version)
        {
            session.Version = version;
            inner.VersionReceived(version);
        }

        public void ApplyAnswerLost(ProvisioningException failure)
        {
            session.Add("apply_answer_lost", ("error", failure.GetType().Name), ("message", failure.Message));
            inner.ApplyAnswerLost(failure);
        }

        public void StatusReceived(NetworkStatus status)
        {
            if (status is WifiStatus wifi)
            {
                Wifi(wifi);
            }
            else if (status is EspProv.Thread.ThreadStatus thread)
            {
                // The network's name is redacted as an SSID is; PAN IDs and channels are not secrets.
                var n = thread.Network;
                session.Add("status", ("state", thread.State.ToString()), ("fail_reason", thread.FailureReason?.ToString()),
                    ("network_name", session.Redactor.Ssid(n?.NetworkName)), ("pan_id", n is null ? null : $"0x{n.PanId:x4}"),
                    ("channel", n?.Channel.ToString(CultureInfo.InvariantCulture)));
            }

            inner.StatusReceived(status);
        }

        private void Wifi(WifiStatus status)
        {
            var c = status.Connection;
            session.Add("status", ("state", status.State.ToString()), ("fail_reason", status.FailureReason?.ToString()),
                ("attempts_remaining", status.AttemptsRemaining?.ToString(CultureInfo.InvariantCulture)),
                ("ip", session.Redactor.Ip(c?.IPAddress.ToString())), ("ssid", session.Redactor.Ssid(c?.Ssid)),
                ("bssid", session.Redactor.Bssid(c?.Bssid?.ToString())), ("channel", c?.Channel.ToString(CultureInfo.InvariantCulture)),
                ("auth_mode", c is null ? null : JsonNames.AuthMode(c.AuthMode)));
        }
    }
}

/// <summary>Something that happened during the run, with its time from the start and whitelisted fields.</summary>
internal sealed record TranscriptEvent(TimeSpan At, string Kind, IReadOnlyList<KeyValuePair<string, string?>> Fields);
