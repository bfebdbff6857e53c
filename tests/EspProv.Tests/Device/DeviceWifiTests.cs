using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Protocol;
using EspProv.Security;
using EspProv.Tests.Device.Support;
using EspProv.Tests.Support;
using EspProv.Transport;
using Google.Protobuf;
using static EspProv.Tests.Device.Support.DeviceTestKit;

namespace EspProv.Tests.Device;

/// <summary>Wi-Fi configuration, scan and control endpoints against a running device (security 0 keeps messages readable).</summary>
public sealed class DeviceWifiTests
{
    private static TestDevice Sec0 => TestDevice.Http().Security(DeviceSecurity0.Instance);

    [Theory]
    [InlineData("myssid", "mypassword", (int)WifiStationState.Connected, -1)]
    [InlineData("myssid", "wrong-password", (int)WifiStationState.ConnectionFailed, (int)WifiConnectFailedReason.AuthError)]
    [InlineData("otherssid", "mypassword", (int)WifiStationState.ConnectionFailed, (int)WifiConnectFailedReason.NetworkNotFound)]
    public async Task Apply_ReportsTheOutcomeOfTheSimulatedNetwork(string ssid, string passphrase, int stateValue, int reasonValue)
    {
        var state = (WifiStationState)stateValue;
        WifiConnectFailedReason? reason = reasonValue < 0 ? null : (WifiConnectFailedReason)reasonValue;
        await using var device = await Sec0.StartAsync();
        await using var transport = OpenTransport(device);
        var session = await SendCredentialsAsync(transport, Security0.Instance, ssid, passphrase);

        var status = (await ConfigAsync(transport, session, GetStatus())).RespGetStatus;

        Assert.Equal(state, status.StaState);
        if (reason is { } r)
        {
            Assert.Equal(RespGetStatus.StateOneofCase.FailReason, status.StateCase);
            Assert.Equal(r, status.FailReason);
            Assert.Equal(ProvisioningState.Failed, device.ProvisioningState);
        }
        else
        {
            Assert.Equal(Convert.FromHexString("021122334455"), status.Connected.Bssid.ToByteArray());
            Assert.Equal(6, status.Connected.Channel);
            Assert.Equal(WifiAuthMode.Wpa2Psk, status.Connected.AuthMode);
        }
    }

    [Theory]
    [InlineData(DeviceFlavor.Idf, (int)Status.InternalError)]
    [InlineData(DeviceFlavor.Esp8266, (int)Status.InvalidArgument)]
    public async Task ApplyWithoutCredentials_IsRefusedAndNothingIsStored(DeviceFlavor flavor, int expectedValue)
    {
        var expected = (Status)expectedValue;
        await using var device = await Sec0.Flavor(flavor).StartAsync();
        await using var transport = OpenTransport(device);
        var session = await HandshakeAsync(transport, Security0.Instance);

        var apply = await ConfigAsync(transport, session, Apply());

        Assert.Equal(expected, apply.RespApplyConfig.Status);
        Assert.Null(device.AppliedCredentials);
        Assert.Equal(ProvisioningState.Started, device.ProvisioningState);
    }

    [Fact]
    public async Task Idf_SecondApply_IsInternalError()
    {
        await using var device = await Sec0.StartAsync();
        await using var transport = OpenTransport(device);
        var session = await SendCredentialsAsync(transport, Security0.Instance, "myssid", "wrong");
        await ConfigAsync(transport, session, SetConfig("myssid", "mypassword"));

        Assert.Equal(Status.InternalError, (await ConfigAsync(transport, session, Apply())).RespApplyConfig.Status);
        Assert.Equal("wrong", device.AppliedCredentials!.Passphrase);
    }

