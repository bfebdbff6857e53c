using EspProv.Device;
using EspProv.Device.Ble.Peripheral;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Protocol;
using EspProv.Security;
using EspProv.Tests.Support;
using EspProv.Transport;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Tests.Ble.Device;

/// <summary>The BLE front-end's value logic without D-Bus (docs/ble.md#requests-and-responses): sizes per stack, empty
/// writes, offsets.</summary>
public sealed class GattProvisioningServerTests
{
    private const string Central = "/org/bluez/hci1/dev_02_00_00_00_00_00";

    private static (SimulatedDevice Device, GattProvisioningServer Server) Create(BleStack stack, int networks = 1)
    {
        var device = TestDevice.InMemory().Security(new DeviceSecurity0())
            .Networks([.. Enumerable.Range(0, networks).Select(i => new SimulatedNetwork(new string((char)('a' + (i % 26)), 31) + i % 10, "password"))])
            .Create();
        var layout = GattLayout.For([.. device.Service.EndpointNames], BleDeviceOptions.ExampleServiceUuid);
        return (device, new GattProvisioningServer(device.Service, layout, stack, NullLogger.Instance));
    }

    private static int Index(GattProvisioningServer server, string endpoint) => server.Endpoints.ToList().FindIndex(e => e.Name == endpoint);

    private static async Task<byte[]> ExchangeAsync(GattProvisioningServer server, string endpoint, byte[] request)
    {
        var outcome = await server.WriteCharacteristicAsync(Central, Index(server, endpoint), request, 0, 517, default);
        Assert.Equal(GattWriteAction.Acknowledge, outcome.Action);
        return server.ReadCharacteristic(Index(server, endpoint), 0).Value!;
    }

    /// <summary>A security 0 session, then a scan of every network and one result page as big as asked.</summary>
    private static async Task<byte[]> ScanPageAsync(GattProvisioningServer server, uint count)
    {
        using var session = Security0.Instance.CreateSession();
        var request = session.CreateFirstRequest();
        while (request is not null)
        {
            request = session.HandleResponse(await ExchangeAsync(server, Endpoints.Session, request));
        }

        var start = new WiFiScanPayload { Msg = WiFiScanMsgType.TypeCmdScanStart, CmdScanStart = new CmdScanStart { Blocking = true } };
        await ExchangeAsync(server, Endpoints.Scan, session.Encrypt(start.ToByteArray()));
        var page = new WiFiScanPayload { Msg = WiFiScanMsgType.TypeCmdScanResult, CmdScanResult = new CmdScanResult { StartIndex = 0, Count = count } };
        var outcome = await server.WriteCharacteristicAsync(Central, Index(server, Endpoints.Scan), session.Encrypt(page.ToByteArray()), 0, 517, default);
        Assert.Equal(GattWriteAction.Acknowledge, outcome.Action); // acknowledged even when too big to store
        return server.ReadCharacteristic(Index(server, Endpoints.Scan), 0).Value!;
    }

    [Fact]
    public async Task OversizedResponse_Bluedroid_KeepsThePreviousValue_NimBle_ServesTheFirst512Bytes()
    {
        var (bluedroidDevice, bluedroid) = Create(BleStack.Bluedroid, networks: 12);
        await using (bluedroidDevice)
        {
            var stored = await ScanPageAsync(bluedroid, 12);
            var asStatus = WiFiScanPayload.Parser.ParseFrom(stored);
            Assert.Equal(WiFiScanMsgType.TypeRespScanStart, asStatus.Msg); // the previous response: a client sees a wrong reply
            Assert.True(bluedroidDevice.Requests[^1].ResponseBytes > GattProvisioningServer.BluedroidMaxBytes);
        }

        var (nimbleDevice, nimble) = Create(BleStack.NimBle, networks: 12);
        await using (nimbleDevice)
        {
            var stored = await ScanPageAsync(nimble, 12);
            Assert.True(nimbleDevice.Requests[^1].ResponseBytes > GattProvisioningServer.AttributeMaxBytes);
            Assert.Equal(GattProvisioningServer.AttributeMaxBytes, stored.Length);
            Assert.Empty(nimble.ReadCharacteristic(Index(nimble, Endpoints.Scan), 512).Value!);
            Assert.Equal(GattError.InvalidOffset, nimble.ReadCharacteristic(Index(nimble, Endpoints.Scan), 513).Error);
        }
    }

    [Fact]
    public async Task ResponseOf481Bytes_FitsBluedroid()
    {
        var (device, server) = Create(BleStack.Bluedroid, networks: 12);
        await using (device)
        {
            // Pages of growing size until one is the largest that fits: it is stored whole.
            var page = await ScanPageAsync(server, 8);
            Assert.Equal(WiFiScanMsgType.TypeRespScanResult, WiFiScanPayload.Parser.ParseFrom(page).Msg);
            Assert.InRange(page.Length, 300, GattProvisioningServer.BluedroidMaxBytes);
        }
    }

    [Fact]
    public async Task EmptyWrite_NimBle_IsAcknowledgedUnhandled_Bluedroid_IsAProtocolError()
    {
        var (nimbleDevice, nimble) = Create(BleStack.NimBle);
        await using (nimbleDevice)
        {
            Assert.Equal(GattWriteAction.Acknowledge, (await nimble.WriteCharacteristicAsync(Central, Index(nimble, Endpoints.ProtoVer), [], 0, 517, default)).Action);
            Assert.Empty(nimble.ReadCharacteristic(Index(nimble, Endpoints.ProtoVer), 0).Value!);
        }

        var (bluedroidDevice, bluedroid) = Create(BleStack.Bluedroid);
        await using (bluedroidDevice)
        {
            Assert.Equal(GattWriteAction.DropLink, (await bluedroid.WriteCharacteristicAsync(Central, Index(bluedroid, Endpoints.ProtoVer), [], 0, 517, default)).Action);
        }
    }

    [Fact]
    public async Task WriteWithOffset_IsRefused_AndLeavesTheValue()
    {
        var (device, server) = Create(BleStack.NimBle);
        await using (device)
        {
            var before = await ExchangeAsync(server, Endpoints.ProtoVer, "ESP"u8.ToArray());
            var outcome = await server.WriteCharacteristicAsync(Central, Index(server, Endpoints.ProtoVer), [1, 2], 4, 517, default);
            Assert.Equal(GattError.InvalidOffset, outcome.Error);
            Assert.Equal(before, server.ReadCharacteristic(Index(server, Endpoints.ProtoVer), 0).Value);
            Assert.Equal(DeviceRequestOutcome.Rejected, device.Requests[^1].Outcome);
        }
    }
}
