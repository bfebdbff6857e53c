using System.Text;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Tests.Support;
using EspProv.Transport;
using EspProv.Transport.Http;

namespace EspProv.Tests.EndToEnd;

/// <summary>
/// The library's flow against a real simulated device: flow logic over the in-memory transport (no sockets), and the
/// whole flow once per transport (in-memory and loopback HTTP).
/// </summary>
public sealed class ClientEndToEndTests
{
    public static TheoryData<DeviceFlavor> Flavors => new() { DeviceFlavor.Idf, DeviceFlavor.Esp8266 };

    public static TheoryData<string, string> SchemesOverTransports
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var transport in new[] { "memory", "http" })
            {
                foreach (var scheme in Schemes)
                {
                    data.Add(scheme, transport);
                }
            }

            return data;
        }
    }

    /// <summary>In memory unless the test needs the device on loopback HTTP.</summary>
    private static TestDevice NewDevice(bool http = false) => (http ? TestDevice.Http() : TestDevice.InMemory()).ConnectDelayMs(30);

    /// <summary>A client over loopback HTTP when the device serves it, else over the in-memory transport.</summary>
    private static (IProvisioningTransport, ProvisioningClient) Connect(SimulatedDevice device)
    {
        IProvisioningTransport transport = device.ToString().Contains("http", StringComparison.Ordinal)
            ? new HttpTransport(new DeviceAddress("127.0.0.1", device.EndPoint.Port, false))
            : device.CreateInMemoryTransport();
        return (transport, new ProvisioningClient(transport, ownsTransport: true));
    }

    private static readonly string[] Schemes = ["sec0", "sec1", "sec1-nopop", "sec2-patch1", "sec2-patch0"];

    private static (IDeviceSecurity Device, ISecurity Client) Pair(string scheme) => scheme switch
    {
        "sec0" => (new DeviceSecurity0(), Security0.Instance),
        "sec1" => (new DeviceSecurity1("abcd1234"), new Security1("abcd1234")),
        "sec1-nopop" => (new DeviceSecurity1(string.Empty), new Security1(string.Empty)),
        "sec2-patch1" => (DeviceSecurity2.FromPassword("wifiprov", "abcd1234", 1), new Security2("wifiprov", "abcd1234", 1)),
        _ => (DeviceSecurity2.FromPassword("wifiprov", "abcd1234", 0), new Security2("wifiprov", "abcd1234", 0)),
    };

    [Theory]
    [MemberData(nameof(SchemesOverTransports))]
    public async Task FullFlow_EveryScheme_EveryTransport_ReturnsConnectionDetails(string scheme, string transport)
    {
        var (deviceSecurity, clientSecurity) = Pair(scheme);
        await using var device = await NewDevice(transport == "http").Security(deviceSecurity).StartAsync();
        var (_, client) = Connect(device);
        await using var _c = client;
        var info = Assert.IsType<WifiConnectionInfo>((await client.ProvisionAsync(ProvisioningPlan.For(clientSecurity, new WifiCredentials("myssid", "mypassword")))).Connection);
        Assert.Equal(System.Net.IPAddress.Parse("192.168.1.42"), info.IPAddress);
        Assert.Equal("myssid", info.Ssid);
        Assert.Equal("02:11:22:33:44:55", info.Bssid.ToString());
        Assert.Equal(6, info.Channel);
        Assert.Equal(WifiAuthMode.Wpa2Psk, info.AuthMode);
    }

    [Theory]
    [MemberData(nameof(Flavors))]
    public async Task VersionInfo_PerFlavor(DeviceFlavor flavor)
    {
        await using var device = await NewDevice().Security(new DeviceSecurity1("abcd1234")).Flavor(flavor).StartAsync();
        var (_, client) = Connect(device);
        await using var _c = client;
        var info = await client.GetVersionAsync();
        if (flavor == DeviceFlavor.Esp8266)
        {
            Assert.False(info.IsJson);
            Assert.Equal("V0.1", info.Raw);
        }
        else
        {
            Assert.True(info.IsJson);
            Assert.Equal("v1.1", info.Version);
            Assert.Equal(1, info.SecurityVersion);
            Assert.Contains("wifi_scan", info.Capabilities);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WrongPop_FailsAtCommand1_WithHint(bool http)
    {
        await using var device = await NewDevice(http).Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var (_, client) = Connect(device);
        await using var _c = client;
        var ex = await Assert.ThrowsAsync<SessionFailedException>(() => client.EstablishSessionAsync(new Security1("nope")));
        Assert.Equal(SessionFailureReason.CredentialsRejected, ex.Reason);
        Assert.Equal(EspProv.Security.HandshakeStage.Command1, ex.HandshakeStage);
        Assert.Contains("wrong proof of possession?", ex.Message, StringComparison.Ordinal);
        Assert.False(client.HasSession);
    }

    [Fact]
    public async Task WrongSec2Password_FailsAtCommand1_WithHint()
    {
        await using var device = await NewDevice().Security(DeviceSecurity2.FromPassword("wifiprov", "abcd1234")).StartAsync();
        var (_, client) = Connect(device);
        await using var _c = client;
        var ex = await Assert.ThrowsAsync<SessionFailedException>(() => client.EstablishSessionAsync(new Security2("wifiprov", "wrong", 1)));
        Assert.Contains("wrong username or password?", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sec2_WrongPatchPick_FailsClearly_BeforeSendingAnything()
    {
        await using var device = await NewDevice().Security(DeviceSecurity2.FromPassword("wifiprov", "abcd1234", 1)).StartAsync();
        var (_, client) = Connect(device);
        await using var _c = client;
        var ex = await Assert.ThrowsAsync<SessionFailedException>(() => client.EstablishSessionAsync(new Security2("wifiprov", "abcd1234", 0)));
        Assert.Equal(SessionFailureReason.IncompatibleDevice, ex.Reason);
        Assert.Null(device.PendingCredentials);
        Assert.Null(device.AppliedCredentials);
    }

    [Theory]
    [InlineData("mypassword-wrong", WifiFailureReason.AuthError)]
    public async Task WrongPassphrase_ThenReset_ThenSuccess(string wrong, WifiFailureReason reason)
    {
        await using var device = await NewDevice().Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var (_, client) = Connect(device);
        await using var _c = client;
        var failed = await Assert.ThrowsAsync<WifiConnectionFailedException>(() => client.ProvisionAsync(ProvisioningPlan.For(new Security1("abcd1234"), new WifiCredentials("myssid", wrong))));
        Assert.Equal(reason, failed.Reason);
        await client.ResetWifiAsync();
        await client.SetWifiConfigAsync(new WifiCredentials("myssid", "mypassword"));
        await client.ApplyWifiConfigAsync();
        var info = await client.WaitForConnectionAsync();
        Assert.Equal(System.Net.IPAddress.Parse("192.168.1.42"), info.IPAddress);
    }

    [Fact]
    public async Task UnknownSsid_IsNetworkNotFound()
    {
        await using var device = await NewDevice().Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var (_, client) = Connect(device);
        await using var _c = client;
        var failed = await Assert.ThrowsAsync<WifiConnectionFailedException>(() => client.ProvisionAsync(ProvisioningPlan.For(new Security1("abcd1234"), new WifiCredentials("other", "x"))));
        Assert.Equal(WifiFailureReason.NetworkNotFound, failed.Reason);
    }

    [Fact]
    public async Task ResetBeforeAnyFailure_IsRefused()
    {
        await using var device = await NewDevice().Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var (_, client) = Connect(device);
        await using var _c = client;
        await client.EstablishSessionAsync(new Security1("abcd1234"));
        var ex = await Assert.ThrowsAsync<DeviceStatusException>(() => client.ResetWifiAsync());
        Assert.Equal(ProvisioningStep.Control, ex.Step);
    }

    [Fact]
    public async Task Reprov_NeedsAutoStopDisabled()
    {
        await using (var device = await NewDevice().Security(new DeviceSecurity1("abcd1234")).StartAsync())
        {
            var (_, client) = Connect(device);
            await using var _c = client;
            await client.EstablishSessionAsync(new Security1("abcd1234"));
            await Assert.ThrowsAsync<DeviceStatusException>(() => client.ReprovisionAsync());
        }

        await using (var device = await NewDevice().Security(new DeviceSecurity1("abcd1234")).AutoStop(false).StartAsync())
        {
            var (_, client) = Connect(device);
            await using var _c = client;
            await client.EstablishSessionAsync(new Security1("abcd1234"));
            await client.ReprovisionAsync();
        }
    }

    [Fact]
    public async Task Scan_ReadsAllPages_StrongestFirst()
    {
        var networks = Enumerable.Range(1, 7).Select(i => SimulatedNetwork.Parse($"net{i}:pass{i};rssi={-30 - (i * 7 % 50)};channel={i}")).ToArray();
        await using var device = await NewDevice().Security(new DeviceSecurity1("abcd1234")).Networks(networks).StartAsync();
        var (_, client) = Connect(device);
        await using var _c = client;
        await client.EstablishSessionAsync(new Security1("abcd1234"));
        var found = await client.ScanAsync(new WifiScanOptions { PageSize = 2 });
        Assert.Equal(7, found.Count);
        Assert.Equal(found.OrderByDescending(n => n.Rssi).Select(n => n.Ssid), found.Select(n => n.Ssid));
        Assert.Equal(networks.Select(n => n.Ssid).Order(), found.Select(n => n.Ssid).Order());
    }

    [Fact]
    public async Task CustomData_RoundTrips()
    {
        await using var device = await NewDevice().Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var (_, client) = Connect(device);
        await using var _c = client;
        await client.EstablishSessionAsync(new Security1("abcd1234"));
        var reply = await client.SendDataAsync(Endpoints.CustomData, Encoding.UTF8.GetBytes("hello"));
        Assert.Equal("SUCCESS\0"u8.ToArray(), reply);
    }

    [Theory]
    [MemberData(nameof(Flavors))]
    public async Task CustomConfig_IsAccepted(DeviceFlavor flavor)
    {
        await using var device = await NewDevice().Security(new DeviceSecurity1("abcd1234")).Flavor(flavor).StartAsync();
        var (_, client) = Connect(device);
        await using var _c = client;
        await client.EstablishSessionAsync(new Security1("abcd1234"));
        await client.SendCustomConfigAsync("my info", 7);
    }

    [Fact]
    public async Task EncryptedRequestBeforeSession_IsRefusedLocally()
    {
        await using var device = await NewDevice().Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var (_, client) = Connect(device);
        await using var _c = client;
        var ex = await Assert.ThrowsAsync<SessionNotEstablishedException>(() => client.GetWifiStatusAsync());
        Assert.Equal(ProvisioningStep.Status, ex.Step);
    }

    [Fact]
    public async Task SecondConnectionMidSession_PurgesTheFirst_AndTheClientReHandshakesBeforeItsNextRequest()
    {
        await using var device = await NewDevice(true).Security(new DeviceSecurity1("abcd1234")).Flavor(DeviceFlavor.Esp8266).StartAsync();
        var (_, client) = Connect(device);
        await using var _c = client;
        await client.EstablishSessionAsync(new Security1("abcd1234"));
        Assert.Equal(WifiConnectionState.Connecting, (await client.GetWifiStatusAsync()).State);

        // Another client connects: with one socket and LRU purge, the device closes ours and starts a new session.
        await using (var intruder = new HttpTransport(new DeviceAddress("127.0.0.1", device.EndPoint.Port, false)))
        {
            await intruder.SendAsync(Endpoints.ProtoVer, "x"u8.ToArray());
        }

        // ESP8266 keys sessions by socket and sends no cookie: the client sees its connection was closed and runs a new
        // handshake on the new one before the encrypted request, instead of losing that request.
        Assert.Equal(WifiConnectionState.Connecting, (await client.GetWifiStatusAsync()).State);
        Assert.True(client.HasSession);
        Assert.Equal(3, device.SessionsCreated);
        Assert.DoesNotContain(device.Requests, r => r.Endpoint == Endpoints.Config && r.Closed);
    }

    [Theory]
    [MemberData(nameof(Flavors))]
    public async Task DroppedInMemoryLink_EndsTheSession_AndTheClientReHandshakesBeforeItsNextRequest(DeviceFlavor flavor)
    {
        await using var device = await NewDevice().Security(new DeviceSecurity1("abcd1234")).Flavor(flavor).StartAsync();
        var (transport, client) = Connect(device);
        await using var _c = client;
        await client.EstablishSessionAsync(new Security1("abcd1234"));
        Assert.Equal(WifiConnectionState.Connecting, (await client.GetWifiStatusAsync()).State);

        Assert.Equal(1, device.DropConnections());

        // The session was keyed by the dropped link: the next encrypted request goes out only after a new handshake.
        Assert.Equal(WifiConnectionState.Connecting, (await client.GetWifiStatusAsync()).State);
        Assert.Equal(2, device.SessionsCreated);
        Assert.Equal(2, ((EspProv.Transport.InMemory.InMemoryTransport)transport).LinksOpened);
        Assert.DoesNotContain(device.Requests, r => r.Closed);
        Assert.All(device.Requests, r => Assert.Equal("memory", r.FrontEnd));
    }
}
