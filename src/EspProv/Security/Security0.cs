using System.Diagnostics.CodeAnalysis;
using EspProv.Exceptions;
using EspProv.Protocol;
using Google.Protobuf;

namespace EspProv.Security;

/// <summary>
/// Security 0 (docs/protocol.md#security-0): one handshake exchange, then plaintext. Request <c>52 03 a2 01 00</c>,
/// response <c>52 05 08 01 aa 01 00</c>.
/// </summary>
public sealed class Security0 : ISecurity
{
    /// <summary>The shared instance (stateless).</summary>
    public static Security0 Instance { get; } = new();

    /// <inheritdoc />
    public SecurityScheme Scheme => SecurityScheme.Sec0;

    /// <inheritdoc />
    public ISecuritySession CreateSession() => new Session();

    private sealed class Session : ISecuritySession
    {
        public SecurityScheme Scheme => SecurityScheme.Sec0;

        public HandshakeStage Stage => HandshakeStage.Command0;

        public bool IsEstablished { get; private set; }

        public string? CredentialHint => null;

        public byte[] CreateFirstRequest() => new SessionData
        {
            SecVer = SecSchemeVersion.SecScheme0,
            Sec0 = new Sec0Payload { Msg = Sec0MsgType.S0SessionCommand, Sc = new S0SessionCmd() },
        }.ToByteArray();

        public byte[]? HandleResponse(ReadOnlySpan<byte> response)
        {
            var data = SessionMessages.Parse(response, Stage);
            if (data.SecVer != SecSchemeVersion.SecScheme0 || data.ProtoCase != SessionData.ProtoOneofCase.Sec0)
            {
                throw SessionMessages.WrongScheme(Stage, 0, data);
            }

            if (data.Sec0.Msg != Sec0MsgType.S0SessionResponse || data.Sec0.PayloadCase != Sec0Payload.PayloadOneofCase.Sr)
            {
                throw new SessionFailedException(SessionFailureReason.ProtocolError, Stage, "session failed at Command0: the device's answer is not a security 0 session response");
            }

            if (data.Sec0.Sr.Status != Status.Success)
            {
                throw new SessionFailedException(SessionFailureReason.ProtocolError, Stage, $"session failed at Command0: the device answered status {data.Sec0.Sr.Status}");
            }

            IsEstablished = true;
            return null;
        }

        public byte[] Encrypt(ReadOnlySpan<byte> plaintext) => plaintext.ToArray();

        public bool TryDecrypt(ReadOnlySpan<byte> ciphertext, [NotNullWhen(true)] out byte[]? plaintext)
        {
            plaintext = ciphertext.ToArray();
            return true;
        }

        public void Dispose()
        {
        }
    }
}
