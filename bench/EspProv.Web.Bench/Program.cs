// The web app's bench (docs/benchmarks.md, "Issue 28"): first-load bytes as served, navigation → ready in headless
// Chromium on localhost with the load's milestones, and a whole security 1 provisioning through the page vs the esp-prov
// CLI over the same virtual BlueZ, with where the time goes. Prints tables. Run in Release:
//   dotnet bench/EspProv.Web.Bench/bin/Release/net10.0/EspProv.Web.Bench.dll [runs] [--build <label>=<esp-prov.dll or wwwroot/>]...
// Each --build serves another build of the page beside this one (the web app embedded in an esp-prov.dll, or a
// published wwwroot/), and every measure runs for all of them in the same rounds, alternating (A/B on a shared machine).
using System.Globalization;
using System.Net;
using System.Reflection;
using EspProv.Cli.Web;
using EspProv.Device;
using EspProv.Device.Ble.Peripheral;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.VirtualBluez;
using EspProv.Web.Bench;
using Microsoft.Playwright;

var runs = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
// --build label=path (repeatable): another build of the page beside this one, from an esp-prov.dll or a published wwwroot/.
var loadOnly = args.Contains("--load-only");
var others = args.Select((a, i) => (a, i)).Where(x => x.a == "--build").Select(x => args[x.i + 1].Split('=', 2)).ToList();
const string Pop = "bench-pop-1";
var network = new SimulatedNetwork("bench-net", "bench-passphrase");
var flags = new[]
{
    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-sandbox", "--enable-experimental-web-platform-features",
};

await using var bluez = await VirtualBluezService.StartAsync(new VirtualBluezOptions { PeripheralAdapters = 0 });
var builds = new List<(string Label, WebServer Server, int Files)>();
foreach (var other in others)
{
    // Of an esp-prov.dll only its manifest resources are read: nothing of it runs.
    var path = Path.GetFullPath(other[1]);
    var files = path.EndsWith(".dll", StringComparison.Ordinal) ? WebAssets.Load(Assembly.LoadFile(path)) : WebAssets.LoadDirectory(path);
    builds.Add((other[0], new WebServer(files, new IPEndPoint(IPAddress.Loopback, 0)), files.Count));
}

var assets = WebAssets.Load();
builds.Add(("this build", new WebServer(assets, new IPEndPoint(IPAddress.Loopback, 0)), assets.Count));
foreach (var build in builds)
{
    build.Server.Start();
}

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = flags,
    Env = new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = bluez.BusAddress },
});
var pages = new PageRun(browser);
if (args.Contains("--profile"))
{
    foreach (var build in builds)
    {
        Console.WriteLine(build.Label);
        await Profile.LoadAsync(browser, Url(build.Server));
    }

    return 0;
}

var loadAverageAtStart = File.ReadAllText("/proc/loadavg").Split(' ')[0];

// Rounds alternate the order of the builds (ABBA), so a slow minute of the machine falls on both.
var loads = builds.ToDictionary(b => b.Label, _ => new List<LoadSample>());
var provisions = builds.ToDictionary(b => b.Label, _ => new List<PageSample>());
var cli = new List<Timeline>();
var serial = 0;
for (var round = 0; round < runs; round++)
{
    var order = round % 2 == 0 ? builds : Enumerable.Reverse(builds).ToList();
    foreach (var (label, server, _) in order)
    {
        loads[label].Add(await pages.LoadAsync(Url(server)));
    }

    if (loadOnly)
    {
        continue;
    }

    foreach (var (label, server, _) in order)
    {
        await using var device = await DeviceAsync($"PROV_BWP{serial++:D3}");
        provisions[label].Add(await pages.ProvisionAsync(Url(server), device.BleName!, Pop, network.Ssid, network.Passphrase));
    }

    await using (var device = await DeviceAsync($"PROV_BWC{serial++:D3}"))
    {
        cli.Add(await CliRun.ProvisionAsync(bluez.BusAddress, device.BleName!, Pop, network.Ssid, network.Passphrase));
    }
}

foreach (var build in builds)
{
    await build.Server.DisposeAsync();
}

var labels = builds.Select(b => b.Label).ToList();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"EspProv web bench: {runs} rounds; {string.Join(", ", builds.Select(b => $"{b.Label}: {b.Files} embedded files"))}; load average {loadAverageAtStart} at the start, {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end"));
Console.WriteLine("Cells: median [min–max] over the rounds.");
Console.WriteLine();
Console.WriteLine($"| first load | {string.Join(" | ", labels)} | goal |");
Console.WriteLine($"|---|{string.Concat(labels.Select(_ => "---|"))}---|");
Console.WriteLine($"| bytes transferred (Brotli as served, headers included) | {string.Join(" | ", labels.Select(l => Stats.Cell([.. loads[l].Select(s => s.Bytes)])))} | ≤ 4,000,000 |");
Console.WriteLine($"| navigation → ready (ms) | {string.Join(" | ", labels.Select(l => Stats.Cell([.. loads[l].Select(s => s.Ready)])))} | ≤ 2,000 |");
Console.WriteLine($"| the page's main-thread CPU time to ready (ms) | {string.Join(" | ", labels.Select(l => Stats.Cell([.. loads[l].Select(s => s.MainThreadCpu)])))} | |");
Console.WriteLine();
Console.WriteLine($"| load milestone (ms since navigation) | {string.Join(" | ", labels)} |");
Console.WriteLine($"|---|{string.Concat(labels.Select(_ => "---|"))}");
foreach (var milestone in PageRun.LoadMilestones)
{
    Console.WriteLine($"| {milestone} | {string.Join(" | ", labels.Select(l => Stats.Cell([.. loads[l].Select(s => s.Milestones[milestone]).Where(double.IsFinite)])))} |");
}

