using EspProv.Protocol;

namespace EspProv.Tests.Support;

/// <summary>
/// How <see cref="FaultProxy"/> names provisioning steps (the endpoint, refined where one endpoint carries several
/// steps) and recognises them in plaintext messages.
/// </summary>
internal static class FaultSteps
{
    public const string Version = "proto-ver";
    public const string Command0 = "session:Command0";
    public const string Command1 = "session:Command1";
    public const string CustomConfig = "custom-config";
    public const string CustomData = "custom-data";
    public const string SetConfig = "config:set";
    public const string Apply = "config:apply";
    public const string Status = "config:status";
    public const string Scan = "scan";
    public const string Control = "ctrl";

    public static string ClassifyPlainConfig(byte[] body)
    {
        try
        {
            return WiFiConfigPayload.Parser.ParseFrom(body).Msg switch
            {
                WiFiConfigMsgType.TypeCmdSetConfig => SetConfig,
                WiFiConfigMsgType.TypeCmdApplyConfig => Apply,
                WiFiConfigMsgType.TypeCmdGetStatus => Status,
                _ => "config:?",
            };
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return "config:?";
        }
    }

    public static string ClassifySession(byte[] body)
    {
        try
        {
            var data = SessionData.Parser.ParseFrom(body);
            var second = data.ProtoCase switch
            {
                SessionData.ProtoOneofCase.Sec1 => data.Sec1.Msg == Sec1MsgType.SessionCommand1,
                SessionData.ProtoOneofCase.Sec2 => data.Sec2.Msg == Sec2MsgType.S2SessionCommand1,
                _ => false,
            };
            return second ? Command1 : Command0;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return "session:?";
        }
    }
}
