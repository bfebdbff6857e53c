using System.Security.Cryptography;
using EspProv.Exceptions;
using EspProv.Protocol;
using EspProv.Security;
using EspProv.Transport;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace EspProv.Provisioning;

/// <summary>
/// The provisioning flow over any transport and any security scheme: version → session → (custom config) →
/// set config → apply → status. Each step is one call; <see cref="ProvisionAsync"/> runs them all as a plan says.
/// Knows no concrete transport or security type.
/// </summary>
/// <remarks>
/// Not thread-safe: one flow at a time, as the device serves one session at a time. The client does not own the
/// transport unless <paramref name="ownsTransport"/> is true.
/// </remarks>
/// <param name="transport">Moves the bytes.</param>
/// <param name="options">Settings; null = defaults.</param>
/// <param name="ownsTransport">Dispose the transport with the client.</param>
public sealed class ProvisioningClient(IProvisioningTransport transport, ProvisioningClientOptions? options = null, bool ownsTransport = false)
    : IAsyncDisposable
{
    private readonly IProvisioningTransport _transport = transport ?? throw new ArgumentNullException(nameof(transport));
    private readonly ProvisioningClientOptions _options = Validated(options ?? new ProvisioningClientOptions());
    private ILogger? _logger;
    private ISecurity? _security;
    private ISecuritySession? _session;

    // The transport link generation the session's handshake ended on (see IProvisioningTransport.PrepareAsync).
    private long _sessionLink;

    // For the step helpers (StatusWaiter, WifiScanReader, WifiControl), which share the client's session and options.
    internal TimeProvider Clock => _options.TimeProvider;

    internal StatusPolling Polling => _options.Polling;

    internal IProvisioningTransport Transport => _transport;

    internal ISecurity? Security => _security;

    internal int MaxResponseBytes => _transport.MaxResponseBytes;

    /// <summary>The client's logger (category <c>EspProv.Provisioning.ProvisioningClient</c>), shared with the step helpers.</summary>
    internal ILogger Logger => _logger ??= _options.LoggerFactory.CreateLogger<ProvisioningClient>();

    /// <summary>True while a security session is established and in step with the device.</summary>
    public bool HasSession => _session is { IsEstablished: true };

    /// <summary>The scheme of the last established session, if any.</summary>
    public SecurityScheme? Scheme => _security?.Scheme;

    private static ProvisioningClientOptions Validated(ProvisioningClientOptions options)
    {
        options.Validate();
        return options;
    }

    /// <summary>The version esp_prov expects and sends in its <c>proto-ver</c> request: <c>V0.1</c>.</summary>
    public const string DefaultVersion = "V0.1";

    /// <summary>
    /// Asks <c>proto-ver</c> for the device's version and capabilities (the request says <see cref="DefaultVersion"/>,
    /// as esp_prov's does; firmware ignores it). Retried on transient connection errors, since it is unencrypted and
    /// idempotent.
    /// </summary>
    public Task<DeviceVersionInfo> GetVersionAsync(CancellationToken cancellationToken = default) =>
        QueryVersionAsync(DefaultVersion, cancellationToken);

    /// <summary><c>proto-ver</c> with <paramref name="body"/> as the request (esp_prov sends the version it expects).</summary>
    internal async Task<DeviceVersionInfo> QueryVersionAsync(string body, CancellationToken cancellationToken)
    {
        var request = System.Text.Encoding.UTF8.GetBytes(string.IsNullOrEmpty(body) ? "---" : body);
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var response = await _transport.SendAsync(Endpoints.ProtoVer, request, cancellationToken).ConfigureAwait(false);
                var info = DeviceVersionInfo.Parse(response);
                Logger.VersionReceived(info.Describe());

                return info;
            }
            catch (TransportException ex) when (attempt < _options.VersionRetries && IsTransient(ex))
            {
                Logger.VersionRetry(ex.Message, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }
            catch (TransportException ex) when (ex.Step is null)
            {
                throw ex.AtStep(ProvisioningStep.ProtocolVersion);
            }
        }
    }

    private static bool IsTransient(TransportException ex) =>
        ex.Failure is TransportFailure.ClosedWithoutResponse or TransportFailure.LinkLost or TransportFailure.ConnectionRefused;

    /// <summary>
    /// Checks the device's version against <paramref name="expectedVersion"/>
    /// (docs/protocol.md#how-clients-use-proto-ver: equal to the plain string, or to <c>prov.ver</c> of a JSON answer,
    /// ignoring case) and returns the version info. Throws <see cref="ProtocolVersionMismatchException"/> when it
    /// differs.
    /// </summary>
    public async Task<DeviceVersionInfo> VerifyVersionAsync(string expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(expectedVersion);
        var info = await QueryVersionAsync(expectedVersion, cancellationToken).ConfigureAwait(false);
        if (!info.Matches(expectedVersion))
        {
            throw new ProtocolVersionMismatchException(expectedVersion, info.Version ?? info.Raw);
        }

        return info;
    }

    /// <summary>
    /// Runs the <c>prov-session</c> handshake of <paramref name="security"/>. On success later calls are encrypted
    /// with the new session. Throws <see cref="SessionFailedException"/>; when the device drops the connection at the
    /// proof step, its message names the likely cause (wrong PoP / password).
    /// </summary>
    public async Task EstablishSessionAsync(ISecurity security, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(security);
        SchemeFit.Ensure(_transport, security.Scheme);
        DropSession();
        var session = security.CreateSession();
        try
        {
            var request = session.CreateFirstRequest();
            while (request is not null)
            {
                byte[] response;
                try
                {
                    _sessionLink = (await _transport.PrepareAsync(Endpoints.Session, cancellationToken).ConfigureAwait(false)).Generation;
                    Logger.Handshake(sent: true, session.Stage, request);
                    response = await _transport.SendAsync(Endpoints.Session, request, cancellationToken).ConfigureAwait(false);
                    Logger.Handshake(sent: false, session.Stage, response);
                }
                catch (TransportException ex)
                {
                    throw SessionFailures.FromTransport(session, ex);
                }

                request = session.HandleResponse(response);
            }

            _session = session;
            _security = security;
            Logger.SessionEstablished((int)security.Scheme);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <c>custom-config</c> (the ESP8266 custom_config example: an info string and a version number) and
    /// checks the application's status. Throws <see cref="DeviceStatusException"/> when the application rejects it.
    /// </summary>
    public async Task SendCustomConfigAsync(string info, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(info);
        var request = CustomConfigMessages.Request(info, version);
        Logger.CustomConfigSending(info, version);
        var reply = await ExchangeAsync(ProvisioningStep.CustomConfig, Endpoints.CustomConfig, request, cancellationToken).ConfigureAwait(false);
        var status = CustomConfigMessages.ParseStatus(reply);
        Logger.CustomConfigResult(status);
        CustomConfigMessages.CheckAccepted(status);
    }

    /// <summary>
    /// Sends raw bytes to an application endpoint (e.g. <c>custom-data</c>) over the secure session and returns the
    /// decrypted reply.
    /// </summary>
    public async Task<byte[]> SendDataAsync(string endpoint, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        if (data.IsEmpty)
        {
            throw new ArgumentException("devices reject empty bodies; send at least one byte", nameof(data));
        }

        var reply = await ExchangeAsync(ProvisioningStep.CustomData, endpoint, data, cancellationToken).ConfigureAwait(false);
        Logger.DataExchanged(endpoint, data.Length, reply.Length);
        return reply;
    }

    /// <summary>
    /// Sends the Wi-Fi credentials (<c>prov-config</c> SetConfig). Validates them first (SSID 1–32 bytes, passphrase
    /// at most 64 bytes, BSSID 0 or 6 bytes): nothing is sent when they are invalid.
    /// </summary>
    public async Task SetWifiConfigAsync(WifiCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        credentials.Validate();
        var request = WifiConfigMessages.SetConfig(credentials);
        Logger.SetConfigSending(credentials);

        byte[] reply;
        try
        {
            reply = await ExchangeAsync(ProvisioningStep.SetConfig, Endpoints.Config, request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(request);
        }

        var payload = WifiConfigMessages.ParseReply(this, ProvisioningStep.SetConfig, reply, WiFiConfigMsgType.TypeRespSetConfig, WiFiConfigPayload.PayloadOneofCase.RespSetConfig);
        WifiConfigMessages.CheckStatus(ProvisioningStep.SetConfig, payload.RespSetConfig.Status, "the device rejected the Wi-Fi config");
        Logger.SetConfigAccepted();
    }

    /// <summary>Applies the credentials (<c>prov-config</c> ApplyConfig): the device starts joining the network. Never resent.</summary>
    public async Task ApplyWifiConfigAsync(CancellationToken cancellationToken = default)
    {
        var request = WifiConfigMessages.Apply();
        var reply = await ExchangeAsync(ProvisioningStep.ApplyConfig, Endpoints.Config, request, cancellationToken).ConfigureAwait(false);
        var payload = WifiConfigMessages.ParseReply(this, ProvisioningStep.ApplyConfig, reply, WiFiConfigMsgType.TypeRespApplyConfig, WiFiConfigPayload.PayloadOneofCase.RespApplyConfig);
        WifiConfigMessages.CheckStatus(ProvisioningStep.ApplyConfig, payload.RespApplyConfig.Status, "the device could not apply the Wi-Fi config (were credentials sent, or already applied?)");
        Logger.ApplyAccepted();
    }

    /// <summary>Asks the device for its Wi-Fi station state once.</summary>
    public async Task<WifiStatus> GetWifiStatusAsync(CancellationToken cancellationToken = default)
    {
        var request = WifiConfigMessages.GetStatus();
        var reply = await ExchangeAsync(ProvisioningStep.Status, Endpoints.Config, request, cancellationToken).ConfigureAwait(false);
        var payload = WifiConfigMessages.ParseReply(this, ProvisioningStep.Status, reply, WiFiConfigMsgType.TypeRespGetStatus, WiFiConfigPayload.PayloadOneofCase.RespGetStatus);
        var status = ProtocolMapping.ToWifiStatus(payload.RespGetStatus, Endpoints.Config);
        Logger.StatusReceived(status);
        return status;
    }

    /// <summary>
    /// Polls the Wi-Fi status after apply until the device reports a verdict, on the schedule of
    /// <see cref="ProvisioningClientOptions.Polling"/>. Returns the connection details when the device joined; throws
    /// <see cref="WifiConnectionFailedException"/> with the device's reason when it could not, and
    /// <see cref="StatusUnknownException"/> when no verdict came before the deadline or the device stopped answering
    /// (after apply it may switch channel to join the router, so the soft AP drops). A poll lost at the transport level is
    /// never resent on its session: the client reconnects and runs a new handshake, for up to
    /// <see cref="StatusPolling.ReconnectWindow"/>. A new handshake that fails here (the device keys sessions by link and
    /// refuses the connection once it joined) is a lost poll too: the outcome is unknown, never a
    /// <see cref="SessionFailedException"/>.
    /// </summary>
    public Task<WifiConnectionInfo> WaitForConnectionAsync(IProgress<WifiStatus>? progress = null, CancellationToken cancellationToken = default) =>
        WaitForConnectionAsync(_options.Polling.Timeout, progress, cancellationToken);

    /// <summary>
    /// As <see cref="WaitForConnectionAsync(IProgress{WifiStatus}?, CancellationToken)"/>, with its own limit instead of
    /// <see cref="StatusPolling.Timeout"/>: a caller with an overall deadline passes what is left of it, so the verdict
    /// (or "outcome unknown" with its reason) arrives before the caller's token cancels.
    /// </summary>
    public async Task<WifiConnectionInfo> WaitForConnectionAsync(TimeSpan timeout, IProgress<WifiStatus>? progress = null, CancellationToken cancellationToken = default) =>
        (WifiConnectionInfo)await WifiStatusJudge.Waiter(this).WaitAsync(timeout, progress, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Asks the device to scan for Wi-Fi networks (<c>prov-scan</c>, needs the <c>wifi_scan</c> capability) and reads
    /// all results page by page. Returns them in the device's order (firmware sorts by RSSI, strongest first).
    /// </summary>
    public Task<IReadOnlyList<WifiNetwork>> ScanAsync(WifiScanOptions? options = null, CancellationToken cancellationToken = default) =>
        new WifiScanReader(this).ScanAsync(options, cancellationToken);

    /// <summary>
    /// <c>prov-ctrl</c> reset (ESP-IDF 5.1+): clears the device's Wi-Fi config so new credentials can be sent without a
    /// factory reset. Throws <see cref="DeviceStatusException"/> when the device refuses: wifi_provisioning allows it only
    /// after a failed connection attempt, network_provisioning whenever it is in provisioning mode (docs/netprov.md#control).
    /// </summary>
    public Task ResetWifiAsync(CancellationToken cancellationToken = default) =>
        WifiControl.SendAsync(this, WiFiCtrlMsgType.TypeCmdCtrlReset, WiFiCtrlMsgType.TypeRespCtrlReset,
            "the device refused to reset its Wi-Fi config", cancellationToken);

    /// <summary>
    /// <c>prov-ctrl</c> reprovision (ESP-IDF 5.1+): clears the credentials and restarts provisioning. Allowed only when
    /// the application disabled auto-stop of the provisioning service.
    /// </summary>
    public Task ReprovisionAsync(CancellationToken cancellationToken = default) =>
        WifiControl.SendAsync(this, WiFiCtrlMsgType.TypeCmdCtrlReprov, WiFiCtrlMsgType.TypeRespCtrlReprov,
            "the device refused to reprovision (its application must disable auto-stop for that)", cancellationToken);

    /// <summary>
    /// Runs a whole provisioning flow in esp_prov's order: version → session → (custom config) → set config → apply →
    /// wait for the verdict, as <paramref name="plan"/> says, telling <paramref name="observer"/> each step. Apply is
    /// never sent twice: when its answer is lost the device's status decides. Returns the outcome; throws the typed
    /// <see cref="ProvisioningException"/> of the step that failed (<see cref="NetworkConnectionFailedException"/> when the
    /// device could not join, <see cref="StatusUnknownException"/> when no verdict came).
    /// </summary>
    /// <example>
    /// <code>
    /// var outcome = await client.ProvisionAsync(ProvisioningPlan.For(new Security1(pop), new WifiCredentials(ssid, passphrase)), cancellationToken: ct);
    /// var joined = (WifiConnectionInfo)outcome.Connection!;
    /// </code>
    /// </example>
    public Task<ProvisioningOutcome> ProvisionAsync(ProvisioningPlan plan, IProvisioningObserver? observer = null, CancellationToken cancellationToken = default) =>
        new ProvisioningFlow(this, observer).RunAsync(plan, cancellationToken);

    /// <summary>Closes the current security session (the next encrypted call needs a new one).</summary>
    public void DropSession()
    {
        _session?.Dispose();
        _session = null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        DropSession();
        if (ownsTransport)
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One encrypted exchange. If anything goes wrong after encryption (transport error, cancellation, a reply that
    /// does not authenticate), the cipher state is unknown, so the session is dropped: never resent on the old one.
    /// </summary>
    internal async Task<byte[]> ExchangeAsync(ProvisioningStep step, string endpoint, ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken)
    {
        var session = _session;
        if (session is not { IsEstablished: true })
        {
            throw new SessionNotEstablishedException(step, endpoint, $"/{endpoint}: no secure session (establish one first; a failed encrypted exchange ends the session)");
        }

        session = await EnsureSessionOnLinkAsync(step, endpoint, session, cancellationToken).ConfigureAwait(false);
        var ciphertext = session.Encrypt(plaintext.Span);
        byte[] response;
        try
        {
            response = await _transport.SendAsync(endpoint, ciphertext, cancellationToken).ConfigureAwait(false);
        }
        catch (TransportException ex) when (ex.Step is null)
        {
            DropSession();
            throw ex.AtStep(step);
        }
        catch
        {
            DropSession();
            throw;
        }

        if (!session.TryDecrypt(response, out var decrypted))
        {
            DropSession();
            throw new InvalidResponseException(step, endpoint, $"/{endpoint}: the device's reply failed authentication (garbled, or the session is out of step)");
        }

        return decrypted;
    }

    /// <summary>
    /// Before an encrypted request: if the transport had to open a new link since the handshake (the device closed the
    /// idle one, or the link was lost) and the device keys sessions by link, the device has already discarded the
    /// session, so the request would be lost. Run a new handshake on the new link first. When the session survives a
    /// new link the device still knows it: keep it.
    /// </summary>
    private async Task<ISecuritySession> EnsureSessionOnLinkAsync(ProvisioningStep step, string endpoint, ISecuritySession session, CancellationToken cancellationToken)
    {
        TransportLink link;
        try
        {
            link = await _transport.PrepareAsync(endpoint, cancellationToken).ConfigureAwait(false);
        }
        catch (TransportException ex) when (ex.Step is null)
        {
            throw ex.AtStep(step);
        }

        if (link.Generation == _sessionLink || link.SessionSurvivesNewLink)
        {
            return session;
        }

        Logger.NewHandshakeOnNewLink(step);
        await EstablishSessionAsync(_security!, cancellationToken).ConfigureAwait(false);
        return _session!;
    }

    internal static T ParseMessage<T>(ProvisioningStep step, string endpoint, MessageParser<T> parser, byte[] bytes)
        where T : IMessage<T>, IEquatable<T> =>
        ReplyValidation.Parse(step, endpoint, parser, bytes);
}
