using EspProv.Device.Thread;
using EspProv.Protocol.Network;
using EspProv.Provisioning;
using Google.Protobuf;
using ProtoStatus = EspProv.Protocol.Status;
using PublicThreadState = EspProv.Thread.ThreadNetworkState;

namespace EspProv.Device.Handlers;

/// <summary>
/// <c>prov-config</c> of a network_provisioning device (network_config.c): the Wi-Fi messages (same bytes as
/// wifi_provisioning's, handled by <see cref="WifiConfigHandler"/> on a Wi-Fi device) and the Thread ones. A request
/// for the kind of network the device is not built for gets its reply with InvalidArgument, as firmware compiled
/// without that kind answers; a set-config without its payload fails the handler (no reply).
/// </summary>
internal sealed class NetworkConfigHandler(NetworkKind kind, WifiConfigHandler wifi, ThreadProvisioning? thread)
{
    public byte[]? Handle(byte[] request)
    {
        NetworkConfigPayload command;
        try
        {
            command = NetworkConfigPayload.Parser.ParseFrom(request);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }

        var isWifi = command.Msg is NetworkConfigMsgType.TypeCmdGetWifiStatus or NetworkConfigMsgType.TypeCmdSetWifiConfig or NetworkConfigMsgType.TypeCmdApplyWifiConfig;
        if (isWifi && kind == NetworkKind.Wifi)
        {
            return wifi.Handle(request);
        }

        var reply = new NetworkConfigPayload { Msg = command.Msg + 1 };
        switch (command.Msg)
        {
            case NetworkConfigMsgType.TypeCmdGetWifiStatus:
                reply.RespGetWifiStatus = new RespGetWifiStatus { Status = ProtoStatus.InvalidArgument };
                break;
            case NetworkConfigMsgType.TypeCmdSetWifiConfig when command.PayloadCase == NetworkConfigPayload.PayloadOneofCase.CmdSetWifiConfig:
                reply.RespSetWifiConfig = new RespSetWifiConfig { Status = ProtoStatus.InvalidArgument };
                break;
            case NetworkConfigMsgType.TypeCmdApplyWifiConfig:
                reply.RespApplyWifiConfig = new RespApplyWifiConfig { Status = ProtoStatus.InvalidArgument };
                break;
            case NetworkConfigMsgType.TypeCmdGetThreadStatus:
                reply.RespGetThreadStatus = thread is null ? new RespGetThreadStatus { Status = ProtoStatus.InvalidArgument } : StatusMessage(thread.GetStatus());
                break;
            case NetworkConfigMsgType.TypeCmdSetThreadConfig when command.PayloadCase == NetworkConfigPayload.PayloadOneofCase.CmdSetThreadConfig:
                reply.RespSetThreadConfig = new RespSetThreadConfig { Status = thread?.SetDataset(command.CmdSetThreadConfig.Dataset.Span) ?? ProtoStatus.InvalidArgument };
                break;
            case NetworkConfigMsgType.TypeCmdApplyThreadConfig:
                reply.RespApplyThreadConfig = new RespApplyThreadConfig { Status = thread?.Apply() ?? ProtoStatus.InvalidArgument };
                break;
            default:
                return null; // unknown command, or a set-config without its payload: firmware's handler fails
        }

        return reply.ToByteArray();
    }

    internal static RespGetThreadStatus StatusMessage(ThreadRadioStatus status)
    {
        var message = new RespGetThreadStatus { Status = ProtoStatus.Success };
        switch (status.State)
        {
            case PublicThreadState.Attached when status.Network is { } network:
                message.ThreadState = ThreadNetworkState.Attached;
                message.ThreadAttached = new ThreadAttachState
                {
                    PanId = network.PanId,
                    ExtPanId = ByteString.CopyFrom(network.ExtendedPanId.Span),
                    Channel = (uint)network.Channel,
                    Name = network.NetworkName,
                };
                break;
            case PublicThreadState.AttachingFailed:
                message.ThreadState = ThreadNetworkState.AttachingFailed;
                message.ThreadFailReason = status.FailureReason == EspProv.Thread.ThreadFailureReason.NetworkNotFound
                    ? ThreadAttachFailedReason.ThreadNetworkNotFound
                    : ThreadAttachFailedReason.DatasetInvalid;
                break;
            default:
                // Firmware sets the oneof case to "attached" with a NULL pointer: nothing is emitted.
                message.ThreadState = ThreadNetworkState.Attaching;
                break;
        }

        return message;
    }
}
