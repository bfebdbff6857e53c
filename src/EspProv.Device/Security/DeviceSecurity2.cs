using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Security.Cryptography;
using EspProv.Protocol;
using EspProv.Security;
using EspProv.Security.Primitives;
using Google.Protobuf;

namespace EspProv.Device.Security;

/// <summary>
/// Device side of security 2 (docs/protocol.md#security-2-handshake, #security-2-encryption, as protocomm's
/// <c>security2.c</c> + <c>esp_srp.c</c>): SRP-6a over the RFC 5054 3072-bit group (g = 5, SHA-512) from a stored salt
/// and verifier, then AES-256-GCM with key K[0..31]. Patch 1 answers a 12-byte nonce (8 random bytes ‖ big-endian
/// counter 1, advanced on every GCM operation; a failed decryption does not advance it); patch 0 a 16-byte random IV
/// used for every message. Random draws per session, in order: b (32 bytes) at Command0, then the session id (8 bytes,
/// patch 1) or the IV (16 bytes, patch 0) at Command1.
/// </summary>
/// <remarks>
/// Like the firmware, the device does not compare the username of Command0 with <see cref="Username"/>: it hashes
/// the received one into M. The stored verifier binds the configured username, so a client using another username
/// fails the proof check at Command1 exactly like a wrong password (connection closed, "wrong username or password?"
/// on the client), rather than at Command0.
/// </remarks>
public sealed class DeviceSecurity2 : IDeviceSecurity
{
    private readonly byte[] _salt;
    private readonly byte[] _verifier;
    private readonly IRandomSource _random;

    /// <summary>Creates security 2 from a stored salt and verifier (as <c>esp_prov --sec2_gen_cred</c> prints them).</summary>
    /// <param name="username">The username the verifier was made for (informational: see the remarks).</param>
    /// <param name="salt">The salt, sent to clients as stored.</param>
    /// <param name="verifier">The verifier v (big-endian).</param>
    /// <param name="patchVersion">1 (12-byte nonce + counter, advertises <c>sec_patch_ver: 1</c>) or 0 (16-byte static IV, no <c>sec_patch_ver</c>).</param>
    /// <param name="random">Source of b and of the nonce; null = the OS CSPRNG.</param>
    public DeviceSecurity2(string username, ReadOnlyMemory<byte> salt, ReadOnlyMemory<byte> verifier, int patchVersion = 1, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(username);
        if (patchVersion is not (0 or 1))
        {
            throw new ArgumentOutOfRangeException(nameof(patchVersion), patchVersion, "security 2 has patch versions 0 and 1");
        }

        if (salt.Length is 0 or > ushort.MaxValue)
        {
            throw new ArgumentException("the salt must be 1 to 65535 bytes", nameof(salt));
        }

        if (verifier.IsEmpty || Srp6a.ToInteger(verifier.Span).IsZero || verifier.Length > Srp6aGroup.Length)
        {
            throw new ArgumentException("the verifier must be a non-zero value of at most 384 bytes", nameof(verifier));
        }

        Username = username;
        _salt = salt.ToArray();
        _verifier = verifier.ToArray();
        PatchVersion = patchVersion;
        _random = random ?? SystemRandomSource.Instance;
    }

    /// <summary>Creates security 2 for a password with a fresh salt (drawn from <paramref name="random"/> before any session), as esp_prov would.</summary>
    public static DeviceSecurity2 FromPassword(string username, string password, int patchVersion = 1, IRandomSource? random = null)
    {
        var (salt, verifier) = Security2Credentials.Generate(username, password, Security2Credentials.DefaultSaltLength, random);
        return new DeviceSecurity2(username, salt, verifier, patchVersion, random);
    }

    /// <summary>Creates security 2 for a password and a given salt.</summary>
    public static DeviceSecurity2 FromPassword(string username, string password, ReadOnlyMemory<byte> salt, int patchVersion = 1, IRandomSource? random = null) =>
        new(username, salt, Security2Credentials.ComputeVerifier(username, password, salt.Span), patchVersion, random);

