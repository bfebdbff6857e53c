using System.Net;
using System.Text;
using EspProv.Cli.Doctor;
using EspProv.Device.Ble.DBus;
using EspProv.Tests.Support;
using EspProv.VirtualBluez;
using Tmds.DBus.Protocol;

namespace EspProv.Tests.Doctor;

/// <summary>
/// The doctor's NetworkManager reader against a fake NetworkManager object tree served on a private dbus-daemon (no
/// network change on this machine), and the real route lookup against loopback.
/// </summary>
public sealed class NetworkManagerReaderTests
{
    private const string Service = "org.freedesktop.NetworkManager";
    private const string Root = "/org/freedesktop/NetworkManager";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Reader_ListsEachActiveWifiConnection_WithItsInterfaceAndSsid_AndIgnoresWiredOnes()
    {
        await using var nm = await FakeNetworkManager.StartAsync(server =>
        {
            Export(server, Root, Service, new() { ["ActiveConnections"] = Paths("ActiveConnection/1", "ActiveConnection/2", "ActiveConnection/3"), ["Version"] = "1.42.4" });
            Export(server, Root + "/ActiveConnection/1", Service + ".Connection.Active", new()
            {
                ["Type"] = "802-11-wireless", ["Id"] = "PROV_1A2B3C", ["Devices"] = Paths("Devices/3"), ["SpecificObject"] = VariantValue.ObjectPath(Root + "/AccessPoint/7"),
            });
            Export(server, Root + "/ActiveConnection/2", Service + ".Connection.Active", new()
            {
                ["Type"] = "802-3-ethernet", ["Id"] = "Wired connection 1", ["Devices"] = Paths("Devices/2"), ["SpecificObject"] = VariantValue.ObjectPath("/"),
            });
            // No access point object (NetworkManager reports "/"): the connection's name stands for the SSID.
            Export(server, Root + "/ActiveConnection/3", Service + ".Connection.Active", new()
            {
                ["Type"] = "802-11-wireless", ["Id"] = "café-guest", ["Devices"] = Paths("Devices/4"), ["SpecificObject"] = VariantValue.ObjectPath("/"),
            });
            Export(server, Root + "/Devices/2", Service + ".Device", new() { ["Interface"] = "eth0" });
            Export(server, Root + "/Devices/3", Service + ".Device", new() { ["Interface"] = "wlan0" });
            Export(server, Root + "/Devices/4", Service + ".Device", new() { ["Interface"] = "wlx00c0ca" });
            Export(server, Root + "/AccessPoint/7", Service + ".AccessPoint", new() { ["Ssid"] = VariantValue.Array(Encoding.UTF8.GetBytes("PROV_1A2B3C")), ["Strength"] = (byte)80 });
        });

        var links = await NetworkManager.WifiLinksAsync(nm.Address, CancellationToken.None);
        Assert.NotNull(links);
        Assert.Equal([new WifiLink("wlan0", "PROV_1A2B3C"), new WifiLink("wlx00c0ca", "café-guest")], links);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Reader_NoActiveConnection_IsAnEmptyList_NotUnknown()
    {
        await using var nm = await FakeNetworkManager.StartAsync(server =>
            Export(server, Root, Service, new() { ["ActiveConnections"] = VariantValue.Array(Array.Empty<ObjectPath>()) }));
        var links = await NetworkManager.WifiLinksAsync(nm.Address, CancellationToken.None);
        Assert.NotNull(links);
        Assert.Empty(links);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Reader_BusWithoutNetworkManager_IsNull_SoTheCheckIsSkipped()
    {
        await using var daemon = await DaemonProcess.StartAsync("dbus-daemon", Timeout);
        Assert.Null(await NetworkManager.WifiLinksAsync(daemon.Address, CancellationToken.None));
    }

    [Fact]
    public async Task Reader_NoBus_IsNull()
    {
        Assert.Null(await NetworkManager.WifiLinksAsync("unix:path=/nonexistent/espprov-nm-bus", CancellationToken.None));
    }

    [Fact]
    public void RealRouteLookup_ToLoopback_LeavesFromLoopback()
    {
        var network = new SystemNetworkInfo();
        foreach (var destination in new[] { IPAddress.Loopback, IPAddress.Parse("127.0.0.53") })
        {
            var source = network.RouteSource(destination);
            Assert.NotNull(source);
            Assert.True(IPAddress.IsLoopback(source), $"{destination}: {source}");
            var via = network.Interfaces().Where(i => i.Addresses.Any(a => a.Contains(source))).ToList();
            Assert.Contains(via, i => i.IsLoopback);
            if (OperatingSystem.IsLinux())
            {
                Assert.Contains(via, i => i.Name == "lo");
            }
        }
    }

    private static VariantValue Paths(params string[] relative) => VariantValue.Array(relative.Select(r => new ObjectPath(Root + "/" + r)).ToArray());

    private static void Export(ObjectServer server, string path, string iface, Dictionary<string, VariantValue> properties) =>
        server.Export(new ExportedObject(path).With(iface, properties));

    /// <summary>A private dbus-daemon where a connection owns <c>org.freedesktop.NetworkManager</c> and serves the given objects.</summary>
    private sealed class FakeNetworkManager : IAsyncDisposable
    {
        private readonly DaemonProcess _daemon;
        private readonly DBusConnection _connection;

        private FakeNetworkManager(DaemonProcess daemon, DBusConnection connection)
        {
            _daemon = daemon;
            _connection = connection;
        }

        public string Address => _daemon.Address;

        public static async Task<FakeNetworkManager> StartAsync(Action<ObjectServer> build)
        {
            var daemon = await DaemonProcess.StartAsync("dbus-daemon", Timeout);
            var connection = new DBusConnection(daemon.Address);
            try
            {
                await connection.ConnectAsync().AsTask().WaitAsync(Timeout);
                build(new ObjectServer(connection, "/org/freedesktop"));
                await connection.RequestNameAsync(Service, RequestNameOptions.Default).WaitAsync(Timeout);
                return new FakeNetworkManager(daemon, connection);
            }
            catch
            {
                connection.Dispose();
                await daemon.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            _connection.Dispose();
            await _daemon.DisposeAsync();
        }
    }
}
