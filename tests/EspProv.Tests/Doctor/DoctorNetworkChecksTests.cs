using System.Net;
using EspProv.Cli.Doctor;

namespace EspProv.Tests.Doctor;

/// <summary>The soft-AP interface, subnet, route and Wi-Fi network checks with injected interface data: no network changes on the machine.</summary>
public sealed class DoctorNetworkChecksTests
{
    private static readonly IPAddress Device = IPAddress.Parse("192.168.4.1");

    private static LocalInterface If(string name, string cidr, bool wireless = false)
    {
        var parts = cidr.Split('/');
        return new LocalInterface(name, IsUp: true, IsLoopback: name == "lo", wireless, [new LocalAddress(IPAddress.Parse(parts[0]), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture))]);
    }

    private static async Task<Dictionary<string, CheckResult>> RunAsync(FakeNetwork network, string? iface = null, string? deviceName = null, IPAddress? target = null)
    {
        var results = await new NetworkChecks(network).RunAsync(target ?? Device, target is null, iface, deviceName, CancellationToken.None);
        return results.ToDictionary(r => r.Name);
    }

    [Fact]
    public async Task OnTheSoftAp_ThroughWifi_AllPass()
    {
        var net = new FakeNetwork([If("lo", "127.0.0.1/8"), If("eth0", "10.0.0.5/24"), If("wlan0", "192.168.4.2/24", wireless: true)], route: "192.168.4.2",
            links: [new WifiLink("wlan0", "PROV_1A2B3C")]);
        var r = await RunAsync(net);
        Assert.Equal(CheckStatus.Passed, r["interfaces"].Status);
        Assert.Contains("wlan0 (Wi-Fi) 192.168.4.2/24", r["interfaces"].Detail);
        Assert.Equal(CheckStatus.Passed, r["subnet"].Status);
        Assert.Equal(CheckStatus.Passed, r["route"].Status);
        Assert.Contains("through wlan0", r["route"].Detail);
        Assert.Equal(CheckStatus.Passed, r["wifi_network"].Status);
        Assert.Contains("'PROV_1A2B3C'", r["wifi_network"].Detail);
    }

    [Fact]
    public async Task NotOnTheSubnet_Warns_AndTheRouteIsTheDefaultOne()
    {
        var net = new FakeNetwork([If("eth0", "10.0.0.5/24")], route: "10.0.0.5", links: [new WifiLink("wlan0", "HomeNet")]);
        var r = await RunAsync(net);
        Assert.Equal(CheckStatus.Warning, r["subnet"].Status);
        Assert.Contains("no interface is on 192.168.4.0/24", r["subnet"].Detail);
        Assert.Equal(CheckStatus.Warning, r["route"].Status);
        Assert.Equal(CheckStatus.Warning, r["wifi_network"].Status);
        Assert.Contains("'HomeNet'", r["wifi_network"].Detail);
    }

    [Fact]
    public async Task TwoInterfacesOnTheSubnet_IsAConflict_NamingTheWifiOne()
    {
        var net = new FakeNetwork([If("eth0", "192.168.4.20/24"), If("wlan0", "192.168.4.2/24", wireless: true)], route: "192.168.4.20");
        var r = await RunAsync(net);
        Assert.Equal(CheckStatus.Warning, r["subnet"].Status);
        Assert.Contains("conflict: eth0 and wlan0", r["subnet"].Detail);
        Assert.Contains("--interface wlan0", r["subnet"].Advice);
    }

    [Fact]
    public async Task TwoInterfacesOnTheSubnet_WithInterface_Passes()
    {
        var net = new FakeNetwork([If("eth0", "192.168.4.20/24"), If("wlan0", "192.168.4.2/24", wireless: true)], route: "192.168.4.20");
        var r = await RunAsync(net, iface: "wlan0");
        Assert.Equal(CheckStatus.Passed, r["subnet"].Status);
        Assert.Equal(CheckStatus.Passed, r["route"].Status);
        Assert.Contains("--interface wlan0 overrides it", r["route"].Detail);
    }

    [Fact]
    public async Task RouteThroughAnotherInterfaceThanTheSoftAps_Warns()
    {
        // A VPN or a more specific route on eth0 takes 192.168.4.1 although wlan0 is on the soft AP.
        var net = new FakeNetwork([If("eth0", "10.0.0.5/24"), If("wlan0", "192.168.4.2/24", wireless: true)], route: "10.0.0.5");
        var r = await RunAsync(net);
        Assert.Equal(CheckStatus.Passed, r["subnet"].Status);
        Assert.Equal(CheckStatus.Warning, r["route"].Status);
        Assert.Contains("through eth0 (10.0.0.5), not through wlan0", r["route"].Detail);
        Assert.Contains("--interface wlan0", r["route"].Advice);
    }

    [Fact]
    public async Task NoRoute_Warns()
    {
        var r = await RunAsync(new FakeNetwork([If("wlan0", "192.168.4.2/24", wireless: true)], route: null));
        Assert.Equal(CheckStatus.Warning, r["route"].Status);
        Assert.Contains("no route", r["route"].Detail);
    }

    [Fact]
    public async Task WithoutNetworkManager_TheWifiNetworkCheckIsSkipped()
    {
        var r = await RunAsync(new FakeNetwork([If("wlan0", "192.168.4.2/24", wireless: true)], route: "192.168.4.2", links: null));
        Assert.Equal(CheckStatus.Skipped, r["wifi_network"].Status);
    }

    [Fact]
    public async Task QrDeviceName_IsTheNetworkExpected()
    {
        var net = new FakeNetwork([If("wlan0", "192.168.4.2/24", wireless: true)], route: "192.168.4.2", links: [new WifiLink("wlan0", "PROV_OTHER")]);
        var r = await RunAsync(net, deviceName: "PROV_1A2B3C");
        Assert.Equal(CheckStatus.Warning, r["wifi_network"].Status);
        Assert.Contains("not to 'PROV_1A2B3C'", r["wifi_network"].Detail);
    }

    [Fact]
    public async Task CustomEndpoint_UsesTheInterfacesOwnSubnets()
    {
        var net = new FakeNetwork([If("eth0", "10.1.2.3/16")], route: "10.1.2.3");
        var r = await RunAsync(net, target: IPAddress.Parse("10.1.9.9"));
        Assert.Equal(CheckStatus.Passed, r["subnet"].Status);
        Assert.Equal(CheckStatus.Passed, r["route"].Status);
    }

    [Fact]
    public async Task RouteFromAnAddressOfNoListedInterface_Warns_NamingTheAddress()
    {
        // A tunnel or a policy route whose source address is not on any interface .NET lists.
        var r = await RunAsync(new FakeNetwork([If("wlan0", "192.168.4.2/24", wireless: true)], route: "10.8.0.6"));
        Assert.Equal(CheckStatus.Warning, r["route"].Status);
        Assert.Contains("leaves from 10.8.0.6, not through wlan0", r["route"].Detail);
    }

    [Fact]
    public async Task LoopbackEndpoint_SkipsTheSoftApChecks()
    {
        var r = await RunAsync(new FakeNetwork([If("lo", "127.0.0.1/8")], route: "127.0.0.1"), target: IPAddress.Loopback);
        Assert.Equal(CheckStatus.Skipped, r["subnet"].Status);
        Assert.Equal(CheckStatus.Skipped, r["route"].Status);
        Assert.Equal(CheckStatus.Skipped, r["wifi_network"].Status);
    }

    private sealed class FakeNetwork(IReadOnlyList<LocalInterface> interfaces, string? route, IReadOnlyList<WifiLink>? links = null) : INetworkInfo
    {
        public IReadOnlyList<LocalInterface> Interfaces() => interfaces;

        public IPAddress? RouteSource(IPAddress destination) => route is null ? null : IPAddress.Parse(route);

        public ValueTask<IReadOnlyList<WifiLink>?> WifiLinksAsync(CancellationToken cancellationToken) => ValueTask.FromResult(links);
    }
}
