// The web app's bench (docs/benchmarks.md, "Web app"): first-load bytes as served, navigation → ready in headless
// Chromium on localhost, and a whole security 1 provisioning through the page vs the esp-prov CLI over the same
// virtual BlueZ. Prints a table; run in Release: dotnet run -c Release --project bench/EspProv.Web.Bench [-- runs]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using EspProv.Cli;
using EspProv.Cli.Web;
using EspProv.Device;
using EspProv.Device.Ble.Peripheral;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.VirtualBluez;
using Microsoft.Playwright;

var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
const string Pop = "bench-pop-1";
var network = new SimulatedNetwork("bench-net", "bench-passphrase");
var flags = new[]
{
    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-sandbox", "--enable-experimental-web-platform-features",
};

await using var bluez = await VirtualBluezService.StartAsync(new VirtualBluezOptions { PeripheralAdapters = 0 });
var assets = WebAssets.Load();
await using var server = new WebServer(assets, new IPEndPoint(IPAddress.Loopback, 0));
server.Start();
var url = $"http://localhost:{server.Endpoint.Port}/";
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = flags,
    Env = new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = bluez.BusAddress },
});

// 1 + 2: a cold load in a fresh context each run: bytes on the wire (bodies as encoded + headers) and navigation → ready.
var bytes = new List<long>();
var ready = new List<double>();
for (var i = 0; i < runs; i++)
{
    await using var context = await browser.NewContextAsync();
    var page = await context.NewPageAsync();
    var responses = new List<IResponse>();
    page.Response += (_, r) => responses.Add(r);
    await page.GotoAsync(url);
    await page.WaitForSelectorAsync("html[data-ready]", new() { Timeout = 60_000 });
    ready.Add(await page.EvaluateAsync<double>("() => performance.getEntriesByName('espprov-ready')[0].startTime"));
    long total = 0;
    foreach (var response in responses)
    {
        var sizes = await response.Request.SizesAsync();
        total += sizes.ResponseBodySize + sizes.ResponseHeadersSize;
    }

    bytes.Add(total);
}

// 3: security 1 end to end, page vs CLI (in-process, so no process start is counted for the CLI), alternating.
var pageTimes = new List<double>();
var cliTimes = new List<double>();
for (var i = 0; i < runs; i++)
{
    pageTimes.Add(await ProvisionThroughPageAsync($"PROV_BWP{i:D3}"));
    cliTimes.Add(await ProvisionThroughCliAsync($"PROV_BWC{i:D3}"));
}

var published = assets.Count;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"EspProv web bench: {runs} runs, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end, {published} embedded files"));
Console.WriteLine("| measure | median | min | max | goal |");
Console.WriteLine("|---|---|---|---|---|");
Row("first load, bytes transferred (Brotli as served, headers included)", bytes.Select(b => (double)b).ToList(), "{0:N0} B", "≤ 4 MB");
Row("navigation → ready (ms)", ready, "{0:N0}", "≤ 2,000");
Row("security 1 provisioning through the page (ms, chooser click → verdict)", pageTimes, "{0:N0}", string.Empty);
Row("security 1 provisioning with the CLI (ms, in-process, scan → verdict)", cliTimes, "{0:N0}", string.Empty);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| page / CLI (medians) | {Median(pageTimes) / Median(cliTimes):0.00}× | | | ≤ 1.5× |"));
return 0;

void Row(string name, List<double> values, string format, string goal) =>
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "| {0} | {1} | {2} | {3} | {4} |", name,
        string.Format(CultureInfo.InvariantCulture, format, Median(values)), string.Format(CultureInfo.InvariantCulture, format, values.Min()),
        string.Format(CultureInfo.InvariantCulture, format, values.Max()), goal));

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

async Task<SimulatedDevice> DeviceAsync(string name) =>
    await SimulatedDevice.StartBleAsync(
        new SimulatedDeviceOptions { Security = new DeviceSecurity1(Pop), Networks = [network] },
        new BleDeviceOptions { Name = name, Adapter = bluez.AddPeripheralAdapter().Name, BusAddress = bluez.BusAddress });

async Task<double> ProvisionThroughPageAsync(string name)
{
    await using var device = await DeviceAsync(name);
    await using var context = await browser.NewContextAsync();
    var page = await context.NewPageAsync();
    page.SetDefaultTimeout(120_000);
    await page.GotoAsync(url);
    await page.WaitForSelectorAsync("html[data-ready]");
    var cdp = await context.NewCDPSessionAsync(page);
    cdp.Event("DeviceAccess.deviceRequestPrompted").OnEvent += async (_, e) =>
    {
        foreach (var d in e!.Value.GetProperty("devices").EnumerateArray().Where(d => d.GetProperty("name").GetString() == name))
        {
            await cdp.SendAsync("DeviceAccess.selectPrompt", new Dictionary<string, object>
            {
                ["id"] = e.Value.GetProperty("id").GetString()!,
                ["deviceId"] = d.GetProperty("id").GetString()!,
            });
        }
    };
    await cdp.SendAsync("DeviceAccess.enable");
    var clock = Stopwatch.StartNew();
    await page.ClickAsync("#pick");
    await page.FillAsync("#pop", Pop);
    await page.ClickAsync("#start-session");
    await page.FillAsync("#ssid", network.Ssid);
    await page.FillAsync("#passphrase", network.Passphrase);
    await page.ClickAsync("#provision");
    await page.WaitForSelectorAsync("#outcome");
    var elapsed = clock.Elapsed.TotalMilliseconds;
    var outcome = await page.InnerTextAsync("#outcome");
    return outcome.Contains("successful", StringComparison.Ordinal) ? elapsed : throw new InvalidOperationException($"page run failed: {await page.InnerTextAsync("#log")}");
}

async Task<double> ProvisionThroughCliAsync(string name)
{
    await using var device = await DeviceAsync(name);
    var output = new StringWriter();
    var cli = new CliApp(output, output, new NoTerminal()) { BleBusAddress = bluez.BusAddress };
    var clock = Stopwatch.StartNew();
    var code = await cli.RunAsync(["--transport", "ble", "--service_name", name, "--sec_ver", "1", "--pop", Pop, "--ssid", network.Ssid, "--passphrase", network.Passphrase]);
    var elapsed = clock.Elapsed.TotalMilliseconds;
    return code == 0 ? elapsed : throw new InvalidOperationException($"CLI run failed ({code}): {output}");
}

internal sealed class NoTerminal : ITerminal
{
    public bool IsInteractive => false;

    public string? ReadLine(string prompt) => null;

    public string ReadSecret(string prompt) => throw new InvalidOperationException("the bench gives every secret as a flag");
}
