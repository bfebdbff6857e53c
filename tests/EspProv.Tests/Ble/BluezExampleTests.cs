using EspProv.Tests.Ble.Support;
using EspProv.Tests.Support;
using EspProv.VirtualBluez;
using Tmds.DBus.Protocol;

namespace EspProv.Tests.Ble;

/// <summary>
/// BlueZ's own peripheral examples (Debian bluez-test-scripts, dbus-python) register on the virtual BlueZ; they take the
/// first adapter with GattManager1/LEAdvertisingManager1, which is hci1 (hci0 is central only). A C# central reads and writes them.
/// </summary>
public sealed class BluezExampleTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private const string TestCharacteristic = "12345678-1234-5678-1234-56789abcdef1";
    private const string TestDescriptor = "12345678-1234-5678-1234-56789abcdef2";
    private const string SecureCharacteristic = "12345678-1234-5678-1234-56789abcdef5";
    private const string BatteryLevel = "00002a19-0000-1000-8000-00805f9b34fb";

    [RequiresFact(Prerequisite.DbusDaemon, Prerequisite.BluezExamples)]
    public async Task ExampleGattServerAndAdvertisement_AreFoundReadAndWritten()
    {
        await using var bluez = await VirtualBluezService.StartAsync(new VirtualBluezOptions { RandomSeed = 9 });
        await using var server = ScriptProcess.Start(bluez.BusAddress, Path.Combine(Prerequisites.ExamplesDirectory, "example-gatt-server"));
        await using var advertiser = ScriptProcess.Start(bluez.BusAddress, Path.Combine(Prerequisites.ExamplesDirectory, "example-advertisement"));
        await server.WaitForLineAsync("GATT application registered", Timeout);
        await advertiser.WaitForLineAsync("Advertisement registered", Timeout);
        await using var central = await TestCentral.StartAsync(bluez.BusAddress);

        await central.StartDiscoveryAsync();
        var device = await central.WaitForAsync(c => c.FindDevice(d => d.TryGetValue("Name", out var n) && n.GetString() == "TestAdvertisement"), "advertisement", Timeout);
        var props = central.Properties(device, "org.bluez.Device1")!;
        Assert.Equal(["0000180d-0000-1000-8000-00805f9b34fb", "0000180f-0000-1000-8000-00805f9b34fb"], props["UUIDs"].GetArray<string>());
        Assert.Equal(0xffff, props["ManufacturerData"].GetDictionaryEntry(0).Key.GetUInt16());

        await central.ConnectAsync(device);
        var chr = central.FindAttribute(device, "org.bluez.GattCharacteristic1", TestCharacteristic);
        Assert.Equal(["read", "write", "extended-properties", "writable-auxiliaries"], central.Properties(chr, "org.bluez.GattCharacteristic1")!["Flags"].GetArray<string>());
        await central.WriteAsync(chr, "org.bluez.GattCharacteristic1", [0x01, 0x02, 0x03]);
        Assert.Equal([0x01, 0x02, 0x03], await central.ReadAsync(chr, "org.bluez.GattCharacteristic1"));
        var cud = central.Paths().Single(p => p.StartsWith(chr + "/", StringComparison.Ordinal)
            && central.Properties(p, "org.bluez.GattDescriptor1")?["UUID"].GetString() == "00002901-0000-1000-8000-00805f9b34fb");
        Assert.Equal("This is a characteristic for testing"u8.ToArray(), await central.ReadAsync(cud, "org.bluez.GattDescriptor1"));
        Assert.Single(await central.ReadAsync(central.FindAttribute(device, "org.bluez.GattCharacteristic1", BatteryLevel), "org.bluez.GattCharacteristic1"));

        // The example's TestDescriptor raises in Debian's dbus-python (dbus.Byte('T') is a TypeError): BlueZ turns any
        // error name it does not know into ATT 0x0e, and the central sees that.
        var broken = await Assert.ThrowsAsync<DBusErrorReplyException>(() =>
            central.ReadAsync(central.FindAttribute(device, "org.bluez.GattDescriptor1", TestDescriptor), "org.bluez.GattDescriptor1"));
        Assert.Equal("Operation failed with ATT error: 0x0e", broken.ErrorMessage);

        // secure-read needs pairing, which is not modelled: the central gets what BlueZ returns for ATT 0x05.
        var error = await Assert.ThrowsAsync<DBusErrorReplyException>(() =>
            central.ReadAsync(central.FindAttribute(device, "org.bluez.GattCharacteristic1", SecureCharacteristic), "org.bluez.GattCharacteristic1"));
        Assert.Equal(("org.bluez.Error.NotPermitted", "Not paired"), (error.ErrorName, error.ErrorMessage));
    }
}
