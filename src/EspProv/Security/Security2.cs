using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using EspProv.Exceptions;
using EspProv.Protocol;
using EspProv.Security.Primitives;
using Google.Protobuf;

namespace EspProv.Security;

/// <summary>
/// Security 2 (docs/protocol.md#security-2): SRP-6a over the RFC 5054 3072-bit group (g = 5, SHA-512) with a username
/// and password, then AES-256-GCM with key K[0..31]. The client's A is always 384 bytes (a is redrawn when it is not);
/// patch 1 uses a 12-byte nonce with a counter advanced on every GCM operation, patch 0 one 16-byte IV for everything.
/// The patch version comes from the device's <c>proto-ver</c> (<c>prov.sec_patch_ver</c>, absent ⇒ 0) and is
/// cross-checked against the length of the nonce the device sends.
/// </summary>
public sealed class Security2 : ISecurity
{
    private readonly byte[] _username;
    private readonly byte[] _password;
    private readonly IRandomSource _random;

    /// <summary>Creates security 2.</summary>
    /// <param name="username">The SRP username configured on the device (sent as UTF-8; esp_prov: identical for ASCII). 1–65535 bytes.</param>
    /// <param name="password">The SRP password (UTF-8).</param>
    /// <param name="patchVersion">The device's <c>sec_patch_ver</c>: 1 (12-byte nonce with counter) or 0 (16-byte static IV).</param>
    /// <param name="random">Source of the private exponent a (32 bytes per draw); null = the OS CSPRNG.</param>
    public Security2(string username, string password, int patchVersion = 1, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(password);
        if (patchVersion is not (0 or 1))
        {
            throw new ArgumentOutOfRangeException(nameof(patchVersion), patchVersion, "security 2 has patch versions 0 and 1");
        }

        _username = Encoding.UTF8.GetBytes(username);
        if (_username.Length is 0 or > ushort.MaxValue)
        {
            throw new ArgumentException("the security 2 username must be 1 to 65535 bytes", nameof(username));
        }

        _password = Encoding.UTF8.GetBytes(password);
        PatchVersion = patchVersion;
        _random = random ?? SystemRandomSource.Instance;
    }

    /// <inheritdoc />
    public SecurityScheme Scheme => SecurityScheme.Sec2;

    /// <summary>The username.</summary>
    public string Username => Encoding.UTF8.GetString(_username);

    /// <summary>The GCM variant expected from the device: 1 (12-byte nonce + counter) or 0 (16-byte static IV).</summary>
    public int PatchVersion { get; }

    /// <inheritdoc />
    public ISecuritySession CreateSession() => new Security2Session(_username, _password, PatchVersion, _random);

    /// <inheritdoc />
    public override string ToString() => $"Security2 {{ Username = {Username}, Password = ***, PatchVersion = {PatchVersion} }}";
}

/// <summary>
/// Client side of one security 2 session: Command0 (username, A) → Response0 (B, salt) → Command1 (M) → Response1
/// (H(A ‖ M ‖ K), nonce), then AES-256-GCM.
/// </summary>
/// <remarks>
/// A response that fails authentication is reported by <see cref="TryDecrypt"/> as false. With patch 1 the client
/// still consumes that counter value (unlike the device, which does not advance on a failed decryption): the device
/// has already used it to encrypt its answer, so reusing it for our next request would repeat a GCM nonce under the
/// same key. After such a failure the session is out of step with the device anyway and should be re-established.
/// </remarks>
internal sealed class Security2Session : ISecuritySession
{
    private const int MaxDraws = 64;

    private enum State
    {
        Initial,
        AwaitingResponse0,
        AwaitingResponse1,
        Established,
        Failed,
    }

    private readonly byte[] _username;
    private readonly byte[] _password;
    private readonly IRandomSource _random;
    private readonly int _patchVersion;
    private byte[]? _privateKey;
    private byte[]? _clientPublic;
    private byte[]? _sessionKey;
    private byte[]? _expectedDeviceProof;
    private GcmSessionCipher? _cipher;
    private State _state;

    internal Security2Session(byte[] username, byte[] password, int patchVersion, IRandomSource random)
    {
        _username = username;
        _password = password;
        _patchVersion = patchVersion;
        _random = random;
    }

    /// <inheritdoc />
    public SecurityScheme Scheme => SecurityScheme.Sec2;

    /// <inheritdoc />
    public HandshakeStage Stage => _state is State.Initial or State.AwaitingResponse0 ? HandshakeStage.Command0 : HandshakeStage.Command1;

    /// <inheritdoc />
    public bool IsEstablished => _state == State.Established;

