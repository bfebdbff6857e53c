using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using EspProv.Protocol;
using EspProv.Security;
using EspProv.Security.Primitives;
using Google.Protobuf;

namespace EspProv.Device.Security;

/// <summary>
/// One device-side security 1 session: state machine CMD0 → CMD1 → DONE (docs/protocol.md#security-1-on-the-device).
/// Keys are 32 bytes, the device random 16; every failure returns null so the host closes the connection without a
/// response.
/// </summary>
internal sealed class DeviceSecurity1Session : IDeviceSecuritySession
{
    private const int RandomSize = AesCtrStream.CounterSize;

    private enum State
    {
        Command0,
        Command1,
        Done,

        // Command1 failed verification: the stream has moved on, only a new Command0 (ESP-IDF) can recover.
        Failed,
    }

    private readonly byte[] _pop;
    private readonly IRandomSource _random;
    private readonly DeviceFlavor _flavor;
    private State _state = State.Command0;
    private byte[]? _devicePublicKey;
    private byte[]? _clientPublicKey;
    private AesCtrStream? _ctr;
    private bool _disposed;

    public DeviceSecurity1Session(byte[] pop, IRandomSource random, DeviceFlavor flavor)
    {
        _pop = pop;
        _random = random;
        _flavor = flavor;
    }

    public bool IsEstablished => _state == State.Done && !_disposed;

    public byte[]? HandleSessionRequest(ReadOnlySpan<byte> request)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!DeviceSessionMessages.TryParse(request, SecSchemeVersion.SecScheme1, SessionData.ProtoOneofCase.Sec1, out var data))
        {
            return null;
        }

        var payload = data.Sec1;
        return payload.Msg switch
        {
            Sec1MsgType.SessionCommand0 when payload.PayloadCase == Sec1Payload.PayloadOneofCase.Sc0 => HandleCommand0(payload.Sc0),
            Sec1MsgType.SessionCommand1 when payload.PayloadCase == Sec1Payload.PayloadOneofCase.Sc1 => HandleCommand1(payload.Sc1),
            _ => null,
        };
    }

    private byte[]? HandleCommand0(SessionCmd0 command)
    {
        if (_state != State.Command0)
        {
            // ESP-IDF restarts the session silently; ESP8266 refuses (a stale session on a reused socket stays stuck).
            if (_flavor == DeviceFlavor.Esp8266)
            {
                return null;
            }

            Reset();
        }

        if (command.ClientPubkey.Length != X25519.KeySize)
        {
            return null;
        }

        var privateKey = new byte[X25519.KeySize];
        var deviceRandom = new byte[RandomSize];
        byte[]? shared = null;
        byte[]? key = null;
        try
        {
            _random.Fill(privateKey);
            var devicePublicKey = X25519.PublicKey(privateKey);
            if (!X25519.TryAgree(privateKey, command.ClientPubkey.Span, out shared))
            {
                return null;
            }

            _random.Fill(deviceRandom);
            key = EspProv.Security.Security1.DeriveKey(shared, _pop);
            _ctr = new AesCtrStream(key, deviceRandom);
            _devicePublicKey = devicePublicKey;
            _clientPublicKey = command.ClientPubkey.ToByteArray();
            _state = State.Command1;
            return new SessionData
            {
                SecVer = SecSchemeVersion.SecScheme1,
                Sec1 = new Sec1Payload
                {
                    Msg = Sec1MsgType.SessionResponse0,
                    Sr0 = new SessionResp0
                    {
                        Status = Status.Success,
                        DevicePubkey = ByteString.CopyFrom(devicePublicKey),
                        DeviceRandom = ByteString.CopyFrom(deviceRandom),
                    },
                },
            }.ToByteArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
            if (shared is not null)
            {
                CryptographicOperations.ZeroMemory(shared);
            }

            if (key is not null)
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
    }

    private byte[]? HandleCommand1(SessionCmd1 command)
    {
        if (_state != State.Command1 || command.ClientVerifyData.Length != X25519.KeySize)
        {
            return null;
        }

        // Keystream bytes 0..31 decrypt the client's proof, which must be our public key.
        var check = _ctr!.Transform(command.ClientVerifyData.Span);
        var match = CryptographicOperations.FixedTimeEquals(check, _devicePublicKey);
        CryptographicOperations.ZeroMemory(check);
        if (!match)
        {
            Reset();
            _state = State.Failed;
            return null;
        }

        var deviceVerify = _ctr.Transform(_clientPublicKey);
        _state = State.Done;
        return new SessionData
        {
            SecVer = SecSchemeVersion.SecScheme1,
            Sec1 = new Sec1Payload
            {
                Msg = Sec1MsgType.SessionResponse1,
                Sr1 = new SessionResp1 { Status = Status.Success, DeviceVerifyData = ByteString.CopyFrom(deviceVerify) },
            },
        }.ToByteArray();
    }

    public bool TryDecrypt(ReadOnlySpan<byte> ciphertext, [NotNullWhen(true)] out byte[]? plaintext)
    {
        if (!IsEstablished)
        {
            plaintext = null;
            return false;
        }

        plaintext = _ctr!.Transform(ciphertext);
        return true;
    }

    public byte[] Encrypt(ReadOnlySpan<byte> plaintext) =>
        IsEstablished ? _ctr!.Transform(plaintext) : throw new InvalidOperationException("the security 1 session is not established");

    private void Reset()
    {
        _ctr?.Dispose();
        _ctr = null;
        if (_devicePublicKey is not null)
        {
            CryptographicOperations.ZeroMemory(_devicePublicKey);
        }

        _devicePublicKey = null;
        _clientPublicKey = null;
        _state = State.Command0;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            Reset();
            _disposed = true;
        }
    }
}
