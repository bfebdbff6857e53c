using System.Text.Json;
using EspProv.Device.Ble.Peripheral;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Tests.Ble.Client;
using EspProv.Tests.Support;
using EspProv.VirtualBluez;

namespace EspProv.Tests.Doctor;

/// <summary>
/// <c>esp-prov doctor --transport ble</c> against the simulated BLE device on a virtual BlueZ: BlueZ, the adapter (missing,
/// powered off), the advertisement (wrong name), the provisioning service, then the soft AP's device checks over BLE.
/// </summary>
public sealed class BleDoctorTests
{
    private const string Pop = "Pop-D0c7Ble";

    private static readonly string[] BleCheckOrder = ["bluez", "adapter", "advertising", "gatt", "proto_ver", "firmware", "session", "ssid"];

    private static Task<BleBench> StartAsync(BleStack stack = BleStack.NimBle) =>
        BleBench.StartAsync(new DeviceSecurity1(Pop), stack, networks: [SimulatedNetwork.Parse("home:secret123;channel=11;rssi=-45")]);

    private static string[] Doctor(string name, params string[] more) =>
        ["doctor", "--transport", "ble", "--service_name", name, "--timeout", "30", .. more.Contains("--scan_timeout") ? more : [.. more, "--scan_timeout", "5"]];

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Doctor_Ble_AllChecksPass_Exits0_AndSendsNoWifiConfig()
    {
        await using var bench = await StartAsync();
        var result = await new BleCliRun(bench.Bluez.BusAddress).RunAsync(Doctor(bench.Name, "--pop", Pop, "--ssid", "home"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"esp-prov doctor: BLE device {bench.Name}", result.Output);
        Assert.Contains("[passed] bluez: BlueZ answers on ", result.Output);
        Assert.Contains("[passed] adapter: hci0 (02:00:00:00:00:00) is powered", result.Output);
        Assert.Contains($"[passed] advertising: {bench.Name} advertises as 02:00:00:00:00:01, RSSI -", result.Output);
        Assert.Contains("[passed] gatt: connected in ", result.Output);
        Assert.True(result.Output.Contains("endpoints [custom-config, custom-data, proto-ver, prov-config, prov-ctrl, prov-scan, prov-session], 7 of 7 named by 0x2901 descriptors", StringComparison.Ordinal), result.Output);
        Assert.Contains("[passed] session: security 1 session established with the PoP", result.Output);
        Assert.Contains("[passed] ssid: the device sees 'home' on channel 11", result.Output);
        Assert.Contains("verdict: provisioning should work", result.Output);
        Assert.DoesNotContain(Pop, result.All, StringComparison.Ordinal);
        Assert.Null(bench.Device.PendingCredentials);
        Assert.Null(bench.Device.AppliedCredentials);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Doctor_Ble_Json_ListsTheBleChecksThenTheDeviceChecks()
    {
        await using var bench = await StartAsync();
        var result = await new BleCliRun(bench.Bluez.BusAddress).RunAsync(Doctor(bench.Name, "--pop", Pop, "--json"));
        Assert.True(result.ExitCode == 0, result.ToString());
        var events = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var checks = events.Where(e => e.GetProperty("event").GetString() == "check").ToList();
        Assert.Equal(BleCheckOrder, checks.Select(c => c.GetProperty("check").GetString()));
        Assert.Equal("skipped", checks[^1].GetProperty("status").GetString());
        Assert.Equal("ok", events[^1].GetProperty("status").GetString());
        Assert.Equal(0, events[^1].GetProperty("exit_code").GetInt32());
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Doctor_Ble_NoAdapter_Exits2_AtTheAdapterCheck()
    {
        await using var bluez = await VirtualBluezService.StartAsync(new VirtualBluezOptions { PeripheralAdapters = 0 });
        bluez.RemoveCentralAdapter();
        var result = await new BleCliRun(bluez.BusAddress).RunAsync(Doctor("PROV_ANY", "--pop", Pop));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("[passed] bluez: BlueZ answers on ", result.Output);
        Assert.Contains("lists 0 adapter(s)", result.Output);
        Assert.Contains("[failed] adapter: BlueZ is running but lists no Bluetooth adapter", result.Output);
        Assert.Contains("what to do: plug in or enable a Bluetooth adapter", result.Output);
        Assert.Contains("[skipped] advertising:", result.Output);
        Assert.Contains("[skipped] session:", result.Output);
        Assert.Contains("verdict: no connection to the device (exit 2): adapter:", result.Output);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Doctor_Ble_AdapterPoweredOff_Exits2_SayingPowerItOn()
    {
        await using var bench = await StartAsync();
        bench.Bluez.SetCentralPowered(false);
        var result = await new BleCliRun(bench.Bluez.BusAddress).RunAsync(Doctor(bench.Name, "--pop", Pop));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("[failed] adapter: Bluetooth adapter hci0 is powered off (or blocked)", result.Output);
        Assert.Contains("bluetoothctl power on", result.Output);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Doctor_Ble_UnknownAdapterName_Exits2_ListingTheAdapters()
    {
        await using var bench = await StartAsync();
        var result = await new BleCliRun(bench.Bluez.BusAddress).RunAsync(Doctor(bench.Name, "--pop", Pop, "--ble_adapter", "hci7"));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("[failed] adapter: no Bluetooth adapter hci7 (BlueZ has hci0, hci1)", result.Output);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Doctor_Ble_WrongName_Exits2_ListingTheDevicesSeen()
    {
        await using var bench = await StartAsync();
        var result = await new BleCliRun(bench.Bluez.BusAddress).RunAsync(Doctor("PROV_000000", "--pop", Pop, "--scan_timeout", "1.5"));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("[failed] advertising: no BLE device named PROV_000000 within 1.5 s; provisioning devices seen: " + bench.Name, result.Output);
        Assert.Contains("check --service_name (exact and case-sensitive", result.Output);
        Assert.Contains("[skipped] gatt:", result.Output);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Doctor_Ble_DeviceNotAdvertising_Exits2()
    {
        await using var bench = await StartAsync();
        var name = bench.Name;
        await bench.Device.DisposeAsync();
        var result = await new BleCliRun(bench.Bluez.BusAddress).RunAsync(Doctor(name, "--pop", Pop, "--scan_timeout", "1"));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"[failed] advertising: no BLE device named {name} within 1 s; no BLE device seen at all", result.Output);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Doctor_Ble_NoServiceName_ChecksTheOnlyProvisioningDevice_WithAWarning()
    {
        await using var bench = await StartAsync();
        var result = await new BleCliRun(bench.Bluez.BusAddress).RunAsync("doctor", "--transport", "ble", "--timeout", "30", "--scan_timeout", "1.5", "--pop", Pop);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"[warning] advertising: no --service_name: the only provisioning device advertising is {bench.Name}", result.Output);
        Assert.Contains("[passed] session:", result.Output);
    }

    [RequiresTheory(Prerequisite.DbusDaemon)]
    [InlineData(BleStack.NimBle)]
    [InlineData(BleStack.Bluedroid)]
    public async Task Doctor_Ble_WrongPop_Exits4_SayingWrongPop(BleStack stack)
    {
        await using var bench = await StartAsync(stack);
        var result = await new BleCliRun(bench.Bluez.BusAddress).RunAsync(Doctor(bench.Name, "--pop", "Wrong-P0p-Ble"));
        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("[passed] gatt:", result.Output);
        Assert.Contains("[failed] session: the device rejected the proof (Command1): wrong proof of possession (PoP)?", result.Output);
        Assert.Contains("verdict: the session fails (exit 4)", result.Output);
        Assert.DoesNotContain("Wrong-P0p-Ble", result.All, StringComparison.Ordinal);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Doctor_Ble_Transcript_NamesTheBleDevice_AndHoldsNoPop()
    {
        await using var bench = await StartAsync();
        var file = Path.Combine(Path.GetTempPath(), $"espprov-ble-doctor-{Guid.NewGuid():N}.json");
        try
        {
            var result = await new BleCliRun(bench.Bluez.BusAddress).RunAsync(Doctor(bench.Name, "--pop", "Wrong-P0p-Ble", "--transcript", file));
            Assert.True(result.ExitCode == 4, result.ToString());
            var text = await File.ReadAllTextAsync(file);
            Assert.All(new[] { "Wrong-P0p-Ble", Pop }.SelectMany(SecretForms.Of), form => Assert.DoesNotContain(form, text, StringComparison.OrdinalIgnoreCase));
            using var doc = JsonDocument.Parse(text);
            Assert.Equal($"BLE device {bench.Name}", doc.RootElement.GetProperty("target").GetString());
            Assert.Equal(4, doc.RootElement.GetProperty("outcome").GetProperty("exit_code").GetInt32());
            Assert.Contains(doc.RootElement.GetProperty("exchanges").EnumerateArray(), e => e.GetProperty("endpoint").GetString() == "prov-session");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Doctor_Ble_NoBus_Exits2_AtTheBluezCheck()
    {
        var result = await new BleCliRun("unix:path=/nonexistent/espprov-doctor-bus").RunAsync(Doctor("PROV_X", "--pop", Pop));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("[failed] bluez: no D-Bus system bus", result.Output);
        Assert.Contains("[skipped] adapter:", result.Output);
        Assert.Contains("verdict: no connection to the device (exit 2): bluez:", result.Output);
    }
}
