using EspProv.Device.Wifi;
using EspProv.Protocol;
using Google.Protobuf;
using PublicAuthMode = EspProv.Provisioning.WifiAuthMode;
using PublicState = EspProv.Provisioning.WifiConnectionState;

namespace EspProv.Device.Handlers;

/// <summary>
/// <c>prov-config</c> (docs/protocol.md#wi-fi-configuration): get status, set config, apply; reply <c>msg</c> = request
/// <c>msg</c> + 1. Only the fields firmware sets are set, so Google.Protobuf emits protobuf-c's bytes (e.g. Connecting
/// carries no oneof).
/// </summary>
internal sealed class WifiConfigHandler(ProvisioningManager manager)
{
    public byte[]? Handle(byte[] request)
    {
        WiFiConfigPayload command;
        try
        {
            command = WiFiConfigPayload.Parser.ParseFrom(request);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }

        var reply = new WiFiConfigPayload { Msg = command.Msg + 1 };
        switch (command.Msg)
        {
            case WiFiConfigMsgType.TypeCmdGetStatus:
                reply.RespGetStatus = StatusMessage(manager.GetStatus());
                break;
            case WiFiConfigMsgType.TypeCmdSetConfig when command.PayloadCase == WiFiConfigPayload.PayloadOneofCase.CmdSetConfig:
                var set = command.CmdSetConfig;
                reply.RespSetConfig = new RespSetConfig { Status = manager.SetConfig(set.Ssid.Span, set.Passphrase.Span, set.Bssid.Length) };
                break;
            case WiFiConfigMsgType.TypeCmdApplyConfig:
                // esp_prov sends apply with msg only: the payload is not required.
                reply.RespApplyConfig = new RespApplyConfig { Status = manager.Apply() };
                break;
            default:
                return null; // unknown command (or set-config without its payload): firmware's dispatcher fails
        }

        return reply.ToByteArray();
    }

    internal static RespGetStatus StatusMessage(StationStatus status)
    {
        var message = new RespGetStatus { Status = Status.Success };
        switch (status.State)
        {
            case PublicState.Connected when status.Network is { } network:
                message.StaState = WifiStationState.Connected;
                message.Connected = new WifiConnectedState
                {
                    Ip4Addr = network.IPAddress.ToString(),
                    AuthMode = (WifiAuthMode)(int)network.AuthMode,
                    Ssid = ByteString.CopyFrom(network.SsidBytes),
                    Bssid = ByteString.CopyFrom(network.Bssid.Span),
                    Channel = network.Channel,
                };
                break;
            case PublicState.ConnectionFailed:
                message.StaState = WifiStationState.ConnectionFailed;
                message.FailReason = status.FailureReason == EspProv.Provisioning.WifiFailureReason.NetworkNotFound
                    ? WifiConnectFailedReason.NetworkNotFound
                    : WifiConnectFailedReason.AuthError;
                break;
            default:
                // Firmware sets the oneof case to "connected" with a NULL pointer: nothing is emitted.
                message.StaState = WifiStationState.Connecting;
                break;
        }

        return message;
    }

    internal static WifiAuthMode ToProto(PublicAuthMode mode) => (WifiAuthMode)(int)mode;
}
