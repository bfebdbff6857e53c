using EspProv.Tests.Ble.Support;
using EspProv.Tests.Support;
using EspProv.VirtualBluez;

namespace EspProv.Tests.Ble;

/// <summary>bleak 0.20.2 (Debian python3-bleak), esp_prov's BLE library, against the virtual BlueZ
/// (docs/ble.md#a-bluez-stand-in-for-bleak).</summary>
public sealed class BleakFidelityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [RequiresFact(Prerequisite.DbusDaemon, Prerequisite.Bleak)]
    public async Task Bleak_ScansConnectsReadsDescriptors_AndExchangesWithProtoVer()
    {
        await using var bluez = await VirtualBluezService.StartAsync(new VirtualBluezOptions { RandomSeed = 7 });
        await using var peripheral = await TestProvPeripheral.StartAsync(bluez.BusAddress, "/org/bluez/hci1", "PROV_A1B2C3", Timeout);
        var script = Path.Combine(AppContext.BaseDirectory, "Ble", "scripts", "bleak_central.py");

        await using var bleak = ScriptProcess.Start(bluez.BusAddress, script, "PROV_A1B2C3", "1.0");

        var found = await bleak.WaitForLineAsync("FOUND ", Timeout);
        Assert.StartsWith($"FOUND {bluez.PeripheralAdapters[0].Address} [\"{TestProvPeripheral.ServiceUuid}\"] PROV_A1B2C3", found);
        await bleak.WaitForLineAsync("CONNECTED True", Timeout);
        var endpoints = await bleak.WaitForLineAsync("ENDPOINTS ", Timeout);
        Assert.Equal("ENDPOINTS " + System.Text.Json.JsonSerializer.Serialize(TestProvPeripheral.Endpoints.Order(StringComparer.Ordinal)), endpoints);
        Assert.Equal("PROTO-VER " + TestProvPeripheral.ProtoVerAnswer, await bleak.WaitForLineAsync("PROTO-VER ", Timeout));
        await bleak.WaitForLineAsync("DISCONNECTED", Timeout);
        Assert.True(0 == await bleak.WaitForExitAsync(Timeout), bleak.Output);
        Assert.Contains(peripheral.Calls, c => c.Target == "proto-ver" && c.Method == "WriteValue");
    }
}
