using System.Text;
using EspProv.Cli.Provision;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Transport;

namespace EspProv.Web.Provisioning;

/// <summary>Where the page is in a run.</summary>
public enum Stage
{
    /// <summary>No device yet.</summary>
    PickDevice,

    /// <summary>Steps are running.</summary>
    Working,

    /// <summary>Waiting for the PoP, or the security 2 username and password.</summary>
    NeedSecurity,

    /// <summary>Waiting for the network, passphrase and custom data.</summary>
    NeedNetwork,

    /// <summary>The device joined the network.</summary>
    Joined,

    /// <summary>The device could not join; another passphrase may be tried when it allows a reset.</summary>
    WifiFailed,

    /// <summary>A step failed.</summary>
    Failed,
}

/// <summary>One line of the step log: esp_prov's words, and whether it is an error.</summary>
public sealed record LogLine(string Text, bool IsError);

/// <summary>The network the user chose: SSID, passphrase and optional custom data for the device's <c>custom-data</c> endpoint.</summary>
public sealed record NetworkChoice(string Ssid, string Passphrase, string CustomData);

/// <summary>
/// One provisioning run in the page, on the library's <see cref="ProvisioningClient.ProvisionAsync"/> (the CLI's step order and words,
/// <see cref="StepWording"/>). The flow waits for the user where the CLI would prompt: for secrets once the device's
/// version is known, for the network once the session is up. Secrets live only in memory for the run.
/// </summary>
public sealed class ProvisionSession(IProvisioningTransport transport, string deviceName) : IProvisioningObserver, IAsyncDisposable
{
    private readonly ProvisioningClient _client = new(transport, new ProvisioningClientOptions());
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource<ISecurity>? _security;
    private TaskCompletionSource<NetworkChoice>? _network;
    private WifiConnectionState? _lastState;
    private ProvisioningStep _step = ProvisioningStep.Connect;
    private string? _ssid;

    /// <summary>Raised whenever the page should render again.</summary>
    public event Action? Changed;

    /// <summary>The picked device's name.</summary>
    public string DeviceName { get; } = deviceName;

    /// <summary>The step log so far.</summary>
    public List<LogLine> Lines { get; } = [];

    /// <summary>Where the run is.</summary>
    public Stage Stage { get; private set; } = Stage.Working;

    /// <summary>The device's proto-ver answer, once read.</summary>
    public DeviceVersionInfo? Version { get; private set; }

    /// <summary>The scheme chosen for the device (while <see cref="Stage.NeedSecurity"/> and after).</summary>
    public SecurityChoice? Security { get; private set; }

    /// <summary>The user's explicit scheme (null = as the device says), used by the next run.</summary>
    public int? ExplicitScheme { get; set; }

    /// <summary>The networks the device sees, strongest first (null when it cannot scan).</summary>
    public IReadOnlyList<WifiNetwork>? Networks { get; private set; }

    /// <summary>True when the failed step can be run again on the same device (e.g. after a wrong PoP).</summary>
    public bool CanRetry { get; private set; }

    /// <summary>Connects, reads the version and runs the flow to its end (or to a wait for the user).</summary>
    public async Task RunAsync()
    {
        Stage = Stage.Working;
        CanRetry = false;
        _lastState = null;
        // The step in progress: the flow's own, or the page's (connect, scan, custom data), as the CLI reports it.
        try
        {
            _step = ProvisioningStep.Connect;
            Add($"==== Connecting to {DeviceName} ====");
            await transport.PrepareAsync(Endpoints.ProtoVer, _stop.Token).ConfigureAwait(true);
            var outcome = await _client.ProvisionAsync(new ProvisioningPlan
            {
                ChooseSecurity = (info, _) => new ValueTask<ISecurity>(AskSecurity(info)),
                Credentials = AskNetworkAsync,
            }, this, _stop.Token).ConfigureAwait(true);
            Succeeded((WifiConnectionInfo)outcome.Connection!);
        }
        catch (Exception ex) when (ex is ProvisioningException or ArgumentException or InvalidOperationException or System.Runtime.InteropServices.JavaScript.JSException)
        {
            // Anything else the browser throws still ends in a failure line, not a broken page.
            Fail(ex, _step);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The page is closing.
        }
    }

