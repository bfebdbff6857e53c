using System.Text.Json;
using EspProv.Cli;
using EspProv.Device;
using EspProv.Device.Ble.Peripheral;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Tests.Cli;
using EspProv.Tests.Support;
using EspProv.Transport.Ble;
using EspProv.Transport.Discovery;
using EspProv.VirtualBluez;

namespace EspProv.Tests.Batch;

/// <summary>
/// <c>esp-prov batch --discover PREFIX --transport ble</c> in-process against several simulated BLE devices on a virtual
/// BlueZ: three provisioning devices (one of which cannot join the network), a device whose name matches but that is
/// not a provisioning device (another GATT service), and one whose name does not match.
/// </summary>
public sealed class DiscoverBleTests
{
    private const string Pop = "Pop-D1sc0v3r";
    private const string Passphrase = "Pass-7rQx2Lm";

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Discover_ProvisionsEveryProvisioningDevice_FailsTheOneThatCannotJoin_AndSkipsTheConnectedOnARerun()
    {
        await using var lab = await Lab.StartAsync();
        var journal = Path.Combine(lab.Directory, "run.db");
        string[] args = ["batch", "--discover", "PROV_DSC", "--transport", "ble", "--max", "3", "--discover-timeout", "600", "--concurrency", "2",
            "--journal", journal, "--ssid", "myssid", "--passphrase", Passphrase, "--pop", Pop, "--json"];

        var first = await lab.RunAsync(args);
        Assert.True(first.ExitCode == ExitCodes.BatchIncomplete, first.ToString());
        var lines = Lines(first.Output);
        var found = lines.Where(l => Event(l) == "found").Select(l => l.GetProperty("name").GetString()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["PROV_DSC_1", "PROV_DSC_2", "PROV_DSC_3"], found);
        var results = lines.Where(l => Event(l) == "result").ToDictionary(l => l.GetProperty("device").GetString()!, l => l);
        Assert.Equal(3, results.Count);
        foreach (var (name, adapter) in new[] { ("PROV_DSC_1", 0), ("PROV_DSC_2", 1), ("PROV_DSC_3", 2) })
        {
            // The journal key: the advertised name and the Bluetooth address.
            Assert.Contains($"{name}@{lab.Bluez.PeripheralAdapters[adapter].Address}", results.Keys);
        }

        // The whole run in the message: a device that failed says why.
        Assert.True(Status(results, "PROV_DSC_1") == "connected", first.ToString());
        Assert.True(Status(results, "PROV_DSC_2") == "connected", first.ToString());
        Assert.Equal("failed", Status(results, "PROV_DSC_3"));
        Assert.Equal(ExitCodes.WifiConnectionFailed, results.Single(r => r.Key.StartsWith("PROV_DSC_3@", StringComparison.Ordinal)).Value.GetProperty("exit_code").GetInt32());
        Assert.DoesNotContain(Pop, first.All, StringComparison.Ordinal);
        Assert.DoesNotContain(Passphrase, first.All, StringComparison.Ordinal);

        // The rerun skips the connected devices (nothing sent to them) and tries the failed one again.
        var second = await lab.RunAsync(args);
        Assert.True(second.ExitCode == ExitCodes.BatchIncomplete, second.ToString());
        var again = Lines(second.Output).Where(l => Event(l) == "result").ToList();
        Assert.Equal(2, again.Count(l => l.TryGetProperty("from_journal", out var j) && j.GetBoolean()));
        Assert.Equal(1, lab.Applies(0));
        Assert.Equal(1, lab.Applies(1));

        var report = await lab.RunAsync("batch", "report", "--journal", journal, "--csv");
        Assert.Equal(0, report.ExitCode);
        Assert.Equal(4, report.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains($"PROV_DSC_3@{lab.Bluez.PeripheralAdapters[2].Address},failed,2,", report.Output, StringComparison.Ordinal);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Discovery_StreamsOnlyProvisioningDevicesWithTheName_AndStopsAtTheTimeout()
    {
        await using var lab = await Lab.StartAsync();
        var discovery = new BleDeviceDiscovery(new BleScanOptions { BusAddress = lab.Bluez.BusAddress });
        var seen = new List<DiscoveredDevice>();
        await foreach (var device in discovery.DiscoverAsync(new DiscoveryRequest("PROV_DSC") { Timeout = TimeSpan.FromSeconds(600) }))
        {
            seen.Add(device);
            if (seen.Count == 3)
            {
                break;
            }
        }

        Assert.Equal(["PROV_DSC_1", "PROV_DSC_2", "PROV_DSC_3"], seen.Select(d => d.Name).Order(StringComparer.Ordinal));
        Assert.All(seen, d => Assert.InRange(d.Rssi ?? 0, -80, -30));
        Assert.All(seen, d => Assert.Equal("hci0", d.Via));
        Assert.Equal(3, seen.Select(d => d.Address).Distinct().Count());

        // An empty prefix: every provisioning device; the bystander with another service is never reported.
        var all = new List<DiscoveredDevice>();
        await foreach (var device in discovery.DiscoverAsync(new DiscoveryRequest(string.Empty) { Timeout = TimeSpan.FromSeconds(600) }))
        {
            all.Add(device);
            if (all.Count == 4)
            {
                break;
            }
        }

        Assert.Contains(all, d => d.Name == "Headphones");
        Assert.DoesNotContain(all, d => d.Name == "PROV_DSC_LAMP");
    }

    private static List<JsonElement> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    private static string? Event(JsonElement line) => line.GetProperty("event").GetString();

    private static string? Status(Dictionary<string, JsonElement> results, string name) =>
        results.Single(r => r.Key.StartsWith(name + "@", StringComparison.Ordinal)).Value.GetProperty("status").GetString();

    /// <summary>
    /// A virtual BlueZ with five peripheral adapters: PROV_DSC_1…3 (provisioning devices; PROV_DSC_3 knows no network
    /// the batch gives), PROV_DSC_LAMP (its name matches, its GATT service is not provisioning) and Headphones (a
    /// provisioning service, another name).
    /// </summary>
    private sealed class Lab : IAsyncDisposable
    {
        private readonly List<SimulatedDevice> _devices = [];

        private Lab(VirtualBluezService bluez, string directory)
        {
            Bluez = bluez;
            Directory = directory;
        }

        public VirtualBluezService Bluez { get; }

        public string Directory { get; }

        public static async Task<Lab> StartAsync()
        {
            var bluez = await VirtualBluezService.StartAsync(new VirtualBluezOptions { PeripheralAdapters = 5 });
            var lab = new Lab(bluez, System.IO.Directory.CreateTempSubdirectory("espprov-discover-").FullName);
            try
            {
                var home = new SimulatedNetwork("myssid", Passphrase);
                for (var i = 0; i < 3; i++)
                {
                    // Auto-stop off (as firmware whose app keeps provisioning up): the rerun finds the connected devices again.
                    var device = await TestDevice.Ble().Security(new DeviceSecurity1(Pop)).ConnectDelay(TimeSpan.FromMilliseconds(30)).AutoStop(false)
                        .Networks(i == 2 ? new SimulatedNetwork("othernet", "other-pass-1") : home)
                        .StartBleAsync(new BleDeviceOptions { Name = $"PROV_DSC_{i + 1}", Adapter = $"hci{i + 1}", BusAddress = bluez.BusAddress });
                    lab._devices.Add(device);
                }

                lab._devices.Add(await TestDevice.Ble().StartBleAsync(new BleDeviceOptions
                {
                    Name = "PROV_DSC_LAMP",
                    ServiceUuid = "0000180f-0000-1000-8000-00805f9b34fb",
                    Adapter = "hci4",
                    BusAddress = bluez.BusAddress,
                }));
                lab._devices.Add(await TestDevice.Ble().StartBleAsync(new BleDeviceOptions { Name = "Headphones", Adapter = "hci5", BusAddress = bluez.BusAddress }));
                return lab;
            }
            catch
            {
                await lab.DisposeAsync();
                throw;
            }
        }

        public int Applies(int device) => _devices[device].AppliesReceived;

        public async Task<CliResult> RunAsync(params string[] args)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var code = await new CliApp(output, error, new ScriptedTerminal()) { BleBusAddress = Bluez.BusAddress }.RunAsync(args);
            return new CliResult(code, output.ToString(), error.ToString());
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var device in _devices)
            {
                await device.DisposeAsync();
            }

            await Bluez.DisposeAsync();
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
