using BenchmarkDotNet.Attributes;
using EspProv.Protocol;
using EspProv.Provisioning;
using Google.Protobuf;

namespace EspProv.Bench.Micro;

/// <summary>
/// Building and parsing the provisioning messages of one flow, without crypto or I/O: the SetConfig request, the
/// GetStatus reply mapped to the public record, and the JSON <c>proto-ver</c> answer. The floor is an empty
/// protobuf message round trip (the fixed cost of the generated code).
/// </summary>
[MemoryDiagnoser]
public class MessageBenchmarks
{
    private static readonly byte[] ProtoVerJson =
        "{\n\t\"prov\":\t{\n\t\t\"ver\":\t\"v1.1\",\n\t\t\"sec_ver\":\t1,\n\t\t\"sec_patch_ver\":\t0,\n\t\t\"cap\":\t[\"wifi_scan\"]\n\t}\n}"u8.ToArray();

    private byte[] _statusReply = [];

    [GlobalSetup]
    public void Setup()
    {
        _statusReply = new WiFiConfigPayload
        {
            Msg = WiFiConfigMsgType.TypeRespGetStatus,
            RespGetStatus = new RespGetStatus
            {
                Status = Status.Success,
                StaState = WifiStationState.Connected,
                Connected = new WifiConnectedState
                {
                    Ip4Addr = "192.168.1.23",
                    AuthMode = Protocol.WifiAuthMode.Wpa2Psk,
                    Ssid = ByteString.CopyFromUtf8("myssid"),
                    Bssid = ByteString.CopyFrom(0x24, 0x0a, 0xc4, 0x01, 0x02, 0x03),
                    Channel = 6,
                },
            },
        }.ToByteArray();
    }

    [Benchmark(Description = "empty payload build+parse (floor)")]
    public int Floor() => (int)WiFiConfigPayload.Parser.ParseFrom(new WiFiConfigPayload { Msg = WiFiConfigMsgType.TypeCmdApplyConfig }.ToByteArray()).Msg;

    [Benchmark(Description = "SetConfig request build")]
    public byte[] BuildSetConfig() => new WiFiConfigPayload
    {
        Msg = WiFiConfigMsgType.TypeCmdSetConfig,
        CmdSetConfig = new CmdSetConfig
        {
            Ssid = ByteString.CopyFromUtf8("myssid"),
            Passphrase = ByteString.CopyFromUtf8("mypassword"),
            Bssid = ByteString.Empty,
        },
    }.ToByteArray();

    [Benchmark(Description = "GetStatus reply parse+map")]
    public WifiStatus ParseStatus() =>
        ProtocolMapping.ToWifiStatus(WiFiConfigPayload.Parser.ParseFrom(_statusReply).RespGetStatus, "prov-config");

    [Benchmark(Description = "proto-ver JSON parse")]
    public DeviceVersionInfo ParseVersion() => DeviceVersionInfo.Parse(ProtoVerJson);
}
