using EspProv.Exceptions;
using EspProv.Protocol;
using Google.Protobuf;

namespace EspProv.Security;

/// <summary>Parsing and error helpers shared by the client security schemes.</summary>
internal static class SessionMessages
{
    public static SessionData Parse(ReadOnlySpan<byte> response, HandshakeStage stage)
    {
        try
        {
            return SessionData.Parser.ParseFrom(response);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new SessionFailedException(SessionFailureReason.ProtocolError, stage,
                $"session failed at {stage}: the device's answer is not a valid session message", ex);
        }
    }

    /// <summary>Parses a handshake response and requires the given scheme's payload.</summary>
    public static SessionData ParseScheme(ReadOnlySpan<byte> response, HandshakeStage stage, SecSchemeVersion scheme, SessionData.ProtoOneofCase payload)
    {
        var data = Parse(response, stage);
        if (data.SecVer != scheme || data.ProtoCase != payload)
        {
            throw WrongScheme(stage, (int)scheme, data);
        }

        return data;
    }

    public static SessionFailedException Fail(SessionFailureReason reason, HandshakeStage stage, string what) =>
        new(reason, stage, $"session failed at {stage}: {what}");

    public static SessionFailedException WrongScheme(HandshakeStage stage, int expected, SessionData data) =>
        new(SessionFailureReason.ProtocolError, stage,
            $"session failed at {stage}: the device answered with security {(int)data.SecVer} ({data.ProtoCase}), not security {expected}",
            deviceScheme: Enum.IsDefined((SecurityScheme)(int)data.SecVer) ? (SecurityScheme)(int)data.SecVer : null);
}
