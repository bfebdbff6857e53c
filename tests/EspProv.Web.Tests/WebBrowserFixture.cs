using System.Net;
using EspProv.Cli.Web;
using EspProv.Device;
using EspProv.Device.Ble.Peripheral;
using EspProv.VirtualBluez;
using Microsoft.Playwright;

namespace EspProv.Web.Tests;

/// <summary>
/// One virtual BlueZ, the page served by esp-prov's own server (the files embedded in the CLI), and one headless
/// Debian Chromium whose BlueZ backend talks to that virtual BlueZ (DBUS_SYSTEM_BUS_ADDRESS; Web Bluetooth needs
/// --enable-experimental-web-platform-features on Linux). Each test adds its own simulated device on its own adapter.
/// </summary>
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime.DisposeAsync
public sealed class WebBrowserFixture : IAsyncLifetime
#pragma warning restore CA1001
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>The machine-facts flags (docs/web.md): no background traffic on a closed network, no GPU, a fresh profile.</summary>
    public static readonly string[] ChromiumFlags =
    [
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-sandbox", "--enable-experimental-web-platform-features",
    ];

    private readonly string _profile = Directory.CreateTempSubdirectory("espprov-web-chromium-").FullName;
    private IPlaywright? _playwright;
    private WebServer? _server;

    public VirtualBluezService Bluez { get; private set; } = null!;

    public IBrowserContext Browser { get; private set; } = null!;

    public string BaseUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Bluez = await VirtualBluezService.StartAsync(new VirtualBluezOptions { PeripheralAdapters = 0 });
        _server = new WebServer(WebAssets.Load(), new IPEndPoint(IPAddress.Loopback, 0));
        _server.Start();
        BaseUrl = $"http://localhost:{_server.Endpoint.Port}/";
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumFlags,
            Env = new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = Bluez.BusAddress },
        });
    }

    /// <summary>A simulated BLE device advertising on an adapter of its own.</summary>
    public async Task<SimulatedDevice> StartDeviceAsync(string name, SimulatedDeviceOptions options) =>
        await SimulatedDevice.StartBleAsync(options, new BleDeviceOptions
        {
            Name = name,
            Adapter = Bluez.AddPeripheralAdapter().Name,
            BusAddress = Bluez.BusAddress,
        });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (Bluez is not null)
        {
            await Bluez.DisposeAsync();
        }

        Directory.Delete(_profile, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class WebBrowserGroup : ICollectionFixture<WebBrowserFixture>
{
    public const string Name = "Web browser";
}