    [Theory]
    [InlineData(DeviceFlavor.Idf, 33, 8, 0, (int)Status.InvalidArgument)]
    [InlineData(DeviceFlavor.Idf, 32, 65, 0, (int)Status.InvalidArgument)]
    [InlineData(DeviceFlavor.Idf, 32, 64, 0, (int)Status.InvalidArgument)]
    [InlineData(DeviceFlavor.Idf, 32, 63, 5, (int)Status.InvalidArgument)]
    [InlineData(DeviceFlavor.Idf, 32, 63, 6, (int)Status.Success)]
    [InlineData(DeviceFlavor.Esp8266, 33, 8, 0, (int)Status.InvalidArgument)]
    [InlineData(DeviceFlavor.Esp8266, 32, 64, 0, (int)Status.InvalidArgument)]
    [InlineData(DeviceFlavor.Esp8266, 32, 63, 0, (int)Status.Success)]
    public async Task SetConfig_ValidatesLengths_AsFirmwareDoes(DeviceFlavor flavor, int ssidLength, int passLength, int bssidLength, int expectedValue)
    {
        var expected = (Status)expectedValue;
        await using var device = await Sec0.Flavor(flavor).StartAsync();
        await using var transport = OpenTransport(device);
        var session = await HandshakeAsync(transport, Security0.Instance);
        var request = new WiFiConfigPayload
        {
            Msg = WiFiConfigMsgType.TypeCmdSetConfig,
            CmdSetConfig = new CmdSetConfig
            {
                Ssid = ByteString.CopyFrom(new byte[ssidLength].Select(_ => (byte)'s').ToArray()),
                Passphrase = ByteString.CopyFrom(new byte[passLength].Select(_ => (byte)'p').ToArray()),
                Bssid = ByteString.CopyFrom(new byte[bssidLength]),
            },
        };

        var reply = await ConfigAsync(transport, session, request);

        Assert.Equal(expected, reply.RespSetConfig.Status);
        // handlers.c copies the passphrase into a 64-byte C buffer: 63 characters survive.
        Assert.Equal(expected == Status.Success ? 63 : null, device.PendingCredentials?.Passphrase.Length);
    }

    [Fact]
    public async Task ConnectDelay_ReportsConnectingUntilTheClockMoves()
    {
        var time = new TestClock();
        await using var device = await Sec0.With(o => o.TimeProvider, time).ConnectDelay(TimeSpan.FromSeconds(1)).StartAsync();
        await using var transport = OpenTransport(device);
        var session = await SendCredentialsAsync(transport, Security0.Instance, "myssid", "mypassword");

        Assert.Equal(WifiStationState.Connecting, (await ConfigAsync(transport, session, GetStatus())).RespGetStatus.StaState);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(EspProv.Provisioning.WifiConnectionState.Connected, device.WifiStatus.State);
        Assert.Equal(WifiStationState.Connected, (await ConfigAsync(transport, session, GetStatus())).RespGetStatus.StaState);
    }

    [Fact]
    public async Task AutoStop_ConnectedStatusStopsTheServerOneSecondLater()
    {
        var time = new TestClock();
        await using var device = await Sec0.With(o => o.TimeProvider, time).StartAsync();
        await using var transport = OpenTransport(device);
        var session = await SendCredentialsAsync(transport, Security0.Instance, "myssid", "mypassword");
        await ConfigAsync(transport, session, GetStatus());
        Assert.False(device.Stopped.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));

