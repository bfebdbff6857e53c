using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using EspProv.Exceptions;
using EspProv.Protocol;
using EspProv.Security.Primitives;
using Google.Protobuf;
using Org.BouncyCastle.Crypto.Digests;

namespace EspProv.Security;

/// <summary>
/// Security 1 (docs/protocol.md#security-1): X25519 (RFC 7748, 32-byte keys) key exchange; the AES-256 key is the
/// shared secret, XORed with SHA-256(PoP) only when the PoP is non-empty; one byte-granular AES-256-CTR stream (16-byte
/// counter block = device random) for both directions and every later message.
/// </summary>
public sealed class Security1 : ISecurity
{
    private readonly byte[] _pop;
    private readonly IRandomSource _random;

    /// <summary>Creates security 1 with a proof of possession (empty = none).</summary>
    /// <param name="proofOfPossession">The PoP as configured on the device, encoded as UTF-8 (esp_prov uses latin-1: identical for ASCII).</param>
    /// <param name="random">Source of the ephemeral private key; null = the OS CSPRNG.</param>
    public Security1(string? proofOfPossession, IRandomSource? random = null)
        : this(Encoding.UTF8.GetBytes(proofOfPossession ?? string.Empty), random)
    {
    }

    /// <summary>Creates security 1 with a proof of possession given as raw bytes (empty = none).</summary>
    public Security1(ReadOnlySpan<byte> proofOfPossession, IRandomSource? random = null)
    {
        _pop = proofOfPossession.ToArray();
        _random = random ?? SystemRandomSource.Instance;
    }

    /// <inheritdoc />
    public SecurityScheme Scheme => SecurityScheme.Sec1;

    /// <summary>True if a non-empty PoP is configured.</summary>
    public bool HasProofOfPossession => _pop.Length > 0;

    /// <inheritdoc />
    public ISecuritySession CreateSession() => new Security1Session(_pop, _random);

    /// <summary>Derives the AES key: shared secret XOR SHA-256(PoP), or the shared secret alone for an empty PoP.</summary>
    internal static byte[] DeriveKey(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> pop)
    {
        var key = sharedSecret.ToArray();
        if (pop.Length > 0)
        {
            Span<byte> digest = stackalloc byte[32];
            // BouncyCastle's SHA-256 rather than the platform's: security 1 then never loads OpenSSL (see AesCtrStream).
            var sha256 = new Sha256Digest();
            sha256.BlockUpdate(pop);
            sha256.DoFinal(digest);
            for (var i = 0; i < key.Length; i++)
            {
                key[i] ^= digest[i];
            }

            CryptographicOperations.ZeroMemory(digest);
        }

        return key;
    }

    /// <inheritdoc />
    public override string ToString() => $"Security1 {{ PoP = {(HasProofOfPossession ? "***" : "none")} }}";
}

/// <summary>Client side of one security 1 session: Command0 → Response0 → Command1 → Response1, then CTR.</summary>
internal sealed class Security1Session : ISecuritySession
{
    private enum State
    {
        Initial,
        AwaitingResponse0,
        AwaitingResponse1,
        Established,
        Failed,
    }

    private readonly byte[] _pop;
    private readonly IRandomSource _random;
    private byte[]? _privateKey;
    private byte[]? _publicKey;
    private AesCtrStream? _ctr;
    private State _state;

    public Security1Session(byte[] pop, IRandomSource random)
    {
        _pop = pop;
        _random = random;
    }

    public SecurityScheme Scheme => SecurityScheme.Sec1;

    public HandshakeStage Stage => _state is State.Initial or State.AwaitingResponse0 ? HandshakeStage.Command0 : HandshakeStage.Command1;

    public bool IsEstablished => _state == State.Established;

    public string? CredentialHint => _state == State.AwaitingResponse1
        ? (_pop.Length > 0 ? "wrong proof of possession?" : "the device probably requires a proof of possession")
        : null;