    /// <summary>Starts the session with the secrets given (or a pasted QR payload's), while <see cref="Stage.NeedSecurity"/>.</summary>
    /// <returns>Why they are not enough, or null.</returns>
    public string? SubmitSecurity(string pop, string username, string password)
    {
        if (Security is not { } choice || _security is null)
        {
            return "no device is waiting for security settings";
        }

        if (choice.Missing(pop, username, password) is { } missing)
        {
            return missing;
        }

        Stage = Stage.Working;
        _security.TrySetResult(choice.Create(pop, username, password));
        return null;
    }

    /// <summary>Sends the network choice, while <see cref="Stage.NeedNetwork"/>; returns why it is not valid, or null.</summary>
    public string? SubmitNetwork(NetworkChoice choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        try
        {
            new WifiCredentials(choice.Ssid, choice.Passphrase).Validate();
        }
        catch (ArgumentException ex)
        {
            return ex.Message.Split(" (Parameter", 2)[0];
        }

        Stage = Stage.Working;
        _network?.TrySetResult(choice);
        return null;
    }

    /// <summary>
    /// After a failed join: <c>prov-ctrl</c> reset, then the same SSID with <paramref name="passphrase"/>, on the same
    /// session (the CLI's <c>--reset</c>), without picking the device again.
    /// </summary>
    public async Task RetryPassphraseAsync(string passphrase)
    {
        Stage = Stage.Working;
        try
        {
            _step = ProvisioningStep.Control;
            Add("==== Resetting Wi-Fi config on the device ====");
            await _client.ResetWifiAsync(_stop.Token).ConfigureAwait(true);
            Add("==== Wi-Fi config reset successfully ====");
            _lastState = null;
            var credentials = new WifiCredentials(_ssid!, passphrase);
            await StepAsync(ProvisioningStep.SetConfig, () => _client.SetWifiConfigAsync(credentials, _stop.Token)).ConfigureAwait(true);
            await StepAsync(ProvisioningStep.ApplyConfig, () => _client.ApplyWifiConfigAsync(_stop.Token)).ConfigureAwait(true);
            _step = ProvisioningStep.Status;
            Add(StepWording.Starting(ProvisioningStep.Status)!);
            var connection = await _client.WaitForConnectionAsync(new Progress(this), _stop.Token).ConfigureAwait(true);
            Succeeded(connection);
        }
        catch (Exception ex) when (ex is ProvisioningException or ArgumentException or InvalidOperationException or System.Runtime.InteropServices.JavaScript.JSException)
        {
            Fail(ex, _step);
        }
    }

    ValueTask IProvisioningObserver.StepStartingAsync(ProvisioningStep provisioningStep, CancellationToken cancellationToken)
    {
        _step = provisioningStep;
        if (StepWording.Starting(provisioningStep) is { } line)
        {
            Add(line);
        }

        return ValueTask.CompletedTask;
    }

    ValueTask IProvisioningObserver.StepCompletedAsync(ProvisioningStep provisioningStep, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        if (StepWording.Completed(provisioningStep) is { } line)
        {
            Add(line);
        }

        return ValueTask.CompletedTask;
    }

    void IProvisioningObserver.VersionReceived(DeviceVersionInfo version)
    {
        Version = version;
        Add("==== Verified protocol version successfully ====");
        Add(StepWording.Device(version, Shown));
    }

    void IProvisioningObserver.ApplyAnswerLost(ProvisioningException failure) =>
        Add("---- No valid answer to apply: the device may have applied the config; asking it for its Wi-Fi status ----");

