using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using EspProv.Exceptions;
using EspProv.Protocol;
using EspProv.Security;
using EspProv.Transport;
using Google.Protobuf;

namespace EspProv.Provisioning;

/// <summary>
/// The provisioning flow over any transport and any security scheme: version → session → (custom config) →
/// set config → apply → status. Each step is one call; <see cref="ProvisionAsync"/> runs them all.
/// Knows no concrete transport or security type.
/// </summary>
/// <remarks>
/// Not thread-safe: one flow at a time, as the device serves one session at a time. The client does not own the
/// transport unless <paramref name="ownsTransport"/> is true.
/// </remarks>
/// <param name="transport">Moves the bytes.</param>
/// <param name="options">Settings; null = defaults.</param>
/// <param name="ownsTransport">Dispose the transport with the client.</param>
public sealed partial class ProvisioningClient(IProvisioningTransport transport, ProvisioningClientOptions? options = null, bool ownsTransport = false)
    : IAsyncDisposable
{
    private readonly IProvisioningTransport _transport = transport ?? throw new ArgumentNullException(nameof(transport));
    private readonly ProvisioningClientOptions _options = Validated(options ?? new ProvisioningClientOptions());
    private ISecurity? _security;
    private ISecuritySession? _session;

    // The transport link generation the session's handshake ended on (see IProvisioningTransport.PrepareAsync).
    private long _sessionLink;

    /// <summary>True while a security session is established and in step with the device.</summary>
    public bool HasSession => _session is { IsEstablished: true };

    /// <summary>The scheme of the last established session, if any.</summary>
    public SecurityScheme? Scheme => _security?.Scheme;

    private static ProvisioningClientOptions Validated(ProvisioningClientOptions options)
    {
        options.Validate();
        return options;
    }

    /// <summary>
    /// Asks <c>proto-ver</c> for the device's version and capabilities. <paramref name="request"/> is the body
    /// (firmware ignores it but requires it non-empty; esp_prov sends the version it expects). Retried on transient
    /// connection errors, since it is unencrypted and idempotent.
    /// </summary>
    public async Task<DeviceVersionInfo> GetVersionAsync(string request = "V0.1", CancellationToken cancellationToken = default)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(string.IsNullOrEmpty(request) ? "---" : request);
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var response = await _transport.SendAsync(Endpoints.ProtoVer, body, cancellationToken).ConfigureAwait(false);
                var info = DeviceVersionInfo.Parse(response);
                if (_options.Log is not null)
                {
                    Log($"proto-ver -> {(info.IsJson ? "JSON" : "plain")} '{info.Version}'"
                    + (info.IsJson ? $", sec_ver {Show(info.SecurityVersion)}, sec_patch_ver {Show(info.SecurityPatchVersion)}, cap [{string.Join(", ", info.Capabilities)}]" : string.Empty));
                }

                return info;
            }
            catch (TransportException ex) when (attempt < _options.VersionRetries && IsTransient(ex))
            {
                Log($"proto-ver: {ex.Message}; retrying in {delay.TotalMilliseconds:0} ms");
                await Task.Delay(delay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }
            catch (ProvisioningException ex)
            {
                ex.Step ??= ProvisioningStep.ProtocolVersion;
                throw;
            }
        }
    }

    private static string Show(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";

    private static bool IsTransient(TransportException ex) =>
        ex.Failure is TransportFailure.ClosedWithoutResponse or TransportFailure.LinkLost or TransportFailure.ConnectionRefused;

    /// <summary>
    /// Checks the device's version against <paramref name="expectedVersion"/> (PROTOCOL.md §4.2: equal to the plain
    /// string, or to <c>prov.ver</c> of a JSON answer, ignoring case) and returns the version info.
    /// Throws <see cref="ProtocolVersionMismatchException"/> when it differs.
    /// </summary>
    public async Task<DeviceVersionInfo> VerifyVersionAsync(string expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(expectedVersion);
        var info = await GetVersionAsync(expectedVersion, cancellationToken).ConfigureAwait(false);
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
                    _sessionLink = (await _transport.PrepareAsync(cancellationToken).ConfigureAwait(false)).Generation;
                    Log($"prov-session {session.Stage}: sending {request.Length} B {Convert.ToHexStringLower(request)}");
                    response = await _transport.SendAsync(Endpoints.Session, request, cancellationToken).ConfigureAwait(false);
                    Log($"prov-session {session.Stage}: received {response.Length} B {Convert.ToHexStringLower(response)}");
                }
                catch (TransportException ex)
                {
                    throw SessionTransportFailure(session, ex);
                }

                request = session.HandleResponse(response);
            }

            _session = session;
            _security = security;
            Log($"session established (security {(int)security.Scheme})");
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static SessionFailedException SessionTransportFailure(ISecuritySession session, TransportException ex)
    {
        var stage = session.Stage;
        // Only an exchange ended with no answer at all is firmware's way of rejecting a proof; a cut-off answer is a link fault.
        if (ex.Failure is TransportFailure.ClosedWithoutResponse && session.CredentialHint is { } hint)
        {
            return new SessionFailedException(SessionFailureReason.CredentialsRejected, stage,
                $"session failed at {stage}: the device ended the exchange without a response ({hint})", ex);
        }

        var detail = ex.Failure == TransportFailure.ClosedWithoutResponse
            ? $"the device ended the exchange without a response (it does not accept security {(int)session.Scheme}?)"
            : ex.Message;
        return new SessionFailedException(SessionFailureReason.TransportError, stage, $"session failed at {stage}: {detail}", ex);
    }

    /// <summary>
    /// Sends <c>custom-config</c> (the ESP8266 custom_config example: an info string and a version number) and
    /// checks the application's status. Throws <see cref="DeviceStatusException"/> when the application rejects it.
    /// </summary>
    public async Task SendCustomConfigAsync(string info, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(info);
        var request = new CustomConfigRequest { Info = info, Version = version }.ToByteArray();
        Log($"custom-config: info '{info}', version {version}");
        var reply = await ExchangeAsync(ProvisioningStep.CustomConfig, Endpoints.CustomConfig, request, cancellationToken).ConfigureAwait(false);
        var response = ParseMessage(ProvisioningStep.CustomConfig, Endpoints.CustomConfig, CustomConfigResponse.Parser, reply);
        if (!Enum.IsDefined(response.Status))
        {
            throw new InvalidResponseException(Endpoints.CustomConfig, $"/{Endpoints.CustomConfig}: the device answered an undefined status {(int)response.Status} (garbled?)") { Step = ProvisioningStep.CustomConfig };
        }

        Log($"custom-config -> {response.Status}");
        if (response.Status != CustomConfigStatus.ConfigSuccess)
        {
            throw new DeviceStatusException(ProvisioningStep.CustomConfig, Endpoints.CustomConfig, DeviceStatus.InternalError,
                $"the device's application rejected the custom config (status {response.Status})");
        }
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
        Log($"{endpoint}: sent {data.Length} B, received {reply.Length} B");
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
        var command = new CmdSetConfig
        {
            Ssid = ByteString.CopyFromUtf8(credentials.Ssid),
            Passphrase = ByteString.CopyFromUtf8(credentials.Passphrase),
            Bssid = credentials.Bssid is { } bssid ? ByteString.CopyFrom(bssid.ToArray()) : ByteString.Empty,
            Channel = credentials.Channel,
        };
        var request = new WiFiConfigPayload { Msg = WiFiConfigMsgType.TypeCmdSetConfig, CmdSetConfig = command }.ToByteArray();
        if (_options.Log is not null)
        {
            Log($"prov-config SetConfig: ssid '{credentials.Ssid}', passphrase (redacted)"
                + (credentials.Bssid is { } locked ? $", bssid {locked}" : string.Empty)
                + (credentials.Channel == 0 ? string.Empty : $", channel {credentials.Channel}"));
        }

        byte[] reply;
        try
        {
            reply = await ExchangeAsync(ProvisioningStep.SetConfig, Endpoints.Config, request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(request);
        }

        var payload = ParseConfigReply(ProvisioningStep.SetConfig, reply, WiFiConfigMsgType.TypeRespSetConfig, WiFiConfigPayload.PayloadOneofCase.RespSetConfig);
        CheckStatus(ProvisioningStep.SetConfig, payload.RespSetConfig.Status, "the device rejected the Wi-Fi config");
        Log("prov-config SetConfig -> Success");
    }

    /// <summary>Applies the credentials (<c>prov-config</c> ApplyConfig): the device starts joining the network. Never resent.</summary>
    public async Task ApplyWifiConfigAsync(CancellationToken cancellationToken = default)
    {
        // esp_prov sends only the message type (08 04); devices must not require the empty oneof.
        var request = new WiFiConfigPayload { Msg = WiFiConfigMsgType.TypeCmdApplyConfig }.ToByteArray();
        var reply = await ExchangeAsync(ProvisioningStep.ApplyConfig, Endpoints.Config, request, cancellationToken).ConfigureAwait(false);
        var payload = ParseConfigReply(ProvisioningStep.ApplyConfig, reply, WiFiConfigMsgType.TypeRespApplyConfig, WiFiConfigPayload.PayloadOneofCase.RespApplyConfig);
        CheckStatus(ProvisioningStep.ApplyConfig, payload.RespApplyConfig.Status, "the device could not apply the Wi-Fi config (were credentials sent, or already applied?)");
        Log("prov-config ApplyConfig -> Success");
    }

    /// <summary>Asks the device for its Wi-Fi station state once.</summary>
    public async Task<WifiStatus> GetWifiStatusAsync(CancellationToken cancellationToken = default)
    {
        var request = new WiFiConfigPayload { Msg = WiFiConfigMsgType.TypeCmdGetStatus, CmdGetStatus = new CmdGetStatus() }.ToByteArray();
        var reply = await ExchangeAsync(ProvisioningStep.Status, Endpoints.Config, request, cancellationToken).ConfigureAwait(false);
        var payload = ParseConfigReply(ProvisioningStep.Status, reply, WiFiConfigMsgType.TypeRespGetStatus, WiFiConfigPayload.PayloadOneofCase.RespGetStatus);
        var status = ProtocolMapping.ToWifiStatus(payload.RespGetStatus, Endpoints.Config);
        Log($"prov-config GetStatus -> {Describe(status)}");
        return status;
    }

    private static string Describe(WifiStatus status) => status.State switch
    {
        WifiConnectionState.Connected when status.Connection is { } c => $"Connected, IP {c.IPAddress}, SSID '{c.Ssid}', BSSID {c.Bssid}, channel {c.Channel}, {c.AuthMode}",
        WifiConnectionState.ConnectionFailed => $"ConnectionFailed ({status.FailureReason})",
        WifiConnectionState.Connecting when status.AttemptsRemaining is { } n => $"Connecting (attempt failed, {n} attempts remaining)",
        _ => status.State.ToString(),
    };

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
    private async Task<byte[]> ExchangeAsync(ProvisioningStep step, string endpoint, ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken)
    {
        var session = _session;
        if (session is not { IsEstablished: true })
        {
            throw new SessionNotEstablishedException(endpoint, $"/{endpoint}: no secure session (establish one first; a failed encrypted exchange ends the session)")
            {
                Step = step,
            };
        }

        session = await EnsureSessionOnLinkAsync(step, session, cancellationToken).ConfigureAwait(false);
        var ciphertext = session.Encrypt(plaintext.Span);
        byte[] response;
        try
        {
            response = await _transport.SendAsync(endpoint, ciphertext, cancellationToken).ConfigureAwait(false);
        }
        catch (ProvisioningException ex)
        {
            DropSession();
            ex.Step ??= step;
            throw;
        }
        catch
        {
            DropSession();
            throw;
        }

        if (!session.TryDecrypt(response, out var decrypted))
        {
            DropSession();
            throw new InvalidResponseException(endpoint, $"/{endpoint}: the device's reply failed authentication (garbled, or the session is out of step)") { Step = step };
        }

        return decrypted;
    }

    /// <summary>
    /// Before an encrypted request: if the transport had to open a new link since the handshake (the device closed the
    /// idle one, or the link was lost) and the device keys sessions by link, the device has already discarded the
    /// session, so the request would be lost. Run a new handshake on the new link first. When the session survives a
    /// new link the device still knows it: keep it.
    /// </summary>
    private async Task<ISecuritySession> EnsureSessionOnLinkAsync(ProvisioningStep step, ISecuritySession session, CancellationToken cancellationToken)
    {
        TransportLink link;
        try
        {
            link = await _transport.PrepareAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ProvisioningException ex)
        {
            ex.Step ??= step;
            throw;
        }

        if (link.Generation == _sessionLink || link.SessionSurvivesNewLink)
        {
            return session;
        }

        Log($"the link was re-opened and the device keys sessions by link: new handshake before {step}");
        await EstablishSessionAsync(_security!, cancellationToken).ConfigureAwait(false);
        return _session!;
    }

    private static T ParseMessage<T>(ProvisioningStep step, string endpoint, MessageParser<T> parser, byte[] bytes)
        where T : IMessage<T>, IEquatable<T> =>
        ReplyValidation.Parse(step, endpoint, parser, bytes);

    private WiFiConfigPayload ParseConfigReply(ProvisioningStep step, byte[] reply, WiFiConfigMsgType expectedType, WiFiConfigPayload.PayloadOneofCase expectedCase)
    {
        var payload = ParseMessage(step, Endpoints.Config, WiFiConfigPayload.Parser, reply);
        if (payload.Msg != expectedType || payload.PayloadCase != expectedCase)
        {
            // A reply of the wrong kind is never taken for success; the session may be out of step.
            DropSession();
            throw new InvalidResponseException(Endpoints.Config,
                $"/{Endpoints.Config}: expected {expectedType}, the device answered {payload.Msg} with {(payload.PayloadCase == WiFiConfigPayload.PayloadOneofCase.None ? "no payload" : payload.PayloadCase)} (garbled?)") { Step = step };
        }

        return payload;
    }

    private static void CheckStatus(ProvisioningStep step, Status status, string what)
    {
        if (status != Status.Success)
        {
            throw new DeviceStatusException(step, Endpoints.Config, ProtocolMapping.ToDeviceStatus(status), $"{what} (status {status})");
        }
    }

    private void Log(string line) => _options.Log?.Invoke(line);

    /// <summary>Logs an interpolated line; with no <see cref="ProvisioningClientOptions.Log"/> its holes are never evaluated or formatted.</summary>
    private void Log([InterpolatedStringHandlerArgument("")] ref LogLineHandler line)
    {
        if (_options.Log is { } log)
        {
            log(line.ToStringAndClear());
        }
    }

    /// <summary>Builds a log line only when someone listens (hex dumps of handshake messages are not free).</summary>
    [InterpolatedStringHandler]
    private ref struct LogLineHandler
    {
        private DefaultInterpolatedStringHandler _inner;

        public LogLineHandler(int literalLength, int formattedCount, ProvisioningClient client, out bool enabled)
        {
            enabled = client._options.Log is not null;
            _inner = enabled ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
        }

        public void AppendLiteral(string value) => _inner.AppendLiteral(value);

        public void AppendFormatted<T>(T value) => _inner.AppendFormatted(value);

        public void AppendFormatted<T>(T value, string? format) => _inner.AppendFormatted(value, format);

        public string ToStringAndClear() => _inner.ToStringAndClear();
    }
}
