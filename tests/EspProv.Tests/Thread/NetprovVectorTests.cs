using System.Text.Json;
using EspProv.Protocol.Network;
using EspProv.Thread;
using Google.Protobuf;
using Xunit;
using ThreadNetworkState = EspProv.Thread.ThreadNetworkState;

namespace EspProv.Tests.Thread;

/// <summary>
/// Messages encoded by protoc-generated Python from Espressif's own network_provisioning .proto files
/// (Vectors/netprov/README.md): our types decode each one and encode it back byte for byte, and the library's
/// requests and the device's replies are these bytes.
/// </summary>
public sealed class NetprovVectorTests
{
    private static readonly Dictionary<string, (string Message, byte[] Bytes)> Vectors = Load();

    public static TheoryData<string> Names() => [.. Vectors.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Decodes_and_encodes_back_byte_for_byte(string name)
    {
        var (message, bytes) = Vectors[name];
        IMessage parsed = message switch
        {
            nameof(NetworkConfigPayload) => NetworkConfigPayload.Parser.ParseFrom(bytes),
            nameof(NetworkScanPayload) => NetworkScanPayload.Parser.ParseFrom(bytes),
            nameof(NetworkCtrlPayload) => NetworkCtrlPayload.Parser.ParseFrom(bytes),
            _ => throw new InvalidOperationException(message),
        };

        Assert.Equal(Convert.ToHexStringLower(bytes), Convert.ToHexStringLower(parsed.ToByteArray()));
    }

    [Fact]
    public void The_library_sends_esp_provs_bytes()
    {
        Assert.Equal(Hex("config_get_thread_status"), Convert.ToHexStringLower(ThreadMessages.GetStatus()));
        Assert.Equal(Hex("config_set_thread_dataset"), Convert.ToHexStringLower(ThreadMessages.SetDataset(ThreadDataset.Parse(ThreadDatasetTests.Demo).ToBytes())));
        Assert.Equal(Hex("config_apply_thread"), Convert.ToHexStringLower(ThreadMessages.Apply()));
        Assert.Equal(Hex("scan_thread_start"), Convert.ToHexStringLower(ThreadMessages.ScanStart(blocking: true, channelMask: 0)));
        Assert.Equal(Hex("scan_thread_status"), Convert.ToHexStringLower(ThreadMessages.ScanStatus()));
        Assert.Equal(Hex("scan_thread_result"), Convert.ToHexStringLower(ThreadMessages.ScanResult(0, 2)));
        Assert.Equal(Hex("ctrl_thread_reset"), Convert.ToHexStringLower(ThreadMessages.Reset()));
        Assert.Equal(Hex("ctrl_thread_reprov"), Convert.ToHexStringLower(ThreadMessages.Reprovision()));
    }

    [Fact]
    public void Thread_status_replies_map_to_the_public_records()
    {
        Assert.Equal(new ThreadStatus(ThreadNetworkState.Attaching, null, null), Status("config_thread_status_attaching"));
        Assert.Equal(new ThreadStatus(ThreadNetworkState.AttachingFailed, ThreadFailureReason.DatasetInvalid, null), Status("config_thread_status_failed_dataset_invalid"));
        Assert.Equal(new ThreadStatus(ThreadNetworkState.AttachingFailed, ThreadFailureReason.NetworkNotFound, null), Status("config_thread_status_failed_not_found"));
        var attached = Status("config_thread_status_attached");
        Assert.Equal(ThreadNetworkState.Attached, attached.State);
        Assert.Equal("'OpenThreadDemo' (PAN ID 0x1234, extended PAN ID 1111111122222222, channel 15)", attached.Network!.ToString());
    }

    [Fact]
    public void The_device_answers_with_the_same_bytes()
    {
        var network = new EspProv.Device.Thread.SimulatedThreadNetwork(ThreadDataset.Parse(ThreadDatasetTests.Demo));
        var attached = EspProv.Device.Handlers.NetworkConfigHandler.StatusMessage(new(ThreadNetworkState.Attached, null, network));
        var notFound = EspProv.Device.Handlers.NetworkConfigHandler.StatusMessage(new(ThreadNetworkState.AttachingFailed, ThreadFailureReason.NetworkNotFound, null));
        var invalid = EspProv.Device.Handlers.NetworkConfigHandler.StatusMessage(new(ThreadNetworkState.AttachingFailed, ThreadFailureReason.DatasetInvalid, null));
        var attaching = EspProv.Device.Handlers.NetworkConfigHandler.StatusMessage(EspProv.Device.Thread.ThreadRadioStatus.Initial);

        Assert.Equal(Hex("config_thread_status_attached"), Reply(attached));
        Assert.Equal(Hex("config_thread_status_failed_not_found"), Reply(notFound));
        Assert.Equal(Hex("config_thread_status_failed_dataset_invalid"), Reply(invalid));
        Assert.Equal(Hex("config_thread_status_attaching"), Reply(attaching));

        var station = EspProv.Device.Wifi.StationStatus.Initial with { AttemptsRemaining = 4 };
        var wifi = new EspProv.Protocol.WiFiConfigPayload { Msg = EspProv.Protocol.WiFiConfigMsgType.TypeRespGetStatus, RespGetStatus = EspProv.Device.Handlers.WifiConfigHandler.StatusMessage(station) };
        Assert.Equal(Hex("config_wifi_status_attempt_failed"), Convert.ToHexStringLower(wifi.ToByteArray()));
    }

    [Fact]
    public void Wifi_messages_of_both_generations_are_the_same_bytes()
    {
        var old = EspProv.Protocol.WiFiConfigPayload.Parser.ParseFrom(Convert.FromHexString(Hex("config_wifi_status_attempt_failed")));
        Assert.Equal(4u, old.RespGetStatus.AttemptFailed.AttemptsRemaining);
        var set = EspProv.Protocol.WiFiConfigPayload.Parser.ParseFrom(Convert.FromHexString(Hex("config_set_wifi")));
        Assert.Equal("myssid", set.CmdSetConfig.Ssid.ToStringUtf8());
        Assert.Equal(Hex("config_set_wifi"), Convert.ToHexStringLower(set.ToByteArray()));
        var failed = EspProv.Protocol.WiFiConfigPayload.Parser.ParseFrom(Convert.FromHexString(Hex("config_wifi_status_failed_auth")));
        Assert.Equal(EspProv.Protocol.WifiConnectFailedReason.AuthError, failed.RespGetStatus.FailReason);
        var reset = EspProv.Protocol.WiFiCtrlPayload.Parser.ParseFrom(Convert.FromHexString(Hex("ctrl_wifi_reset_response")));
        Assert.Equal(EspProv.Protocol.WiFiCtrlPayload.PayloadOneofCase.RespCtrlReset, reset.PayloadCase);
    }

    [Fact]
    public void Scan_results_map_to_thread_networks()
    {
        var page = NetworkScanPayload.Parser.ParseFrom(Convert.FromHexString(Hex("scan_thread_result_response"))).RespScanThreadResult;
        var networks = page.Entries.Select(ThreadMessages.ToNetwork).ToArray();

        Assert.Equal("'OpenThreadDemo' PAN ID 0x1234, extended PAN ID 1111111122222222, channel 15, RSSI -45 dBm, LQI 220", networks[0].ToString());
        Assert.Equal("'Neighbours' PAN ID 0xface, extended PAN ID dead00beef00cafe, channel 20, RSSI -78 dBm, LQI 96", networks[1].ToString());
        Assert.Equal("02a0c066778899aa", Convert.ToHexStringLower(networks[1].ExtendedAddress.Span));
    }

    private static ThreadStatus Status(string name) =>
        ThreadMessages.ToStatus(NetworkConfigPayload.Parser.ParseFrom(Convert.FromHexString(Hex(name))).RespGetThreadStatus);

    private static string Reply(RespGetThreadStatus status) =>
        Convert.ToHexStringLower(new NetworkConfigPayload { Msg = NetworkConfigMsgType.TypeRespGetThreadStatus, RespGetThreadStatus = status }.ToByteArray());

    private static string Hex(string name) => Convert.ToHexStringLower(Vectors[name].Bytes);

    private static Dictionary<string, (string, byte[])> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Vectors", "netprov", "netprov_messages.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("vectors").EnumerateArray().ToDictionary(
            v => v.GetProperty("name").GetString()!,
            v => (v.GetProperty("message").GetString()!, Convert.FromHexString(v.GetProperty("hex").GetString()!)));
    }
}