    /// <inheritdoc />
    public SecurityScheme Scheme => SecurityScheme.Sec2;

    /// <summary>The username the credentials were made for.</summary>
    public string Username { get; }

    /// <summary>The GCM variant: 1 or 0.</summary>
    public int PatchVersion { get; }

    /// <summary>The stored salt.</summary>
    public ReadOnlyMemory<byte> Salt => _salt;

    /// <inheritdoc />
    public int? AdvertisedPatchVersion => PatchVersion == 1 ? 1 : null;

    /// <inheritdoc />
    public string? Capability => null;

    /// <inheritdoc />
    public IDeviceSecuritySession CreateSession(DeviceFlavor flavor = DeviceFlavor.Idf) => new DeviceSecurity2Session(_salt, _verifier, PatchVersion, _random);

    /// <inheritdoc />
    public override string ToString() => $"DeviceSecurity2 {{ Username = {Username}, PatchVersion = {PatchVersion} }}";
}

/// <summary>One device-side security 2 session: CMD0 → CMD1 → DONE; every failure returns null/false (connection closed).</summary>
internal sealed class DeviceSecurity2Session : IDeviceSecuritySession
{
    private const int ProofLength = Srp6aGroup.HashLength;

    private enum State
    {
        Command0,
        Command1,
        Done,
    }

    private readonly byte[] _salt;
    private readonly BigInteger _verifier;
    private readonly int _patchVersion;
    private readonly IRandomSource _random;
    private State _state;
    private byte[]? _username;
    private byte[]? _clientPublic;
    private byte[]? _devicePublic;
    private byte[]? _sessionKey;
    private GcmSessionCipher? _cipher;
    private bool _disposed;

    public DeviceSecurity2Session(byte[] salt, byte[] verifier, int patchVersion, IRandomSource random)
    {
        _salt = salt;
        _verifier = Srp6a.ToInteger(verifier);
        _patchVersion = patchVersion;
        _random = random;
    }

    public bool IsEstablished => _state == State.Done;

    /// <summary>Patch 1: the counter of the next GCM operation; null before DONE and for patch 0.</summary>
    internal uint? NonceCounter => _cipher?.Counter;