    void IProvisioningObserver.StatusReceived(NetworkStatus network)
    {
        if (network is not WifiStatus status)
        {
            return;
        }

        if (status.State != _lastState && status.State != WifiConnectionState.ConnectionFailed)
        {
            _lastState = status.State;
            Add($"++++ WiFi state: {StepWording.State(status.State)} ++++");
        }

        if (status.AttemptsRemaining is { } n)
        {
            Add($"++++ Attempt to connect failed, {n} attempts remaining ++++");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _security?.TrySetCanceled();
        _network?.TrySetCanceled();
        await _client.DisposeAsync().ConfigureAwait(false);
        await transport.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>Device text made safe to show: control characters dropped, at most 200 characters.</summary>
    internal static string Shown(string text)
    {
        var clean = new string([.. text.Where(c => !char.IsControl(c))]);
        return clean.Length <= 200 ? clean : string.Concat(clean.AsSpan(0, 200), "…");
    }

    private Task<ISecurity> AskSecurity(DeviceVersionInfo info)
    {
        Security = SecurityChoice.For(info, ExplicitScheme);
        if (Security.Note is { } note)
        {
            Add(note);
        }

        _security = new TaskCompletionSource<ISecurity>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Security.Missing(string.Empty, string.Empty, string.Empty) is null)
        {
            _security.SetResult(Security.Create(string.Empty, string.Empty, string.Empty));
        }
        else
        {
            Stage = Stage.NeedSecurity;
            Changed?.Invoke();
        }

        return _security.Task;
    }

    private async ValueTask<NetworkCredentials?> AskNetworkAsync(ProvisioningClient client, DeviceVersionInfo info, CancellationToken ct)
    {
        Networks = null;
        if (info.HasCapability(Capabilities.WifiScan))
        {
            _step = ProvisioningStep.Scan;
            Add("==== Scanning Wi-Fi APs ====");
            var found = await client.ScanAsync(cancellationToken: ct).ConfigureAwait(true);
            Networks = [.. found.OrderByDescending(n => n.Rssi)];
            if (Networks.Count == 0)
            {
                Add("---- No APs found! ----");
            }
        }

        _network = new TaskCompletionSource<NetworkChoice>(TaskCreationOptions.RunContinuationsAsynchronously);
        Stage = Stage.NeedNetwork;
        Changed?.Invoke();
        var choice = await _network.Task.ConfigureAwait(true);
        if (choice.CustomData.Length > 0)
        {
            _step = ProvisioningStep.CustomData;
            Add("==== Sending Custom data to esp32 ====");
            var reply = await client.SendDataAsync(Endpoints.CustomData, Encoding.UTF8.GetBytes(choice.CustomData), ct).ConfigureAwait(true);
            Add($"CustomData response: {Shown(Encoding.UTF8.GetString(reply))}");
            Add("==== Custom data sent successfully ====");
        }

        _ssid = choice.Ssid;
        return new WifiCredentials(choice.Ssid, choice.Passphrase);
    }

    private async Task StepAsync(ProvisioningStep step, Func<Task> action)
    {
        _step = step;
        Add(StepWording.Starting(step)!);
        await action().ConfigureAwait(true);
        Add(StepWording.Completed(step)!);
    }

    private void Succeeded(WifiConnectionInfo connection)
    {
        Add("==== Provisioning was successful ====");
        Add(StepWording.Joined(connection, Shown));
        Stage = Stage.Joined;
        Changed?.Invoke();
    }

    private void Fail(Exception ex, ProvisioningStep current)
    {
        if (ex is WifiConnectionFailedException wifi)
        {
            Add("++++ WiFi state: connection failed ++++", error: true);
            Add($"++++ Failure reason: {StepWording.FailureReason(wifi.Reason)} ++++", error: true);
            Add("---- Provisioning failed ----", error: true);
            Add(wifi.Message, error: true);
            // ESP-IDF 5.1+ firmware (JSON proto-ver) takes new credentials after a failed attempt once reset.
            Stage = Version is { IsJson: true } ? Stage.WifiFailed : Stage.Failed;
        }
        else
        {
            var step = ex is ProvisioningException { Step: { } s } ? s : current;
            Add(StepWording.FailureLine(step), error: true);
            Add(StepWording.ErrorLine(step, ex.Message.Split(" (Parameter", 2)[0]), error: true);
            Stage = Stage.Failed;
            CanRetry = step is ProvisioningStep.Connect or ProvisioningStep.ProtocolVersion or ProvisioningStep.Session;
        }

        Changed?.Invoke();
    }

    private void Add(string text, bool error = false)
    {
        Lines.Add(new LogLine(text, error));
        Changed?.Invoke();
    }

    private sealed class Progress(ProvisionSession session) : IProgress<WifiStatus>
    {
        public void Report(WifiStatus value) => ((IProvisioningObserver)session).StatusReceived(value);
    }
}