    /// <inheritdoc />
    public string? CredentialHint => _state == State.AwaitingResponse1 ? "wrong username or password?" : null;

    /// <summary>The GCM variant this session expects: 1 (12-byte nonce + counter) or 0 (16-byte static IV).</summary>
    public int PatchVersion => _patchVersion;

    /// <summary>Patch 1: the counter the next GCM operation uses; null before the handshake completes and for patch 0.</summary>
    public uint? NonceCounter => _cipher?.Counter;

    /// <inheritdoc />
    public byte[] CreateFirstRequest()
    {
        if (_state != State.Initial)
        {
            throw new InvalidOperationException("the handshake has already started");
        }

        // a = 32 random bytes with the top bit set; the device requires A to be exactly 384 bytes and hashes those
        // bytes verbatim, so an a whose A would have a leading zero byte (≈1/256) is drawn again.
        var a = new byte[Srp6a.PrivateKeyLength];
        for (var draw = 0; ; draw++)
        {
            if (draw == MaxDraws)
            {
                CryptographicOperations.ZeroMemory(a);
                throw new CryptographicException("the random source keeps yielding private keys whose public key is short");
            }

            _random.Fill(a);
            a[0] |= 0x80;
            var publicKey = Srp6a.PublicEphemeral(Srp6a.ToInteger(a));
            if (Srp6a.MinimalLength(publicKey) == Srp6aGroup.Length)
            {
                _clientPublic = Srp6a.Pad(publicKey);
                break;
            }
        }

        _privateKey = a;
        _state = State.AwaitingResponse0;
        return new SessionData
        {
            SecVer = SecSchemeVersion.SecScheme2,
            Sec2 = new Sec2Payload
            {
                Msg = Sec2MsgType.S2SessionCommand0,
                Sc0 = new S2SessionCmd0
                {
                    ClientUsername = ByteString.CopyFrom(_username),
                    ClientPubkey = ByteString.CopyFrom(_clientPublic),
                },
            },
        }.ToByteArray();
    }

    /// <inheritdoc />
    public byte[]? HandleResponse(ReadOnlySpan<byte> response)
    {
        try
        {
            return _state switch
            {
                State.AwaitingResponse0 => HandleResponse0(response),
                State.AwaitingResponse1 => HandleResponse1(response),
                _ => throw new InvalidOperationException($"no handshake response expected in state {_state}"),
            };
        }
        catch (SessionFailedException)
        {
            _state = State.Failed;
            ClearSecrets();
            throw;
        }
    }

    private byte[] HandleResponse0(ReadOnlySpan<byte> response)
    {
        const HandshakeStage stage = HandshakeStage.Command0;
        var data = ParsePayload(response, stage);
        if (data.Msg != Sec2MsgType.S2SessionResponse0 || data.PayloadCase != Sec2Payload.PayloadOneofCase.Sr0)
        {
            throw Fail(SessionFailureReason.ProtocolError, stage, "the device's answer is not Response0");
        }

        var sr0 = data.Sr0;
        if (sr0.Status != Status.Success)
        {
            throw Fail(SessionFailureReason.ProtocolError, stage, $"the device answered status {sr0.Status}");
        }

        var deviceKey = sr0.DevicePubkey.Span;
        var salt = sr0.DeviceSalt.Span;
        if (deviceKey.Length is 0 or > Srp6aGroup.Length || salt.Length == 0)
        {
            throw Fail(SessionFailureReason.ProtocolError, stage,
                $"Response0 has a {deviceKey.Length}-byte public key and a {salt.Length}-byte salt (expected 1–384 bytes and a non-empty salt)");
        }

        var devicePublic = Srp6a.ToInteger(deviceKey);
        if (Srp6a.Mod(devicePublic).IsZero)
        {
            throw Fail(SessionFailureReason.ProtocolError, stage, "the device's public key B is 0 mod N (SRP-6a safety check)");
        }

        var clientPublic = Srp6a.ToInteger(_clientPublic);
        var u = Srp6a.ComputeU(clientPublic, devicePublic);
        if (u.IsZero)
        {
            throw Fail(SessionFailureReason.ProtocolError, stage, "the scrambling parameter u is 0 (SRP-6a safety check)");
        }

        var x = Srp6a.ComputeX(_username, _password, salt);
        var secret = Srp6a.ComputeClientSecret(devicePublic, x, Srp6a.ToInteger(_privateKey), u);
        CryptographicOperations.ZeroMemory(_privateKey);
        _privateKey = null;

        _sessionKey = Srp6a.ComputeSessionKey(secret);
        var proof = Srp6a.ComputeClientProof(_username, salt, _clientPublic, deviceKey, _sessionKey);
        _expectedDeviceProof = Srp6a.ComputeDeviceProof(_clientPublic, proof, _sessionKey);
        _state = State.AwaitingResponse1;
        var request = new SessionData
        {
            SecVer = SecSchemeVersion.SecScheme2,
            Sec2 = new Sec2Payload
            {
                Msg = Sec2MsgType.S2SessionCommand1,
                Sc1 = new S2SessionCmd1 { ClientProof = ByteString.CopyFrom(proof) },
            },
        }.ToByteArray();
        CryptographicOperations.ZeroMemory(proof);
        return request;
    }

