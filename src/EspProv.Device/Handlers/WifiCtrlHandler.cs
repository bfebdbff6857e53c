using EspProv.Protocol;
using Google.Protobuf;

namespace EspProv.Device.Handlers;

/// <summary><c>prov-ctrl</c> (docs/protocol.md#control): reset after a failure, reprovision when auto-stop is off.
/// Status in the wrapper.</summary>
internal sealed class WifiCtrlHandler(ProvisioningManager manager)
{
    public byte[]? Handle(byte[] request)
    {
        WiFiCtrlPayload command;
        try
        {
            command = WiFiCtrlPayload.Parser.ParseFrom(request);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }

        var reply = new WiFiCtrlPayload { Msg = command.Msg + 1 };
        switch (command.Msg)
        {
            case WiFiCtrlMsgType.TypeCmdCtrlReset:
                reply.Status = manager.CtrlReset();
                reply.RespCtrlReset = new RespCtrlReset();
                break;
            case WiFiCtrlMsgType.TypeCmdCtrlReprov:
                reply.Status = manager.CtrlReprov();
                reply.RespCtrlReprov = new RespCtrlReprov();
                break;
            default:
                return null;
        }

        return reply.ToByteArray();
    }
}