        await device.Stopped.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ProvisioningState.Stopped, device.ProvisioningState);
        await Assert.ThrowsAnyAsync<EspProv.Exceptions.TransportException>(() => OpenTransport(device).SendAsync(Endpoints.ProtoVer, "---"u8.ToArray()));
    }

    [Fact]
    public async Task Scan_ResultsAreSortedByRssiAndPaged()
    {
        var networks = Enumerable.Range(0, 5).Select(i => new SimulatedNetwork($"net{i}", "password") { Rssi = -80 + (i * 10), Channel = i + 1 }).ToArray();
        await using var device = await Sec0.Networks(networks).StartAsync();
        await using var transport = OpenTransport(device);
        var session = await HandshakeAsync(transport, Security0.Instance);

        var start = await ScanAsync(transport, session, new WiFiScanPayload
        {
            Msg = WiFiScanMsgType.TypeCmdScanStart,
            CmdScanStart = new CmdScanStart { Blocking = true, GroupChannels = 5, PeriodMs = 120 },
        });
        var status = await ScanAsync(transport, session, new WiFiScanPayload { Msg = WiFiScanMsgType.TypeCmdScanStatus });
        var page1 = await ScanAsync(transport, session, Page(0, 3));
        var page2 = await ScanAsync(transport, session, Page(3, 3));

        Assert.Equal(WiFiScanMsgType.TypeRespScanStart, start.Msg);
        Assert.True(status.RespScanStatus.ScanFinished);
        Assert.Equal(5u, status.RespScanStatus.ResultCount);
        Assert.Equal(["net4", "net3", "net2"], page1.RespScanResult.Entries.Select(e => e.Ssid.ToStringUtf8()));
        Assert.Equal(Status.Success, page1.Status);
        Assert.Equal(["net1", "net0"], page2.RespScanResult.Entries.Select(e => e.Ssid.ToStringUtf8()));
        Assert.Equal(Status.InternalError, page2.Status);
        Assert.Equal(-40, page1.RespScanResult.Entries[0].Rssi);

        // IDF 5.5: a page reaching beyond the 16-entry list is refused by closing the connection.
        await Assert.ThrowsAnyAsync<EspProv.Exceptions.TransportException>(() => ScanAsync(transport, session, Page(10, 7)));
    }

    [Fact]
    public async Task Scan_KeepsAtMost16Entries()
    {
        var networks = Enumerable.Range(0, 20).Select(i => new SimulatedNetwork($"n{i}", string.Empty) { Rssi = -20 - i }).ToArray();
        await using var device = await Sec0.Networks(networks).StartAsync();
        await using var transport = OpenTransport(device);
        var session = await HandshakeAsync(transport, Security0.Instance);
        await ScanAsync(transport, session, new WiFiScanPayload { Msg = WiFiScanMsgType.TypeCmdScanStart, CmdScanStart = new CmdScanStart() });

        var all = await ScanAsync(transport, session, Page(0, 16));

        Assert.Equal(16, all.RespScanResult.Entries.Count);
        Assert.Equal("n15", all.RespScanResult.Entries[^1].Ssid.ToStringUtf8());
        Assert.Equal(WifiAuthMode.Open, all.RespScanResult.Entries[0].Auth);
    }

    [Fact]
    public async Task CtrlReset_AfterFailure_LetsNewCredentialsSucceed()
    {
        await using var device = await Sec0.StartAsync();
        await using var transport = OpenTransport(device);
        var session = await SendCredentialsAsync(transport, Security0.Instance, "myssid", "wrong");
        Assert.Equal(WifiStationState.ConnectionFailed, (await ConfigAsync(transport, session, GetStatus())).RespGetStatus.StaState);

        var reset = await CtrlAsync(transport, session, WiFiCtrlMsgType.TypeCmdCtrlReset);
        Assert.Equal(Status.Success, reset.Status);
        Assert.Equal(WiFiCtrlMsgType.TypeRespCtrlReset, reset.Msg);
        Assert.Null(device.AppliedCredentials);

        await ConfigAsync(transport, session, SetConfig("myssid", "mypassword"));
        Assert.Equal(Status.Success, (await ConfigAsync(transport, session, Apply())).RespApplyConfig.Status);
        Assert.Equal(WifiStationState.Connected, (await ConfigAsync(transport, session, GetStatus())).RespGetStatus.StaState);
    }

    [Fact]
    public async Task CtrlReset_WithoutFailure_IsInternalError()
    {
        await using var device = await Sec0.StartAsync();
        await using var transport = OpenTransport(device);
        var session = await HandshakeAsync(transport, Security0.Instance);

        Assert.Equal(Status.InternalError, (await CtrlAsync(transport, session, WiFiCtrlMsgType.TypeCmdCtrlReset)).Status);
    }

    [Theory]
    [InlineData(true, (int)Status.InternalError)]
    [InlineData(false, (int)Status.Success)]
    public async Task CtrlReprov_OnlyWhenAutoStopIsDisabled(bool autoStop, int expectedValue)
    {
        var expected = (Status)expectedValue;
        await using var device = await Sec0.AutoStop(autoStop).StartAsync();
        await using var transport = OpenTransport(device);
        var session = await SendCredentialsAsync(transport, Security0.Instance, "myssid", "mypassword");

        var reply = await CtrlAsync(transport, session, WiFiCtrlMsgType.TypeCmdCtrlReprov);

        Assert.Equal(expected, reply.Status);
        Assert.Equal(WiFiCtrlMsgType.TypeRespCtrlReprov, reply.Msg);
        Assert.Equal(autoStop, device.AppliedCredentials is not null);
    }

    [Fact]
    public async Task Rearm_ServesFlowAfterFlowWithFreshState()
    {
        await using var device = await TestDevice.Http().With(o => o.Rearm, true).StartAsync();
        for (var flow = 0; flow < 3; flow++)
        {
            await using var transport = OpenTransport(device);
            var session = await SendCredentialsAsync(transport, new Security1(Pop), "myssid", "mypassword");
            Assert.Equal(WifiStationState.Connected, (await ConfigAsync(transport, session, GetStatus())).RespGetStatus.StaState);
            Assert.Equal(ProvisioningState.Started, device.ProvisioningState);
            Assert.Null(device.AppliedCredentials);
        }

        Assert.Equal(3, device.SessionsCreated);
        Assert.False(device.Stopped.IsCompleted);
    }

    [Fact]
    public async Task CustomEndpoints_RecordWhatTheyReceive()
    {
        await using var device = await Sec0.StartAsync();
        await using var transport = OpenTransport(device);
        var session = await HandshakeAsync(transport, Security0.Instance);

        var data = await transport.SendAsync(Endpoints.CustomData, session.Encrypt("hello"u8));
        var config = await ExchangeAsync(transport, session, Endpoints.CustomConfig,
            new CustomConfigRequest { Info = new string('i', 200), Version = 7 }, CustomConfigResponse.Parser);

        Assert.Equal("SUCCESS\0"u8.ToArray(), data);
        Assert.Equal("hello"u8.ToArray(), device.CustomData.Single());
        Assert.Equal(47, config.Dummy);
        Assert.Equal(new CustomConfigRecord(new string('i', 127), 7), device.CustomConfigs.Single());
    }

    [Fact]
    public async Task Esp8266_HasNoScanControlOrCustomData()
    {
        await using var device = await Sec0.Flavor(DeviceFlavor.Esp8266).StartAsync();
        await using var raw = await RawHttpConnection.OpenAsync(device.EndPoint.Port);

        foreach (var endpoint in new[] { "/prov-scan", "/prov-ctrl", "/custom-data" })
        {
            await raw.SendAsync(RawHttpConnection.Post(endpoint, [0x08, 0x02]));
            Assert.Equal(404, (await raw.ReadResponseAsync())!.Status);
        }
    }

    private static WiFiScanPayload Page(uint start, uint count) => new()
    {
        Msg = WiFiScanMsgType.TypeCmdScanResult,
        CmdScanResult = new CmdScanResult { StartIndex = start, Count = count },
    };

    private static Task<WiFiScanPayload> ScanAsync(IProvisioningTransport transport, ISecuritySession session, WiFiScanPayload request) =>
        ExchangeAsync(transport, session, Endpoints.Scan, request, WiFiScanPayload.Parser);

    private static Task<WiFiCtrlPayload> CtrlAsync(IProvisioningTransport transport, ISecuritySession session, WiFiCtrlMsgType type) =>
        ExchangeAsync(transport, session, Endpoints.Control, new WiFiCtrlPayload { Msg = type }, WiFiCtrlPayload.Parser);
}
