using EspProv.Tests.Ble.Support;
using EspProv.Tests.Support;
using EspProv.VirtualBluez;
using Tmds.DBus.Protocol;

namespace EspProv.Tests.Ble;

/// <summary>A C# central and C# peripherals through the virtual BlueZ (docs/ble.md#bluez-central-role,
/// #bluez-peripheral-role, #a-bluez-stand-in-for-bleak), each test on its own private bus.</summary>
public sealed class VirtualBluezTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private const string Cud = "00002901-0000-1000-8000-00805f9b34fb";

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Discovery_ReportsEachAdvertiser_WithItsNameUuidAndAdapterAddress()
    {
        await using var bluez = await VirtualBluezService.StartAsync(new VirtualBluezOptions { PeripheralAdapters = 2, RandomSeed = 1 });
        await using var first = await TestProvPeripheral.StartAsync(bluez.BusAddress, "/org/bluez/hci1", "PROV_A1B2C3", Timeout);
        await using var second = await TestProvPeripheral.StartAsync(bluez.BusAddress, "/org/bluez/hci2", "PROV_D4E5F6", Timeout);
        await using var central = await TestCentral.StartAsync(bluez.BusAddress);
        Assert.Null(central.FindDevice(_ => true)); // nothing is reported before a scan

        await central.StartDiscoveryAsync();
        var device = await central.WaitForAsync(c => c.FindDevice(d => d.TryGetValue("Alias", out var a) && a.GetString() == "PROV_A1B2C3"), "first", Timeout);
        await central.WaitForAsync(c => c.FindDevice(d => d.TryGetValue("Alias", out var a) && a.GetString() == "PROV_D4E5F6"), "second", Timeout);

        var props = central.Properties(device, "org.bluez.Device1")!;
        Assert.Equal("/org/bluez/hci0/dev_02_00_00_00_00_01", device);
        Assert.Equal(bluez.PeripheralAdapters[0].Address, props["Address"].GetString());
        Assert.Equal("PROV_A1B2C3", props["Name"].GetString());
        Assert.Equal([TestProvPeripheral.ServiceUuid], props["UUIDs"].GetArray<string>());
        Assert.Equal("/org/bluez/hci0", props["Adapter"].GetObjectPathAsString());
        Assert.False(props["Connected"].GetBool());
        Assert.False(props["ServicesResolved"].GetBool());
        Assert.InRange(props["RSSI"].GetInt16(), (short)-60, (short)-40);
        Assert.True(central.Is(TestCentral.Adapter, "org.bluez.Adapter1", "Discovering", true));
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task ConnectWriteRead_ReachesTheApplication_WithBluezOptions()
    {
        await using var bluez = await VirtualBluezService.StartAsync(new VirtualBluezOptions { RandomSeed = 2 });
        await using var peripheral = await TestProvPeripheral.StartAsync(bluez.BusAddress, "/org/bluez/hci1", "PROV_000001", Timeout);
        await using var central = await TestCentral.StartAsync(bluez.BusAddress);
        await central.StartDiscoveryAsync();
        var device = await central.WaitForAsync(c => c.FindDevice(_ => true), "device", Timeout);

        await central.ConnectAsync(device);

        Assert.True(central.Is(device, "org.bluez.Device1", "Connected", true));
        Assert.Contains(TestProvPeripheral.ServiceUuid, central.Properties(device, "org.bluez.Device1")!["UUIDs"].GetArray<string>());
        var service = central.FindAttribute(device, "org.bluez.GattService1", TestProvPeripheral.ServiceUuid);
        Assert.Equal(device + "/service000c", service);
        string[] descriptors = [.. central.Paths().Where(p => central.Properties(p, "org.bluez.GattDescriptor1")?["UUID"].GetString() == Cud).Order(StringComparer.Ordinal)];
        Assert.Equal(6, descriptors.Length);
        Assert.Equal(service + "/char000d/desc000f", descriptors[0]);
        var names = new List<string>();
        foreach (var d in descriptors)
        {
            names.Add(System.Text.Encoding.ASCII.GetString(await central.ReadAsync(d, "org.bluez.GattDescriptor1")));
        }
        Assert.Equal(TestProvPeripheral.Endpoints, names);

        var protoVer = descriptors[4][..descriptors[4].LastIndexOf('/')];
        await central.WriteAsync(protoVer, "org.bluez.GattCharacteristic1", "ESP"u8.ToArray());
        var answer = await central.ReadAsync(protoVer, "org.bluez.GattCharacteristic1");
        Assert.Equal(TestProvPeripheral.ProtoVerAnswer, System.Text.Encoding.UTF8.GetString(answer));
        Assert.Equal(answer[4..], await central.ReadAsync(protoVer, "org.bluez.GattCharacteristic1", offset: 4));

        // What the application saw: BlueZ 5.66's options (device, link, mtu; offset only when non-zero; no type).
        var write = peripheral.Calls.First(c => c.Method == "WriteValue");
        Assert.Equal("/org/bluez/hci1/dev_02_00_00_00_00_00", write.Options["device"].GetObjectPathAsString());
        Assert.Equal("LE", write.Options["link"].GetString());
        Assert.Equal(517, write.Options["mtu"].GetUInt16());
        Assert.False(write.Options.ContainsKey("type"));
        Assert.False(write.Options.ContainsKey("offset"));
        Assert.Equal(4, peripheral.Calls.Last(c => c.Method == "ReadValue").Options["offset"].GetUInt16());
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task PeripheralDisconnect_FailsThePendingWriteWithAtt0x0e_ThenTheCentralSeesTheLinkDown()
    {
        await using var bluez = await VirtualBluezService.StartAsync(new VirtualBluezOptions { RandomSeed = 3 });
        await using var peripheral = await TestProvPeripheral.StartAsync(bluez.BusAddress, "/org/bluez/hci1", "PROV_000002", Timeout);
        await using var central = await TestCentral.StartAsync(bluez.BusAddress);
        await central.StartDiscoveryAsync();
        var device = await central.WaitForAsync(c => c.FindDevice(_ => true), "device", Timeout);
        await central.ConnectAsync(device);
        var session = central.FindAttribute(device, "org.bluez.GattCharacteristic1", "021aff51-0382-4aea-bff4-6b3f1c5adfb4");
        peripheral.HangOnWrite = "prov-session";

        var write = central.WriteAsync(session, "org.bluez.GattCharacteristic1", [1, 2, 3]);
        var peer = await peripheral.HungWriteDevice.Task.WaitAsync(Timeout);
        await peripheral.DisconnectCentralAsync(peer, Timeout);

        var error = await Assert.ThrowsAsync<DBusErrorReplyException>(() => write);
        Assert.Equal("org.bluez.Error.Failed", error.ErrorName);
        Assert.Equal("Operation failed with ATT error: 0x0e", error.ErrorMessage);
        await central.WaitForAsync(c => c.Is(device, "org.bluez.Device1", "Connected", false) && c.Is(device, "org.bluez.Device1", "ServicesResolved", false) ? "" : null, "link down", Timeout);
        // The peripheral resumes advertising: a scan in progress hears it again (RSSI comes back).
        await central.WaitForAsync(c => c.Properties(device, "org.bluez.Device1")!.ContainsKey("RSSI") ? "" : null, "advertising again", Timeout);
        var notConnected = await Assert.ThrowsAsync<DBusErrorReplyException>(() => central.ReadAsync(session, "org.bluez.GattCharacteristic1"));
        Assert.Equal("Not connected", notConnected.ErrorMessage);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task AdvertiserThatStops_OrLeavesTheBus_Vanishes()
    {
        await using var bluez = await VirtualBluezService.StartAsync(new VirtualBluezOptions { PeripheralAdapters = 2, RandomSeed = 4 });
        var first = await TestProvPeripheral.StartAsync(bluez.BusAddress, "/org/bluez/hci1", "PROV_000003", Timeout);
        var second = await TestProvPeripheral.StartAsync(bluez.BusAddress, "/org/bluez/hci2", "PROV_000004", Timeout);
        await using var central = await TestCentral.StartAsync(bluez.BusAddress);
        await central.StartDiscoveryAsync();
        var one = await central.WaitForAsync(c => c.FindDevice(d => d["Alias"].GetString() == "PROV_000003"), "first", Timeout);
        var two = await central.WaitForAsync(c => c.FindDevice(d => d["Alias"].GetString() == "PROV_000004"), "second", Timeout);

        await first.UnregisterAdvertisementAsync(Timeout);
        await central.WaitForAsync(c => c.Properties(one, "org.bluez.Device1") is null ? "" : null, "first gone", Timeout);
        await second.DisposeAsync(); // its bus connection closes: BlueZ drops what it registered
        await central.WaitForAsync(c => c.Properties(two, "org.bluez.Device1") is null ? "" : null, "second gone", Timeout);
        await first.DisposeAsync();
    }
}
