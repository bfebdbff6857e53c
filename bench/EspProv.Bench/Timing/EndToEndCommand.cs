using System.Net;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;

namespace EspProv.Bench.Timing;

/// <summary>
/// <c>e2e --exe out/esp-prov [--sec 1] [--runs 30] [--connect-delay 0]</c>: the wall time and peak RSS of complete
/// <c>esp-prov</c> runs (start to exit) provisioning a simulated device that joins after the connect delay (default 0:
/// at once) and re-arms after each flow,
/// hosted in this process on a loopback port. The run is a real-device command line (<c>--softap_endpoint</c>), not
/// <c>--simulate</c>: the measured process is only the tool.
/// </summary>
internal static class EndToEndCommand
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var exe = Path.GetFullPath(args.String("exe", "out/esp-prov"));
        var sec = args.Int("sec", 1);
        var connectDelay = args.Int("connect-delay", 0);
        if (sec is < 0 or > 2)
        {
            await Console.Error.WriteLineAsync("e2e: --sec 0|1|2").ConfigureAwait(false);
            return 64;
        }

        IDeviceSecurity security = sec switch
        {
            0 => new DeviceSecurity0(),
            1 => new DeviceSecurity1("abcd1234"),
            _ => DeviceSecurity2.FromPassword("wifiprov", "abcd1234"),
        };
        await using var device = await SimulatedDevice.StartAsync(new SimulatedDeviceOptions
        {
            ConnectDelay = TimeSpan.FromMilliseconds(connectDelay),
            Rearm = true,
            Security = security,
            Networks = [SimulatedNetwork.Default],
        }, new HttpDeviceOptions { Port = 0 }).ConfigureAwait(false);

        List<string> commandLine =
        [
            "--softap_endpoint", $"127.0.0.1:{device.EndPoint.Port}", "--ssid", SimulatedNetwork.Default.Ssid,
            "--passphrase", SimulatedNetwork.Default.Passphrase, "--sec_ver", sec.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ];
        commandLine.AddRange(sec switch
        {
            0 => [],
            1 => ["--pop", "abcd1234"],
            _ => ["--sec2_username", "wifiprov", "--sec2_pwd", "abcd1234"],
        });
        return await ProcessTimer.SeriesAsync($"{Path.GetFileName(exe)} security {sec} provisioning, device joins after {connectDelay} ms", exe, commandLine, args.Int("runs", 30))
            .ConfigureAwait(false);
    }
}
