using System.Text;
using EspProv.Device;
using EspProv.Device.Ble.Peripheral;
using EspProv.Tests.Ble.Device.Support;
using EspProv.Tests.Support;
using Tmds.DBus.Protocol;

namespace EspProv.Tests.Ble.Device;

/// <summary>The simulated device's BLE front-end seen by a central through the virtual BlueZ: layout, advertisement, sizes.</summary>
public sealed class BleDeviceGattTests
{
    private static TestDevice NewDevice => TestDevice.Ble();

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Gatt_LaysOutEndpointsAsFirmware_WithExactDescriptions()
    {
        await using var bed = await BleTestBed.StartAsync(NewDevice);
        var advertised = bed.Central.Properties(bed.DevicePath, BleTestBed.Device1)!;
        Assert.Equal("PROV_B1E7E5", advertised["Name"].GetString());
        Assert.Equal([BleDeviceOptions.ExampleServiceUuid], advertised["UUIDs"].GetArray<string>());

        await bed.ConnectAsync();

        // Firmware's order and UUIDs (docs/ble.md#characteristic-uuids): fixed values, then custom endpoints from ff54
        // (custom-data first).
        string[] expected = ["prov-ctrl", "prov-scan", "prov-session", "prov-config", "proto-ver", "custom-data", "custom-config"];
        var characteristics = bed.DescriptorPaths.Select(d => d[..d.LastIndexOf('/')]).ToList();
        var names = new List<string>();
        for (var i = 0; i < characteristics.Count; i++)
        {
            var props = bed.Central.Properties(characteristics[i], BleTestBed.Characteristic)!;
            Assert.Equal($"021a{0xff4f + i:x4}-0382-4aea-bff4-6b3f1c5adfb4", props["UUID"].GetString());
            Assert.Equal(["read", "write"], props["Flags"].GetArray<string>());
            var description = await bed.Central.ReadAsync(bed.DescriptorPaths[i], BleTestBed.Descriptor);
            Assert.Equal(Encoding.ASCII.GetBytes(expected[i]), description); // exactly strlen(name) bytes, no NUL
            names.Add(Encoding.ASCII.GetString(description));
            Assert.Single(bed.Central.Paths(), p => p.StartsWith(characteristics[i] + "/", StringComparison.Ordinal));
        }

        Assert.Equal(expected, names);
        Assert.Equal("70726f746f2d766572", Convert.ToHexStringLower(await bed.Central.ReadAsync(bed.DescriptorPaths[4], BleTestBed.Descriptor)));
        // Descriptors are read-only.
        var refused = await Assert.ThrowsAsync<DBusErrorReplyException>(() => bed.Central.WriteAsync(bed.DescriptorPaths[0], BleTestBed.Descriptor, [1]));
        Assert.Equal("org.bluez.Error.NotPermitted", refused.ErrorName);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Read_BeforeAnyWrite_IsEmpty_ThenTheStoredResponse_FromAnyOffset_AcrossConnections()
    {
        await using var bed = await BleTestBed.StartAsync(NewDevice);
        await bed.ConnectAsync();
        Assert.Empty(await bed.ReadAsync("proto-ver"));

        var answer = await bed.ExchangeAsync("proto-ver", "ESP"u8.ToArray());
        Assert.Contains("\"prov\"", Encoding.UTF8.GetString(answer), StringComparison.Ordinal);
        Assert.Equal(answer[10..], await bed.ReadAsync("proto-ver", 10));
        Assert.Empty(await bed.ReadAsync("proto-ver", (ushort)answer.Length));
        var badOffset = await Assert.ThrowsAsync<DBusErrorReplyException>(() => bed.ReadAsync("proto-ver", (ushort)(answer.Length + 1)));
        Assert.Equal("Invalid offset", badOffset.ErrorMessage);

        // Stored per characteristic, shared by connections, kept over a disconnect
        // (docs/ble.md#requests-and-responses).
        await bed.DisconnectAsync();
        await bed.WaitConnectedAsync(false);
        await bed.ConnectAsync();
        Assert.Equal(answer, await bed.ReadAsync("proto-ver"));
        Assert.Contains(bed.Device.Requests, r => r.FrontEnd == "ble" && r.Endpoint == "proto-ver" && r.Outcome == DeviceRequestOutcome.Answered);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task LongWrite_NimBle_Takes512Bytes_Bluedroid_RefusesMoreThan481()
    {
        await using (var nimble = await BleTestBed.StartAsync(NewDevice, BleStack.NimBle, mtu: 256))
        {
            await nimble.ConnectAsync();
            var answer = await nimble.ExchangeAsync("proto-ver", new byte[512]);
            Assert.Contains("\"prov\"", Encoding.UTF8.GetString(answer), StringComparison.Ordinal);
            var tooLong = await Assert.ThrowsAsync<DBusErrorReplyException>(() => nimble.WriteAsync("proto-ver", new byte[513]));
            Assert.Equal("Invalid Length", tooLong.ErrorMessage);
        }

        await using var bluedroid = await BleTestBed.StartAsync(NewDevice, BleStack.Bluedroid, mtu: 256, name: "PROV_B1DD01");
        await bluedroid.ConnectAsync();
        Assert.NotEmpty(await bluedroid.ExchangeAsync("proto-ver", new byte[481]));
        var overflow = await Assert.ThrowsAsync<DBusErrorReplyException>(() => bluedroid.WriteAsync("proto-ver", new byte[482]));
        Assert.Equal("org.bluez.Error.InvalidArguments", overflow.ErrorName); // ATT 0x0D, "Invalid Length"
        Assert.True(bluedroid.IsConnected);
    }
}
