using EspProv.Device.Thread;
using EspProv.Protocol.Network;
using EspProv.Provisioning;
using Google.Protobuf;
using ProtoStatus = EspProv.Protocol.Status;

namespace EspProv.Device.Handlers;

/// <summary>
/// <c>prov-ctrl</c> of a network_provisioning device (network_ctrl.c): reset and reprovision for Wi-Fi or Thread,
/// status in the wrapper. Since 1.2.1 a reset answers Success whenever the device is in provisioning mode (the old
/// generation refused it unless an attempt had failed); the other kind answers InvalidArgument.
/// </summary>
internal sealed class NetworkCtrlHandler(NetworkKind kind, ProvisioningManager manager, ThreadProvisioning? thread)
{
    public byte[]? Handle(byte[] request)
    {
        NetworkCtrlPayload command;
        try
        {
            command = NetworkCtrlPayload.Parser.ParseFrom(request);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }

        var wifi = kind == NetworkKind.Wifi;
        var reply = new NetworkCtrlPayload { Msg = command.Msg + 1 };
        switch (command.Msg)
        {
            case NetworkCtrlMsgType.TypeCmdCtrlWifiReset:
                reply.Status = !wifi ? ProtoStatus.InvalidArgument : manager.State == ProvisioningState.Started ? ProtoStatus.Success : manager.CtrlReset();
                reply.RespCtrlWifiReset = new RespCtrlWifiReset();
                break;
            case NetworkCtrlMsgType.TypeCmdCtrlWifiReprov:
                reply.Status = wifi ? manager.CtrlReprov() : ProtoStatus.InvalidArgument;
                reply.RespCtrlWifiReprov = new RespCtrlWifiReprov();
                break;
            case NetworkCtrlMsgType.TypeCmdCtrlThreadReset:
                reply.Status = thread?.Reset() ?? ProtoStatus.InvalidArgument;
                reply.RespCtrlThreadReset = new RespCtrlThreadReset();
                break;
            case NetworkCtrlMsgType.TypeCmdCtrlThreadReprov:
                reply.Status = thread?.Reprovision() ?? ProtoStatus.InvalidArgument;
                reply.RespCtrlThreadReprov = new RespCtrlThreadReprov();
                break;
            default:
                return null;
        }

        return reply.ToByteArray();
    }
}
