using EspProv.Protocol;
using Google.Protobuf;

namespace EspProv.Tests.Security;

/// <summary>The reference encodings of docs/protocol.md#encoding-rules (produced with protoc from Espressif's .proto
/// files).</summary>
public sealed class MessageEncodingTests
{
    private static string Hex(IMessage m) => Convert.ToHexStringLower(m.ToByteArray());

    [Fact]
    public void Sec0Request() => Assert.Equal("5203a20100", Hex(new SessionData { Sec0 = new Sec0Payload { Sc = new S0SessionCmd() } }));

    [Fact]
    public void Sec0Response() => Assert.Equal("52050801aa0100",
        Hex(new SessionData { Sec0 = new Sec0Payload { Msg = Sec0MsgType.S0SessionResponse, Sr = new S0SessionResp() } }));

    [Fact]
    public void GetStatusRequest() => Assert.Equal("5200", Hex(new WiFiConfigPayload { CmdGetStatus = new CmdGetStatus() }));

    [Fact]
    public void ApplyRequest_MsgOnly() => Assert.Equal("0804", Hex(new WiFiConfigPayload { Msg = WiFiConfigMsgType.TypeCmdApplyConfig }));

    [Fact]
    public void SetConfig() => Assert.Equal("080262140a066d7973736964120a6d7970617373776f7264", Hex(new WiFiConfigPayload
    {
        Msg = WiFiConfigMsgType.TypeCmdSetConfig,
        CmdSetConfig = new CmdSetConfig { Ssid = ByteString.CopyFromUtf8("myssid"), Passphrase = ByteString.CopyFromUtf8("mypassword") },
    }));

    [Fact]
    public void RespGetStatus_Connecting_HasNoOneof() => Assert.Equal("08015a021001", Hex(new WiFiConfigPayload
    {
        Msg = WiFiConfigMsgType.TypeRespGetStatus,
        RespGetStatus = new RespGetStatus { StaState = WifiStationState.Connecting },
    }));

    [Fact]
    public void RespGetStatus_AuthError_EncodesZeroOneof() => Assert.Equal("08015a04100350" + "00", Hex(new WiFiConfigPayload
    {
        Msg = WiFiConfigMsgType.TypeRespGetStatus,
        RespGetStatus = new RespGetStatus { StaState = WifiStationState.ConnectionFailed, FailReason = WifiConnectFailedReason.AuthError },
    }));

    [Fact]
    public void RespGetStatus_AttemptFailed() => Assert.Equal("08015a061001620208" + "02", Hex(new WiFiConfigPayload
    {
        Msg = WiFiConfigMsgType.TypeRespGetStatus,
        RespGetStatus = new RespGetStatus { StaState = WifiStationState.Connecting, AttemptFailed = new WifiAttemptFailed { AttemptsRemaining = 2 } },
    }));

    [Fact]
    public void RespSetAndApply() => Assert.Equal(("08036a00", "08057a00"), (
        Hex(new WiFiConfigPayload { Msg = WiFiConfigMsgType.TypeRespSetConfig, RespSetConfig = new RespSetConfig() }),
        Hex(new WiFiConfigPayload { Msg = WiFiConfigMsgType.TypeRespApplyConfig, RespApplyConfig = new RespApplyConfig() })));

    [Fact]
    public void ScanMessages() => Assert.Equal(("520608011805207" + "8", "0802", "0804720210" + "03"), (
        Hex(new WiFiScanPayload { CmdScanStart = new CmdScanStart { Blocking = true, GroupChannels = 5, PeriodMs = 120 } }),
        Hex(new WiFiScanPayload { Msg = WiFiScanMsgType.TypeCmdScanStatus }),
        Hex(new WiFiScanPayload { Msg = WiFiScanMsgType.TypeCmdScanResult, CmdScanResult = new CmdScanResult { Count = 3 } })));

    [Fact]
    public void CtrlReset() => Assert.Equal("0801", Hex(new WiFiCtrlPayload { Msg = WiFiCtrlMsgType.TypeCmdCtrlReset }));
}