    public byte[]? HandleSessionRequest(ReadOnlySpan<byte> request)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!DeviceSessionMessages.TryParse(request, SecSchemeVersion.SecScheme2, SessionData.ProtoOneofCase.Sec2, out var data))
        {
            return null;
        }

        var payload = data.Sec2;
        return payload.Msg switch
        {
            Sec2MsgType.S2SessionCommand0 => HandleCommand0(payload),
            Sec2MsgType.S2SessionCommand1 => HandleCommand1(payload),
            _ => null,
        };
    }

    private byte[]? HandleCommand0(Sec2Payload payload)
    {
        if (payload.PayloadCase != Sec2Payload.PayloadOneofCase.Sc0)
        {
            return null;
        }

        if (_state != State.Command0)
        {
            // Firmware restarts the session when Command0 arrives in another state.
            Reset();
        }

        var clientKey = payload.Sc0.ClientPubkey.Span;
        var username = payload.Sc0.ClientUsername.Span;
        if (clientKey.Length != Srp6aGroup.Length || username.Length is 0 or > ushort.MaxValue)
        {
            return null;
        }

        var b = new byte[Srp6a.PrivateKeyLength];
        _random.Fill(b);
        var privateKey = Srp6a.ToInteger(b);
        CryptographicOperations.ZeroMemory(b);
        var devicePublic = Srp6a.ComputeDevicePublic(_verifier, privateKey);

        var clientPublic = Srp6a.ToInteger(clientKey);
        if (Srp6a.Mod(clientPublic).IsZero)
        {
            return null;
        }

        var u = Srp6a.ComputeU(clientPublic, devicePublic);
        if (u.IsZero)
        {
            return null;
        }

        _sessionKey = Srp6a.ComputeSessionKey(Srp6a.ComputeDeviceSecret(clientPublic, _verifier, u, privateKey));
        _clientPublic = clientKey.ToArray();
        _devicePublic = Srp6a.ToMinimalBytes(devicePublic);
        _username = username.ToArray();
        _state = State.Command1;
        return new SessionData
        {
            SecVer = SecSchemeVersion.SecScheme2,
            Sec2 = new Sec2Payload
            {
                Msg = Sec2MsgType.S2SessionResponse0,
                Sr0 = new S2SessionResp0
                {
                    Status = Status.Success,
                    DevicePubkey = ByteString.CopyFrom(_devicePublic),
                    DeviceSalt = ByteString.CopyFrom(_salt),
                },
            },
        }.ToByteArray();
    }

    private byte[]? HandleCommand1(Sec2Payload payload)
    {
        if (payload.PayloadCase != Sec2Payload.PayloadOneofCase.Sc1 || _state != State.Command1)
        {
            return null;
        }

        var clientProof = payload.Sc1.ClientProof.Span;
        if (clientProof.Length != ProofLength)
        {
            return null;
        }

        var expected = Srp6a.ComputeClientProof(_username!, _salt, _clientPublic!, _devicePublic!, _sessionKey!);
        var match = CryptographicOperations.FixedTimeEquals(clientProof, expected);
        if (!match)
        {
            CryptographicOperations.ZeroMemory(expected);
            return null;
        }

        var deviceProof = Srp6a.ComputeDeviceProof(_clientPublic!, expected, _sessionKey!);
        CryptographicOperations.ZeroMemory(expected);

        var key = _sessionKey.AsSpan(0, GcmSessionCipher.KeySize);
        byte[] nonce;
        if (_patchVersion == 1)
        {
            nonce = new byte[GcmSessionCipher.CounterNonceSize];
            _random.Fill(nonce.AsSpan(0, GcmSessionCipher.SessionIdSize));
            nonce[^1] = 1;
            _cipher = GcmSessionCipher.CreateCounter(key, nonce, advanceOnFailedDecrypt: false);
        }
        else
        {
            nonce = new byte[GcmSessionCipher.StaticIvSize];
            _random.Fill(nonce);
            _cipher = GcmSessionCipher.CreateStaticIv(key, nonce);
        }

        _state = State.Done;
        return new SessionData
        {
            SecVer = SecSchemeVersion.SecScheme2,
            Sec2 = new Sec2Payload
            {
                Msg = Sec2MsgType.S2SessionResponse1,
                Sr1 = new S2SessionResp1
                {
                    Status = Status.Success,
                    DeviceProof = ByteString.CopyFrom(deviceProof),
                    DeviceNonce = ByteString.CopyFrom(nonce),
                },
            },
        }.ToByteArray();
    }

    public bool TryDecrypt(ReadOnlySpan<byte> ciphertext, [NotNullWhen(true)] out byte[]? plaintext)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        plaintext = null;
        return _state == State.Done && _cipher!.CanOperate && _cipher.TryDecrypt(ciphertext, out plaintext);
    }

    public byte[] Encrypt(ReadOnlySpan<byte> plaintext)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_state != State.Done)
        {
            throw new InvalidOperationException("the security 2 session is not established");
        }

        return _cipher!.Encrypt(plaintext);
    }

    private void Reset()
    {
        Wipe(ref _sessionKey);
        Wipe(ref _username);
        _clientPublic = null;
        _devicePublic = null;
        _cipher?.Dispose();
        _cipher = null;
        _state = State.Command0;
    }

    private static void Wipe(ref byte[]? buffer)
    {
        if (buffer is not null)
        {
            CryptographicOperations.ZeroMemory(buffer);
            buffer = null;
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        Reset();
        _disposed = true;
    }

    public override string ToString() => $"DeviceSecurity2Session {{ State = {_state}, PatchVersion = {_patchVersion} }}";
}
