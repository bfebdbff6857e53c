using EspProv.Exceptions;
using EspProv.Tests.Ble.Support;
using EspProv.Tests.Support;
using EspProv.Transport;
using EspProv.Transport.Ble;
using EspProv.VirtualBluez;
using Tmds.DBus.Protocol;

namespace EspProv.Tests.Ble.Client;

/// <summary>Discovery, the link's life cycle and every "cannot reach the device" failure of <see cref="BleTransport"/>.</summary>
public sealed class BleDiscoveryAndErrorTests
{
    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Discovery_ListsProvisioningDevices_WithNameAddressRssiAndUuid_AndStopsDiscovery()
    {
        await using var bench = await BleBench.StartAsync(name: "PROV_AAAAAA", peripheralAdapters: 2);
        await using var other = await TestProvPeripheral.StartAsync(bench.Bluez.BusAddress, "/org/bluez/hci2", "OTHER_1", BleBench.Timeout);
        var options = new BleScanOptions { BusAddress = bench.Bluez.BusAddress, Timeout = TimeSpan.FromSeconds(1), NamePrefix = "PROV_" };
        var devices = await BleDiscovery.ListAsync(options);
        var device = Assert.Single(devices);
        Assert.Equal("PROV_AAAAAA", device.Name);
        Assert.Equal(bench.Bluez.PeripheralAdapters[0].Address, device.Address);
        Assert.Contains(BleDiscovery.ExampleServiceUuid, device.ServiceUuids);
        Assert.InRange(device.Rssi ?? 0, -70, -30);
        Assert.Equal("hci0", device.Adapter);
        Assert.True(device.LooksLikeProvisioningDevice);

        // Without the prefix both are listed; a break ends the scan early and still stops discovery.
        await foreach (var _ in BleDiscovery.ScanAsync(new BleScanOptions { BusAddress = bench.Bluez.BusAddress, Timeout = BleBench.Timeout }))
        {
            break;
        }

        await using var central = await TestCentral.StartAsync(bench.Bluez.BusAddress);
        Assert.True(central.Is(TestCentral.Adapter, "org.bluez.Adapter1", "Discovering", false));
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Discovery_StopsAsSoonAsTheDeviceIsHeard()
    {
        await using var bench = await BleBench.StartAsync();
        var trace = new List<string>();
        // The transport's clock never moves: a scan that waited out its timeout (as esp_prov's fixed 5 s scan does)
        // would never end, so ending at all proves the scan stopped when the device was heard.
        var clock = new TestClock();
        var started = clock.GetUtcNow();
        await using var transport = new BleTransport(bench.Options(trace: trace, time: clock));
        var link = await transport.PrepareAsync(Endpoints.ProtoVer).AsTask().WaitAsync(Eventually.SafetyNet);
        Assert.Equal(1, link.Generation);
        Assert.False(link.SessionSurvivesNewLink);
        Assert.Equal(started, clock.GetUtcNow());
        Assert.Contains(trace, l => l.StartsWith("found PROV_C11E47", StringComparison.Ordinal));
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task DeviceNotFound_NamesTheProvisioningDevicesSeen()
    {
        await using var bench = await BleBench.StartAsync(name: "PROV_123456");
        await using var transport = new BleTransport(bench.Options(name: "PROV_654321", scanTimeout: TimeSpan.FromMilliseconds(800)));
        var ex = await Assert.ThrowsAsync<BleTransportException>(() => transport.PrepareAsync(Endpoints.ProtoVer).AsTask());
        Assert.Equal(TransportFailure.DeviceNotFound, ex.Failure);
        Assert.Contains("no BLE device named PROV_654321 within 0.8 s", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PROV_123456", ex.Message, StringComparison.Ordinal);
        await using var central = await TestCentral.StartAsync(bench.Bluez.BusAddress);
        Assert.True(central.Is(TestCentral.Adapter, "org.bluez.Adapter1", "Discovering", false));
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task SecondConnection_FindsTheServiceAlthoughBluezNowListsEveryServiceUuid()
    {
        await using var bench = await BleBench.StartAsync();
        await using (var first = new BleTransport(bench.Options()))
        {
            await first.PrepareAsync(Endpoints.ProtoVer);
        }

        await using var second = new BleTransport(bench.Options());
        await second.PrepareAsync(Endpoints.ProtoVer);
        Assert.True(second.Device!.ServiceUuids.Count >= 3, string.Join(", ", second.Device.ServiceUuids));
        Assert.NotEmpty(await second.SendAsync(Endpoints.ProtoVer, "ESP"u8.ToArray()));
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Dispose_Disconnects_AndResetOpensANewLink()
    {
        await using var bench = await BleBench.StartAsync();
        var transport = new BleTransport(bench.Options());
        await transport.SendAsync(Endpoints.ProtoVer, "ESP"u8.ToArray());
        Assert.Equal(1, bench.Device.OpenLinks);
        await transport.ResetAsync();
        Assert.Equal(2, (await transport.PrepareAsync(Endpoints.ProtoVer)).Generation);
        await transport.DisposeAsync();
        await Eventually.UntilAsync(bench.Device, () => bench.Device.OpenLinks == 0, "the device saw the disconnect");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => transport.PrepareAsync(Endpoints.ProtoVer).AsTask());
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task CancelledScan_StopsDiscovery()
    {
        await using var bench = await BleBench.StartAsync();
        await using var central = await TestCentral.StartAsync(bench.Bluez.BusAddress);
        var transport = new BleTransport(bench.Options(name: "PROV_ABSENT", scanTimeout: TimeSpan.FromSeconds(30)));
        using var cts = new CancellationTokenSource();
        var prepare = transport.PrepareAsync(Endpoints.ProtoVer, cts.Token).AsTask();
        await central.WaitForAsync(c => c.Is(TestCentral.Adapter, "org.bluez.Adapter1", "Discovering", true) ? "" : null, "scan started", BleBench.Timeout);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => prepare);
        await central.WaitForAsync(c => c.Is(TestCentral.Adapter, "org.bluez.Adapter1", "Discovering", false) ? "" : null, "scan stopped", BleBench.Timeout);
        await transport.DisposeAsync();
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task NoSuchAdapter_IsUnavailable()
    {
        await using var bench = await BleBench.StartAsync();
        await using var transport = new BleTransport(new BleTransportOptions { ServiceName = bench.Name, BusAddress = bench.Bluez.BusAddress, Adapter = "hci7" });
        var ex = await Assert.ThrowsAsync<BleTransportException>(() => transport.PrepareAsync(Endpoints.ProtoVer).AsTask());
        Assert.Equal(TransportFailure.Unavailable, ex.Failure);
        Assert.Contains("no Bluetooth adapter hci7", ex.Message, StringComparison.Ordinal);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task AdapterPoweredOff_IsUnavailable_WithWhatToDo()
    {
        await using var bench = await BleBench.StartAsync();
        await using (var central = await TestCentral.StartAsync(bench.Bluez.BusAddress))
        {
            await central.CallAsync(TestCentral.Adapter, "org.freedesktop.DBus.Properties", "Set", "ssv", (ref MessageWriter w) =>
            {
                w.WriteString("org.bluez.Adapter1");
                w.WriteString("Powered");
                w.WriteVariantBool(false);
            });
        }

        await using var transport = new BleTransport(new BleTransportOptions { ServiceName = bench.Name, BusAddress = bench.Bluez.BusAddress, Adapter = "hci0" });
        var ex = await Assert.ThrowsAsync<BleTransportException>(() => transport.PrepareAsync(Endpoints.ProtoVer).AsTask());
        Assert.Equal(TransportFailure.Unavailable, ex.Failure);
        Assert.Contains("powered off", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bluetoothctl power on", ex.Message, StringComparison.Ordinal);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task BluezNotRunning_IsUnavailable()
    {
        await using var daemon = await DaemonProcess.StartAsync("dbus-daemon", BleBench.Timeout);
        await using var transport = new BleTransport(new BleTransportOptions { ServiceName = "PROV_X", BusAddress = daemon.Address });
        var ex = await Assert.ThrowsAsync<BleTransportException>(() => transport.PrepareAsync(Endpoints.ProtoVer).AsTask());
        Assert.Equal(TransportFailure.Unavailable, ex.Failure);
        Assert.Equal("org.freedesktop.DBus.Error.ServiceUnknown", ex.BluezError);
        Assert.Contains("BlueZ is not running", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoSystemBus_IsUnavailable()
    {
        await using var transport = new BleTransport(new BleTransportOptions { ServiceName = "PROV_X", BusAddress = "unix:path=/nonexistent/espprov-bus" });
        var ex = await Assert.ThrowsAsync<BleTransportException>(() => transport.PrepareAsync(Endpoints.ProtoVer).AsTask());
        Assert.Equal(TransportFailure.Unavailable, ex.Failure);
        Assert.Contains("no D-Bus system bus at unix:path=/nonexistent/espprov-bus", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_WithoutNameOrAddress_AreRejected() =>
        Assert.Throws<ArgumentException>(() => new BleTransport(new BleTransportOptions()));
}