if (loadOnly)
{
    return 0;
}

Console.WriteLine();
Console.WriteLine($"| page run milestone (ms since the Choose device click) | {string.Join(" | ", labels)} |");
Console.WriteLine($"|---|{string.Concat(labels.Select(_ => "---|"))}");
foreach (var milestone in PageRun.ProvisionMilestones)
{
    Console.WriteLine($"| {milestone} | {string.Join(" | ", labels.Select(l => Stats.Cell([.. provisions[l].Select(s => s.Milestones[milestone]).Where(double.IsFinite)])))} |");
}

Console.WriteLine($"| requests per run (write + read each) | {string.Join(" | ", labels.Select(l => Stats.Cell([.. provisions[l].Select(s => (double)s.Exchanges.Count)])))} |");
Console.WriteLine($"| one request's Web Bluetooth round trip (ms, write start → read end) | {string.Join(" | ", labels.Select(l => Stats.Cell([.. provisions[l].SelectMany(s => s.Exchanges)])))} |");
Console.WriteLine($"| all requests' round trips per run (ms) | {string.Join(" | ", labels.Select(l => Stats.Cell([.. provisions[l].Select(s => s.Exchanges.Sum())])))} |");

Console.WriteLine();
Console.WriteLine("| cli run milestone (ms since the start) | esp-prov |");
Console.WriteLine("|---|---|");
foreach (var (milestone, prefix) in CliMilestones())
{
    Console.WriteLine($"| {milestone} | {Stats.Cell([.. cli.Select(t => t.At(prefix)).Where(double.IsFinite)])} |");
}

// The comparison, whole and without what only one side has (docs/benchmarks.md says which is which).
var cliWhole = cli.Select(t => t.Total).ToList();
var cliAfterConnect = cli.Select(t => t.Total - t.At("==== Verifying protocol version")).ToList();
Console.WriteLine();
Console.WriteLine($"| security 1 provisioning (ms) | {string.Join(" | ", labels.Select(l => $"page {l}"))} | esp-prov | {string.Join(" | ", labels.Select(l => $"page {l} / esp-prov"))} |");
Console.WriteLine($"|---|{string.Concat(labels.Select(_ => "---|"))}---|{string.Concat(labels.Select(_ => "---|"))}");
Compare("whole run: Choose device click → verdict shown (page's clock) or start → verdict (CLI)", l => provisions[l].Select(s => s.Milestones["verdict shown"]).ToList(), cliWhole);
Compare("the same on the bench's clock (Playwright's click before, its wait for the verdict after)", l => provisions[l].Select(s => s.Total).ToList(), cliWhole);
Compare("from connected (proto-ver step starts) → verdict", l => provisions[l].Select(AfterConnect).ToList(), cliAfterConnect);
Compare("the same, less the Wi-Fi scan (the page lists networks; esp-prov --ssid scans none)", l => provisions[l].Select(s => AfterConnect(s) - Scan(s)).ToList(), cliAfterConnect);
return 0;

void Compare(string name, Func<string, List<double>> page, List<double> cliTimes) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {string.Join(" | ", labels.Select(l => Stats.Cell(page(l))))} | {Stats.Cell(cliTimes)} | {string.Join(" | ", labels.Select(l => $"{Stats.Median(page(l)) / Stats.Median(cliTimes):0.00}×"))} |"));

static double AfterConnect(PageSample s) => s.Milestones["verdict shown"] - s.Milestones["connected, endpoints mapped"];

static double Scan(PageSample s) => s.Milestones["Wi-Fi scan done: network form shown"] - s.Milestones["session established"];

static IEnumerable<(string Milestone, string Prefix)> CliMilestones() =>
[
    ("found and connected (proto-ver step starts)", "==== Verifying protocol version"),
    ("session established", "==== Session Established"),
    ("set config sent: apply starts", "==== Applying config"),
    ("apply answered: status polls start", "==== Wi-Fi connection state"),
    ("verdict printed", "==== Provisioning was successful"),
];

static string Url(WebServer server) => $"http://localhost:{server.Endpoint.Port}/";

async Task<SimulatedDevice> DeviceAsync(string name) =>
    await SimulatedDevice.StartBleAsync(
        new SimulatedDeviceOptions { Security = new DeviceSecurity1(Pop), Networks = [network] },
        new BleDeviceOptions { Name = name, Adapter = bluez.AddPeripheralAdapter().Name, BusAddress = bluez.BusAddress });
