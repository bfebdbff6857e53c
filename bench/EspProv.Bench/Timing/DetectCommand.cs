using System.Diagnostics;
using System.Globalization;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Transport.Http;

namespace EspProv.Bench.Timing;

/// <summary>
/// <c>detect [--runs 10] [--delays 0,1000,3000] [--flavor idf|esp8266]</c>: how soon the client sees the device's Wi-Fi
/// verdict. For each connect delay, whole flows against an in-process simulated device over loopback HTTP; the latency is
/// from the moment the device's station reaches Connected to the moment <c>WaitForConnectionAsync</c> returns, and the
/// polls are the status requests the device answered after apply. Prints median and worst latency and median polls.
/// </summary>
internal static class DetectCommand
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var runs = args.Int("runs", 10);
        var flavor = args.String("flavor", "idf") == "esp8266" ? DeviceFlavor.Esp8266 : DeviceFlavor.Idf;
        var delays = args.String("delays", "0,1000,3000").Split(',').Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        Console.WriteLine($"detect: {runs} runs per delay, {flavor}, security 1, loopback HTTP, load average {LoadAverage()}");
        Console.WriteLine("| connect delay | median detection | worst detection | median polls after apply |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var delay in delays)
        {
            var latencies = new List<double>();
            var polls = new List<int>();
            for (var i = 0; i < runs; i++)
            {
                var (latency, count) = await OneAsync(flavor, TimeSpan.FromMilliseconds(delay)).ConfigureAwait(false);
                latencies.Add(latency);
                polls.Add(count);
            }

            latencies.Sort();
            polls.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {delay} ms | {latencies[latencies.Count / 2]:0.0} ms | {latencies[^1]:0.0} ms | {polls[polls.Count / 2]} |"));
        }

        return 0;
    }

    private static async Task<(double LatencyMs, int Polls)> OneAsync(DeviceFlavor flavor, TimeSpan connectDelay)
    {
        await using var device = await SimulatedDevice.StartAsync(new SimulatedDeviceOptions
        {
            Flavor = flavor,
            Security = new DeviceSecurity1("abcd1234"),
            ConnectDelay = connectDelay,
        }, new HttpDeviceOptions { Port = 0 }).ConfigureAwait(false);
        await using var transport = new HttpTransport(new DeviceAddress("127.0.0.1", device.EndPoint.Port, false));
        await using var client = new ProvisioningClient(transport);
        await client.GetVersionAsync().ConfigureAwait(false);
        await client.EstablishSessionAsync(new Security1("abcd1234")).ConfigureAwait(false);
        await client.SetWifiConfigAsync(new WifiCredentials(SimulatedNetwork.Default.Ssid, SimulatedNetwork.Default.Passphrase)).ConfigureAwait(false);
        var before = device.Requests.Count;
        await client.ApplyWifiConfigAsync().ConfigureAwait(false);
        await client.WaitForConnectionAsync().ConfigureAwait(false);
        var seen = Stopwatch.GetTimestamp();
        var latency = Stopwatch.GetElapsedTime(device.StationOutcomeTimestamp, seen).TotalMilliseconds;
        var polls = device.Requests.Count - before - 1;
        return (latency, polls);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