    private byte[]? HandleResponse1(ReadOnlySpan<byte> response)
    {
        const HandshakeStage stage = HandshakeStage.Command1;
        var data = ParsePayload(response, stage);
        if (data.Msg != Sec2MsgType.S2SessionResponse1 || data.PayloadCase != Sec2Payload.PayloadOneofCase.Sr1)
        {
            throw Fail(SessionFailureReason.ProtocolError, stage, "the device's answer is not Response1");
        }

        var sr1 = data.Sr1;
        if (sr1.Status != Status.Success)
        {
            throw Fail(SessionFailureReason.ProtocolError, stage, $"the device answered status {sr1.Status}");
        }

        if (!CryptographicOperations.FixedTimeEquals(sr1.DeviceProof.Span, _expectedDeviceProof))
        {
            throw Fail(SessionFailureReason.DeviceNotAuthenticated, stage,
                "failed to verify the device proof (the device does not know the verifier for this username and password)");
        }

        var nonce = sr1.DeviceNonce.Span;
        var expected = GcmSessionCipher.NonceLength(_patchVersion);
        if (nonce.Length != expected)
        {
            var otherPatch = 1 - _patchVersion;
            var reason = nonce.Length == GcmSessionCipher.NonceLength(otherPatch)
                ? SessionFailureReason.IncompatibleDevice
                : SessionFailureReason.ProtocolError;
            throw Fail(reason, stage,
                $"the device advertises sec_patch_ver {_patchVersion} but sent a {nonce.Length}-byte nonce (patch {_patchVersion} uses {expected} bytes)");
        }

        var key = _sessionKey.AsSpan(0, GcmSessionCipher.KeySize);
        if (_patchVersion == 1)
        {
            var cipher = GcmSessionCipher.CreateCounter(key, nonce, advanceOnFailedDecrypt: true);
            if (!cipher.CanOperate)
            {
                cipher.Dispose();
                throw Fail(SessionFailureReason.ProtocolError, stage, "the device's nonce starts with counter 0");
            }

            _cipher = cipher;
        }
        else
        {
            _cipher = GcmSessionCipher.CreateStaticIv(key, nonce);
        }

        ClearSecrets();
        _state = State.Established;
        return null;
    }

    private static Sec2Payload ParsePayload(ReadOnlySpan<byte> response, HandshakeStage stage) =>
        SessionMessages.ParseScheme(response, stage, SecSchemeVersion.SecScheme2, SessionData.ProtoOneofCase.Sec2).Sec2;

    private static SessionFailedException Fail(SessionFailureReason reason, HandshakeStage stage, string what) =>
        SessionMessages.Fail(reason, stage, what);

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The session is not established, or (patch 1) its nonce counter is exhausted.</exception>
    public byte[] Encrypt(ReadOnlySpan<byte> plaintext) => RequireCipher().Encrypt(plaintext);

    /// <inheritdoc />
    public bool TryDecrypt(ReadOnlySpan<byte> ciphertext, [NotNullWhen(true)] out byte[]? plaintext) =>
        RequireCipher().TryDecrypt(ciphertext, out plaintext);

    private GcmSessionCipher RequireCipher() =>
        _state == State.Established ? _cipher! : throw new InvalidOperationException("the security 2 session is not established");

    private void ClearSecrets()
    {
        Wipe(ref _privateKey);
        Wipe(ref _sessionKey);
        Wipe(ref _expectedDeviceProof);
    }

    private static void Wipe(ref byte[]? buffer)
    {
        if (buffer is not null)
        {
            CryptographicOperations.ZeroMemory(buffer);
            buffer = null;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ClearSecrets();
        _cipher?.Dispose();
        _cipher = null;
        _state = State.Failed;
    }

    /// <inheritdoc />
    public override string ToString() => $"Security2Session {{ Stage = {Stage}, Established = {IsEstablished}, PatchVersion = {_patchVersion} }}";
}
