using EspProv.Protocol;
using Google.Protobuf;

namespace EspProv.Device.Handlers;

/// <summary>
/// <c>prov-scan</c> (docs/protocol.md#wi-fi-scan, ESP-IDF 5.5 rules): start (the simulated scan finishes at once),
/// status, and paged results from a list of at most 16 entries sorted by RSSI. Status lives in the wrapper. A page that
/// starts at or beyond 16 or reaches past 16 fails (connection closed); a page past the available results is cut short
/// with
/// <c>InternalError</c>.
/// </summary>
internal sealed class WifiScanHandler(ProvisioningManager manager)
{
    public byte[]? Handle(byte[] request)
    {
        WiFiScanPayload command;
        try
        {
            command = WiFiScanPayload.Parser.ParseFrom(request);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }

        var reply = new WiFiScanPayload { Msg = command.Msg + 1, Status = Status.Success };
        switch (command.Msg)
        {
            case WiFiScanMsgType.TypeCmdScanStart when command.PayloadCase == WiFiScanPayload.PayloadOneofCase.CmdScanStart:
                manager.StartScan();
                reply.RespScanStart = new RespScanStart();
                break;
            case WiFiScanMsgType.TypeCmdScanStatus:
                reply.RespScanStatus = new RespScanStatus { ScanFinished = true, ResultCount = (uint)manager.ScanResults.Count };
                break;
            case WiFiScanMsgType.TypeCmdScanResult when command.PayloadCase == WiFiScanPayload.PayloadOneofCase.CmdScanResult:
                var start = command.CmdScanResult.StartIndex;
                var count = command.CmdScanResult.Count;
                const uint max = ProvisioningManager.MaxScanEntries;
                if (start >= max || count > max - start)
                {
                    return null;
                }

                var results = manager.ScanResults;
                var page = new RespScanResult();
                for (var i = start; i < start + count; i++)
                {
                    if (i >= results.Count)
                    {
                        reply.Status = Status.InternalError;
                        break;
                    }

                    var network = results[(int)i];
                    page.Entries.Add(new WiFiScanResult
                    {
                        Ssid = ByteString.CopyFrom(network.SsidBytes),
                        Channel = (uint)network.Channel,
                        Rssi = network.Rssi,
                        Bssid = ByteString.CopyFrom(network.Bssid.Span),
                        Auth = WifiConfigHandler.ToProto(network.AuthMode),
                    });
                }

                reply.RespScanResult = page;
                break;
            default:
                return null;
        }

        return reply.ToByteArray();
    }
}
