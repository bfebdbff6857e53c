using System.Globalization;
using System.Text.RegularExpressions;
using EspProv.Device;
using EspProv.Device.Ble.Peripheral;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.VirtualBluez;

namespace EspProv.Bench.Timing;

/// <summary>
/// <c>e2e-ble --exe out/esp-prov [--runs 30] [--stack nimble|bluedroid] [--host-warmup 40]</c>: whole <c>esp-prov --transport ble</c> security 1
/// runs against a simulated BLE device (joins at once, re-arms after each flow) advertising on a virtual BlueZ hosted in
/// this process; the tool finds BlueZ through <c>DBUS_SYSTEM_BUS_ADDRESS</c>, as on a real host. Then the same runs at
/// <c>-v</c>, reading how long the scan took until the device was heard (the tool's "found … after N ms" line). The host
/// is warmed up first (<c>--host-warmup 40</c> runs).
/// </summary>
internal static partial class BleEndToEndCommand
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var exe = Path.GetFullPath(args.String("exe", "out/esp-prov"));
        var runs = args.Int("runs", 30);
        var stack = args.String("stack", "nimble") == "bluedroid" ? BleStack.Bluedroid : BleStack.NimBle;
        await using var bluez = await VirtualBluezService.StartAsync().ConfigureAwait(false);
        await using var device = await SimulatedDevice.StartBleAsync(new SimulatedDeviceOptions
        {
            ConnectDelay = TimeSpan.Zero,
            Rearm = true,
            Security = new DeviceSecurity1("abcd1234"),
            Networks = [SimulatedNetwork.Default],
        }, new BleDeviceOptions { Name = "PROV_BE4C11", Adapter = "hci1", Stack = stack, BusAddress = bluez.BusAddress }).ConfigureAwait(false);
        // Children inherit it: the measured process reaches this BlueZ exactly as it would reach the system's.
        Environment.SetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS", bluez.BusAddress);

        List<string> commandLine =
        [
            "--transport", "ble", "--service_name", "PROV_BE4C11", "--ssid", SimulatedNetwork.Default.Ssid,
            "--passphrase", SimulatedNetwork.Default.Passphrase, "--sec_ver", "1", "--pop", "abcd1234",
        ];
        // The virtual BlueZ and the device run JIT-compiled in this process: warm them up (tier-1 code) so that the runs
        // measure the tool against a host as quick as a native bluetoothd, not .NET's tiering of the host.
        for (var i = 0; i < args.Int("host-warmup", 40); i++)
        {
            await ProcessTimer.RunOnceAsync(exe, commandLine).ConfigureAwait(false);
        }

        var series = args.Int("series-verbose", 0) == 1 ? [.. commandLine, "-v"] : commandLine;
        var code = await ProcessTimer.SeriesAsync($"{Path.GetFileName(exe)} --transport ble security 1 ({stack}), device joins at once", exe, series, runs)
            .ConfigureAwait(false);
        if (code != 0)
        {
            return code;
        }

        var found = new List<double>();
        var connected = new List<double>();
        var rest = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var (wall, exit, output) = await ProcessTimer.RunOnceAsync(exe, [.. commandLine, "-v"]).ConfigureAwait(false);
            if (exit != 0 || FoundAfter().Match(output) is not { Success: true } f || ConnectedIn().Match(output) is not { Success: true } c)
            {
                await Console.Error.WriteLineAsync($"verbose run {i} exited {exit}:\n{output}").ConfigureAwait(false);
                return 1;
            }

            if (i == 0 && args.Int("show", 0) == 1)
            {
                Console.WriteLine(output);
            }

            found.Add(double.Parse(f.Groups[1].ValueSpan, CultureInfo.InvariantCulture));
            connected.Add(double.Parse(c.Groups[1].ValueSpan, CultureInfo.InvariantCulture));
            rest.Add(wall - found[^1]);
        }

        Console.WriteLine(ProcessTimer.Table("scan until the device was heard (from -v)", found, null));
        Console.WriteLine(ProcessTimer.Table("connect + services resolved + 0x2901 names read (from -v)", connected, null));
        Console.WriteLine(ProcessTimer.Table("whole -v run minus the scan", rest, null));
        return 0;
    }

    [GeneratedRegex(@"ble: found \S+ .*? after (\d+) ms")]
    private static partial Regex FoundAfter();

    [GeneratedRegex(@"ble: connected to .*? in (\d+) ms")]
    private static partial Regex ConnectedIn();
}
