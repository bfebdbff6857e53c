using EspProv.Device;
using EspProv.Device.Ble.Peripheral;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Tests.Ble.Device.Support;
using EspProv.Tests.Device.Support;
using EspProv.Tests.Support;
using Tmds.DBus.Protocol;

namespace EspProv.Tests.Ble.Device;

/// <summary>Whole provisioning flows through the BLE front-end, the virtual BlueZ and a C# central
/// (docs/ble.md#requests-and-responses).</summary>
public sealed class BleDeviceProvisioningTests
{
    private static readonly WifiCredentials Credentials = new("myssid", "mypassword");

    private static TestDevice NewDevice(IDeviceSecurity security, bool autoStop = true, TimeProvider? time = null) =>
        TestDevice.Ble().Security(security).Networks(new SimulatedNetwork("myssid", "mypassword")).AutoStop(autoStop).With(o => o.TimeProvider, time);

    private static async Task ProvisionAsync(BleTestBed bed, ISecurity security)
    {
        await using var client = new ProvisioningClient(bed.CreateTransport());
        var outcome = await client.ProvisionAsync(ProvisioningPlan.For(security, Credentials)).WaitAsync(BleTestBed.Timeout);
        Assert.IsType<WifiConnectionInfo>(outcome.Connection);
        Assert.Equal(WifiConnectionState.Connected, bed.Device.WifiStatus.State);
        Assert.All(bed.Device.Requests, r => Assert.Equal("ble", r.FrontEnd));
        Assert.Contains(bed.Device.Requests, r => r.Endpoint == "prov-session");
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Provision_Security0_OverBle() =>
        await ProvisionOnceAsync(new DeviceSecurity0(), Security0.Instance);

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Provision_Security1_OverBle() =>
        await ProvisionOnceAsync(new DeviceSecurity1("abcd1234"), new Security1("abcd1234"));

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Provision_Security2_OverNimBleMtu256_NeedsLongWritesAndLongReads()
    {
        // Command0/Response0 are ~406/416 bytes: over NimBLE's MTU of 256 they take a long write and a long read.
        await using var bed = await BleTestBed.StartAsync(NewDevice(DeviceSecurity2.FromPassword("wifiprov", "abcd1234")), BleStack.NimBle, mtu: 256);
        await ProvisionAsync(bed, new Security2("wifiprov", "abcd1234"));
        var response0 = bed.Device.Requests.First(r => r.Endpoint == "prov-session");
        Assert.InRange(response0.ResponseBytes, 256, 512); // read back whole through Read + Read Blob at offset 255
        Assert.InRange(response0.RequestBytes, 254, 512); // arrived whole from a long write
    }

    private static DBusErrorReplyException DBusError(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is DBusErrorReplyException dbus)
            {
                return dbus;
            }
        }

