using EspProv.Device.Thread;
using EspProv.Protocol.Network;
using EspProv.Provisioning;
using Google.Protobuf;
using ProtoStatus = EspProv.Protocol.Status;

namespace EspProv.Device.Handlers;

/// <summary>
/// <c>prov-scan</c> of a network_provisioning device (network_scan.c): the Wi-Fi scan (same bytes as
/// wifi_provisioning's, <see cref="WifiScanHandler"/>) on a Wi-Fi device, the Thread scan on a Thread device, and
/// InvalidArgument in the wrapper for the other kind. The simulated Thread scan finishes before its start is answered
/// (firmware's blocking scan); pages follow the Wi-Fi rules (at most 16 entries, a page past them fails).
/// </summary>
internal sealed class NetworkScanHandler(NetworkKind kind, WifiScanHandler wifi, ThreadProvisioning? thread)
{
    public byte[]? Handle(byte[] request)
    {
        NetworkScanPayload command;
        try
        {
            command = NetworkScanPayload.Parser.ParseFrom(request);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }

        var isWifi = command.Msg is NetworkScanMsgType.TypeCmdScanWifiStart or NetworkScanMsgType.TypeCmdScanWifiStatus or NetworkScanMsgType.TypeCmdScanWifiResult;
        if (isWifi && kind == NetworkKind.Wifi)
        {
            return wifi.Handle(request);
        }

        var reply = new NetworkScanPayload { Msg = command.Msg + 1, Status = thread is null || isWifi ? ProtoStatus.InvalidArgument : ProtoStatus.Success };
        switch (command.Msg)
        {
            case NetworkScanMsgType.TypeCmdScanWifiStart when command.PayloadCase == NetworkScanPayload.PayloadOneofCase.CmdScanWifiStart:
                reply.RespScanWifiStart = new RespScanWifiStart();
                break;
            case NetworkScanMsgType.TypeCmdScanWifiStatus:
                reply.RespScanWifiStatus = new RespScanWifiStatus();
                break;
            case NetworkScanMsgType.TypeCmdScanWifiResult when command.PayloadCase == NetworkScanPayload.PayloadOneofCase.CmdScanWifiResult:
                reply.RespScanWifiResult = new RespScanWifiResult();
                break;
            case NetworkScanMsgType.TypeCmdScanThreadStart when command.PayloadCase == NetworkScanPayload.PayloadOneofCase.CmdScanThreadStart:
                thread?.StartScan(command.CmdScanThreadStart.ChannelMask);
                reply.RespScanThreadStart = new RespScanThreadStart();
                break;
            case NetworkScanMsgType.TypeCmdScanThreadStatus:
                reply.RespScanThreadStatus = new RespScanThreadStatus { ScanFinished = thread is not null, ResultCount = (uint)(thread?.ScanResults.Count ?? 0) };
                break;
            case NetworkScanMsgType.TypeCmdScanThreadResult when command.PayloadCase == NetworkScanPayload.PayloadOneofCase.CmdScanThreadResult:
                if (!ThreadPage(command.CmdScanThreadResult, reply))
                {
                    return null;
                }

                break;
            default:
                return null;
        }

        return reply.ToByteArray();
    }

    private bool ThreadPage(CmdScanThreadResult page, NetworkScanPayload reply)
    {
        const uint max = ProvisioningManager.MaxScanEntries;
        if (page.StartIndex >= max || page.Count > max - page.StartIndex)
        {
            return false;
        }

        var entries = new RespScanThreadResult();
        reply.RespScanThreadResult = entries;
        if (thread is null)
        {
            return true;
        }

        var results = thread.ScanResults;
        for (var i = page.StartIndex; i < page.StartIndex + page.Count; i++)
        {
            if (i >= results.Count)
            {
                reply.Status = ProtoStatus.InternalError;
                break;
            }

            var network = results[(int)i];
            entries.Entries.Add(new ThreadScanResult
            {
                PanId = network.PanId,
                Channel = (uint)network.Channel,
                Rssi = network.Rssi,
                Lqi = (uint)network.Lqi,
                ExtAddr = ByteString.CopyFrom(network.ExtendedAddress.Span),
                NetworkName = network.NetworkName,
                ExtPanId = ByteString.CopyFrom(network.ExtendedPanId.Span),
            });
        }

        return true;
    }
}