    public byte[] CreateFirstRequest()
    {
        if (_state != State.Initial)
        {
            throw new InvalidOperationException("the handshake has already started");
        }

        _privateKey = new byte[X25519.KeySize];
        _random.Fill(_privateKey);
        _publicKey = X25519.PublicKey(_privateKey);
        _state = State.AwaitingResponse0;
        return new SessionData
        {
            SecVer = SecSchemeVersion.SecScheme1,
            Sec1 = new Sec1Payload
            {
                Msg = Sec1MsgType.SessionCommand0,
                Sc0 = new SessionCmd0 { ClientPubkey = ByteString.CopyFrom(_publicKey) },
            },
        }.ToByteArray();
    }

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
            throw;
        }
    }

    private byte[] HandleResponse0(ReadOnlySpan<byte> response)
    {
        var data = ParsePayload(response, HandshakeStage.Command0);
        if (data.Msg != Sec1MsgType.SessionResponse0 || data.PayloadCase != Sec1Payload.PayloadOneofCase.Sr0)
        {
            throw Fail(SessionFailureReason.ProtocolError, HandshakeStage.Command0, "the device's answer is not Response0");
        }

        var sr0 = data.Sr0;
        if (sr0.Status != Status.Success)
        {
            throw Fail(SessionFailureReason.ProtocolError, HandshakeStage.Command0, $"the device answered status {sr0.Status}");
        }

        if (sr0.DevicePubkey.Length != X25519.KeySize || sr0.DeviceRandom.Length != AesCtrStream.CounterSize)
        {
            throw Fail(SessionFailureReason.ProtocolError, HandshakeStage.Command0,
                $"Response0 has a {sr0.DevicePubkey.Length}-byte public key and {sr0.DeviceRandom.Length}-byte random (expected 32 and 16)");
        }

        var devicePublicKey = sr0.DevicePubkey.Span;
        if (!X25519.TryAgree(_privateKey!, devicePublicKey, out var shared))
        {
            throw Fail(SessionFailureReason.ProtocolError, HandshakeStage.Command0, "the device's public key is not a valid X25519 key");
        }

        var key = Security1.DeriveKey(shared, _pop);
        CryptographicOperations.ZeroMemory(shared);
        CryptographicOperations.ZeroMemory(_privateKey);
        _privateKey = null;
        _ctr = new AesCtrStream(key, sr0.DeviceRandom.Span);
        CryptographicOperations.ZeroMemory(key);

        // Keystream bytes 0..31 encrypt the device public key: proof that we hold the same key (and PoP).
        var clientVerify = _ctr.Transform(devicePublicKey);
        _state = State.AwaitingResponse1;
        return new SessionData
        {
            SecVer = SecSchemeVersion.SecScheme1,
            Sec1 = new Sec1Payload
            {
                Msg = Sec1MsgType.SessionCommand1,
                Sc1 = new SessionCmd1 { ClientVerifyData = ByteString.CopyFrom(clientVerify) },
            },
        }.ToByteArray();
    }

    private byte[]? HandleResponse1(ReadOnlySpan<byte> response)
    {
        var data = ParsePayload(response, HandshakeStage.Command1);
        if (data.Msg != Sec1MsgType.SessionResponse1 || data.PayloadCase != Sec1Payload.PayloadOneofCase.Sr1)
        {
            throw Fail(SessionFailureReason.ProtocolError, HandshakeStage.Command1, "the device's answer is not Response1");
        }

        if (data.Sr1.Status != Status.Success)
        {
            throw Fail(SessionFailureReason.ProtocolError, HandshakeStage.Command1, $"the device answered status {data.Sr1.Status}");
        }

        var verify = data.Sr1.DeviceVerifyData.Span;
        if (verify.Length != X25519.KeySize)
        {
            throw Fail(SessionFailureReason.DeviceNotAuthenticated, HandshakeStage.Command1, $"the device's verify data is {verify.Length} bytes, not 32");
        }

        // Keystream bytes 32..63 decrypt the device's proof, which must be our own public key.
        var decrypted = _ctr!.Transform(verify);
        if (!CryptographicOperations.FixedTimeEquals(decrypted, _publicKey))
        {
            throw Fail(SessionFailureReason.DeviceNotAuthenticated, HandshakeStage.Command1,
                "the device failed verification (it does not share our key: different proof of possession, or not the expected device)");
        }

        _state = State.Established;
        return null;
    }

    private static Sec1Payload ParsePayload(ReadOnlySpan<byte> response, HandshakeStage stage) =>
        SessionMessages.ParseScheme(response, stage, SecSchemeVersion.SecScheme1, SessionData.ProtoOneofCase.Sec1).Sec1;

    private static SessionFailedException Fail(SessionFailureReason reason, HandshakeStage stage, string what) =>
        SessionMessages.Fail(reason, stage, what);

    public byte[] Encrypt(ReadOnlySpan<byte> plaintext) => RequireCipher().Transform(plaintext);

    public bool TryDecrypt(ReadOnlySpan<byte> ciphertext, [NotNullWhen(true)] out byte[]? plaintext)
    {
        plaintext = RequireCipher().Transform(ciphertext);
        return true;
    }

    private AesCtrStream RequireCipher() =>
        _state == State.Established ? _ctr! : throw new InvalidOperationException("the security 1 session is not established");

    public void Dispose()
    {
        if (_privateKey is not null)
        {
            CryptographicOperations.ZeroMemory(_privateKey);
        }

        _ctr?.Dispose();
        _state = State.Failed;
    }
}