        throw new Xunit.Sdk.XunitException("no D-Bus error behind: " + error);
    }

    private static async Task ProvisionOnceAsync(IDeviceSecurity device, ISecurity client)
    {
        await using var bed = await BleTestBed.StartAsync(NewDevice(device));
        await ProvisionAsync(bed, client);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task WrongPop_NimBle_FailsTheWrite_AndKeepsTheLink()
    {
        await using var bed = await BleTestBed.StartAsync(NewDevice(new DeviceSecurity1("abcd1234")));
        await using var client = new ProvisioningClient(bed.CreateTransport());

        var error = await Assert.ThrowsAnyAsync<ProvisioningException>(() => client.EstablishSessionAsync(new Security1("wrong-pop")).WaitAsync(BleTestBed.Timeout));

        Assert.Contains("wrong proof of possession", error.Message, StringComparison.Ordinal);
        var failed = DBusError(error);
        Assert.Equal("org.bluez.Error.Failed", failed.ErrorName);
        Assert.Equal("Operation failed with ATT error: 0x0e", failed.ErrorMessage); // NimBLE's 0x04, as far as BlueZ lets an app say it
        Assert.True(bed.IsConnected);
        Assert.Equal(1, bed.Device.OpenLinks);
        Assert.Contains("\"prov\"", System.Text.Encoding.UTF8.GetString(await bed.ExchangeAsync("proto-ver", "ESP"u8.ToArray())), StringComparison.Ordinal);
        Assert.DoesNotContain(bed.Device.Requests, r => r.ToString().Contains("wrong-pop", StringComparison.Ordinal));
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task WrongPop_Bluedroid_DropsTheLink_WithoutAWriteResponse()
    {
        await using var bed = await BleTestBed.StartAsync(NewDevice(new DeviceSecurity1("abcd1234")), BleStack.Bluedroid);
        await using var client = new ProvisioningClient(bed.CreateTransport());

        var error = await Assert.ThrowsAnyAsync<ProvisioningException>(() => client.EstablishSessionAsync(new Security1("wrong-pop")).WaitAsync(BleTestBed.Timeout));

        var failed = DBusError(error);
        Assert.Equal("Operation failed with ATT error: 0x0e", failed.ErrorMessage); // cut off by the link loss
        await bed.WaitConnectedAsync(false);
        Assert.Contains(bed.Device.Requests, r => r.Endpoint == "prov-session" && r.Closed);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Session_EndsWithTheLink_ANewConnectionNeedsANewHandshake()
    {
        await using var bed = await BleTestBed.StartAsync(NewDevice(new DeviceSecurity1("abcd1234")));
        var closed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        bed.Device.Ble!.Server.LinkClosed += link => closed.TrySetResult(link);
        await using var client = new ProvisioningClient(bed.CreateTransport());
        await client.EstablishSessionAsync(new Security1("abcd1234")).WaitAsync(BleTestBed.Timeout);
        Assert.NotNull(bed.Device.Service.Core.Protocomm.CurrentSessionId);
        var sessions = bed.Device.SessionsCreated;

        await bed.DisconnectAsync();
        await closed.Task.WaitAsync(BleTestBed.Timeout);

        Assert.Null(bed.Device.Service.Core.Protocomm.CurrentSessionId);
        Assert.Equal(0, bed.Device.OpenLinks);
        // The old session's keys are worthless on a new connection: the device refuses the encrypted request.
        await bed.ConnectAsync();
        await Assert.ThrowsAsync<DBusErrorReplyException>(() => bed.WriteAsync("prov-config", [0x52, 0x00, 0x01]));
        await client.EstablishSessionAsync(new Security1("abcd1234")).WaitAsync(BleTestBed.Timeout);
        Assert.NotNull(await client.GetWifiStatusAsync().WaitAsync(BleTestBed.Timeout));
        Assert.True(bed.Device.SessionsCreated > sessions);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task AutoStop_AfterConnected_UnregistersAndDropsTheLink()
    {
        var time = new TestClock();
        await using var bed = await BleTestBed.StartAsync(NewDevice(new DeviceSecurity1("abcd1234"), time: time));
        await ProvisionAsync(bed, new Security1("abcd1234"));
        Assert.False(bed.Device.Stopped.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1.1)); // firmware's cleanup delay after the Connected status was read
        await bed.Device.Stopped.WaitAsync(BleTestBed.Timeout);

        await bed.Central.WaitForAsync(c => c.Properties(bed.Bluez.PeripheralAdapters[0].Path, "org.bluez.LEAdvertisingManager1")?["ActiveInstances"].GetByte() == 0 ? "" : null, "advertisement gone", BleTestBed.Timeout);
        // The application went while the link was still up, so the central saw the service vanish, then the link drop.
        await bed.Central.WaitForAsync(c => c.Paths().Any(p => p.StartsWith(bed.DevicePath + "/service", StringComparison.Ordinal)) ? null : "", "service gone", BleTestBed.Timeout);
        await bed.WaitConnectedAsync(false);
        Assert.Equal(0, bed.Device.OpenLinks);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task NoAutoStop_KeepsServingAfterConnected()
    {
        var time = new TestClock();
        await using var bed = await BleTestBed.StartAsync(NewDevice(new DeviceSecurity1("abcd1234"), autoStop: false, time: time));
        await ProvisionAsync(bed, new Security1("abcd1234"));

        time.Advance(TimeSpan.FromSeconds(60));

        Assert.False(bed.Device.Stopped.IsCompleted);
        Assert.True(bed.IsConnected);
        Assert.NotEmpty(await bed.ExchangeAsync("proto-ver", "ESP"u8.ToArray()));
    }
}
