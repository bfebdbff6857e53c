using System.Text;
using EspProv.Device.Ble.Peripheral;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Tests.Ble.Support;
using EspProv.Tests.Support;
using EspProv.Transport;
using EspProv.Transport.Ble;

namespace EspProv.Tests.Ble.Client;

/// <summary>The library's flow over <see cref="BleTransport"/> against the simulated BLE device on the virtual BlueZ: the HTTP scenarios, over BLE.</summary>
public sealed class BleProvisioningTests
{
    public static TheoryData<string, BleStack> SchemesAndStacks()
    {
        var data = new TheoryData<string, BleStack>();
        foreach (var scheme in new[] { "sec0", "sec1", "sec1-nopop", "sec2-patch1", "sec2-patch0" })
        {
            data.Add(scheme, BleStack.NimBle);
            data.Add(scheme, BleStack.Bluedroid);
        }

        return data;
    }

    private static (IDeviceSecurity Device, ISecurity Client) Pair(string scheme) => scheme switch
    {
        "sec0" => (new DeviceSecurity0(), Security0.Instance),
        "sec1" => (new DeviceSecurity1("abcd1234"), new Security1("abcd1234")),
        "sec1-nopop" => (new DeviceSecurity1(string.Empty), new Security1(string.Empty)),
        "sec2-patch1" => (DeviceSecurity2.FromPassword("wifiprov", "abcd1234", 1), new Security2("wifiprov", "abcd1234", 1)),
        _ => (DeviceSecurity2.FromPassword("wifiprov", "abcd1234", 0), new Security2("wifiprov", "abcd1234", 0)),
    };

    [RequiresTheory(Prerequisite.DbusDaemon)]
    [MemberData(nameof(SchemesAndStacks))]
    public async Task FullFlow_EverySchemeAndStack_ReturnsConnectionDetails(string scheme, BleStack stack)
    {
        var (deviceSecurity, clientSecurity) = Pair(scheme);
        await using var bench = await BleBench.StartAsync(deviceSecurity, stack);
        var (transport, client) = bench.Connect();
        await using var _ = client;
        var info = Assert.IsType<WifiConnectionInfo>((await client.ProvisionAsync(ProvisioningPlan.For(clientSecurity, new WifiCredentials("myssid", "mypassword")))).Connection);
        Assert.Equal("192.168.1.42", info.IPAddress.ToString());
        Assert.Equal("myssid", info.Ssid);
        Assert.Equal(1, transport.LinksOpened);
        Assert.Equal(bench.Name, transport.Device?.Name);
    }

    [RequiresTheory(Prerequisite.DbusDaemon)]
    [InlineData(BleStack.NimBle)]
    [InlineData(BleStack.Bluedroid)]
    public async Task WrongPop_FailsAtCommand1_WithHint(BleStack stack)
    {
        await using var bench = await BleBench.StartAsync(new DeviceSecurity1("abcd1234"), stack);
        var (_, client) = bench.Connect();
        await using var _ = client;
        var ex = await Assert.ThrowsAsync<SessionFailedException>(() => client.EstablishSessionAsync(new Security1("wrong-pop")));
        Assert.Equal(SessionFailureReason.CredentialsRejected, ex.Reason);
        Assert.Contains("wrong proof of possession?", ex.Message, StringComparison.Ordinal);
        var inner = Assert.IsType<BleTransportException>(ex.InnerException);
        Assert.Equal(TransportFailure.ClosedWithoutResponse, inner.Failure);
        Assert.Equal("org.bluez.Error.Failed", inner.BluezError);
    }

    [RequiresTheory(Prerequisite.DbusDaemon)]
    [InlineData(BleStack.NimBle)]
    [InlineData(BleStack.Bluedroid)]
    public async Task WrongSec2Password_FailsAtCommand1_WithHint(BleStack stack)
    {
        await using var bench = await BleBench.StartAsync(DeviceSecurity2.FromPassword("wifiprov", "abcd1234", 1), stack);
        var (_, client) = bench.Connect();
        await using var _ = client;
        var ex = await Assert.ThrowsAsync<SessionFailedException>(() => client.EstablishSessionAsync(new Security2("wifiprov", "wrong", 1)));
        Assert.Contains("wrong username or password?", ex.Message, StringComparison.Ordinal);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task WrongPassphrase_ThenReset_ThenSuccess()
    {
        await using var bench = await BleBench.StartAsync();
        var (_, client) = bench.Connect();
        await using var _ = client;
        var failed = await Assert.ThrowsAsync<WifiConnectionFailedException>(() => client.ProvisionAsync(ProvisioningPlan.For(new Security1("abcd1234"), new WifiCredentials("myssid", "wrong-pass"))));
        Assert.Equal(WifiFailureReason.AuthError, failed.Reason);
        await client.ResetWifiAsync();
        await client.SetWifiConfigAsync(new WifiCredentials("myssid", "mypassword"));
        await client.ApplyWifiConfigAsync();
        Assert.Equal("192.168.1.42", (await client.WaitForConnectionAsync()).IPAddress.ToString());
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task UnknownSsid_IsNetworkNotFound()
    {
        await using var bench = await BleBench.StartAsync();
        var (_, client) = bench.Connect();
        await using var _ = client;
        var failed = await Assert.ThrowsAsync<WifiConnectionFailedException>(() => client.ProvisionAsync(ProvisioningPlan.For(new Security1("abcd1234"), new WifiCredentials("other", "x"))));
        Assert.Equal(WifiFailureReason.NetworkNotFound, failed.Reason);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Scan_WithMoreNetworksThanOneBlePage_ReadsEveryPage()
    {
        var networks = Enumerable.Range(1, 11).Select(i => SimulatedNetwork.Parse($"network-with-a-long-name-{i:00}:pass{i};rssi={-30 - i};channel={i}")).ToArray();
        await using var bench = await BleBench.StartAsync(networks: networks, stack: BleStack.Bluedroid);
        var (transport, client) = bench.Connect();
        await using var _ = client;
        Assert.Equal(257, transport.MaxResponseBytes);
        Assert.Equal(4, WifiScanReader.ScanPageSize(transport.MaxResponseBytes));
        await client.EstablishSessionAsync(new Security1("abcd1234"));
        var found = await client.ScanAsync();
        Assert.Equal(networks.Select(n => n.Ssid).Order(), found.Select(n => n.Ssid).Order());
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task CustomData_RoundTrips()
    {
        await using var bench = await BleBench.StartAsync();
        var (_, client) = bench.Connect();
        await using var _ = client;
        await client.EstablishSessionAsync(new Security1("abcd1234"));
        Assert.Equal("SUCCESS\0"u8.ToArray(), await client.SendDataAsync(Endpoints.CustomData, Encoding.UTF8.GetBytes("hello")));
        Assert.Equal("hello", Encoding.UTF8.GetString(bench.Device.CustomData.Single()));
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Reprov_WithAutoStopDisabled_IsAccepted()
    {
        await using var bench = await BleBench.StartAsync(autoStop: false);
        var (_, client) = bench.Connect();
        await using var _ = client;
        await client.EstablishSessionAsync(new Security1("abcd1234"));
        await client.ReprovisionAsync();
    }

    [RequiresTheory(Prerequisite.DbusDaemon)]
    [InlineData(BleStack.NimBle)]
    [InlineData(BleStack.Bluedroid)]
    public async Task LinkDroppedBetweenSteps_ReconnectsWithANewHandshake_NeverAResend(BleStack stack)
    {
        await using var bench = await BleBench.StartAsync(stack: stack);
        var (transport, client) = bench.Connect();
        await using var _ = client;
        await client.EstablishSessionAsync(new Security1("abcd1234"));
        var sessions = bench.Device.SessionsCreated;
        Assert.Equal(1, bench.Device.DropConnections());
        await using (var central = await TestCentral.StartAsync(bench.Bluez.BusAddress))
        {
            // BlueZ reports the drop asynchronously, as a real link loss: wait until the central side has seen it.
            var device = central.FindDevice(d => d["Alias"].GetString() == bench.Name)!;
            await central.WaitForAsync(c => c.Is(device, "org.bluez.Device1", "Connected", false) ? "" : null, "link down", BleBench.Timeout);
        }

        await client.SetWifiConfigAsync(new WifiCredentials("myssid", "mypassword"));
        await client.ApplyWifiConfigAsync();
        Assert.Equal("192.168.1.42", (await client.WaitForConnectionAsync()).IPAddress.ToString());
        Assert.Equal(2, transport.LinksOpened);
        Assert.Equal(sessions + 1, bench.Device.SessionsCreated);
        Assert.Single(bench.Device.Requests, r => r.Endpoint == Endpoints.Config && r.RequestBytes > 10); // set-config went out once
    }

    [RequiresTheory(Prerequisite.DbusDaemon)]
    [InlineData(Endpoints.ProtoVer)]
    [InlineData(Endpoints.Session)]
    [InlineData(Endpoints.Config)]
    public async Task LinkLostDuringARequest_IsClosedWithoutResponse_AndTheNextLinkIsNew(string endpoint)
    {
        await using var bench = await BleBench.StartAsync(stack: BleStack.Bluedroid);
        var (transport, client) = bench.Connect();
        await using var _ = client;
        if (endpoint == Endpoints.Config)
        {
            await client.EstablishSessionAsync(new Security1("abcd1234"));
        }

        bench.Device.Faults.CloseConnectionOnNext(endpoint);
        var send = endpoint switch
        {
            Endpoints.ProtoVer => transport.SendAsync(endpoint, "ESP"u8.ToArray()),
            Endpoints.Session => client.EstablishSessionAsync(new Security1("abcd1234")),
            _ => client.SetWifiConfigAsync(new WifiCredentials("myssid", "mypassword")),
        };
        var ex = await Assert.ThrowsAnyAsync<ProvisioningException>(() => send);
        var failure = ex as TransportException ?? ex.InnerException as TransportException;
        Assert.NotNull(failure);
        Assert.True(failure.IsLinkLevel, failure.Message);
        var link = await transport.PrepareAsync(Endpoints.ProtoVer);
        Assert.Equal(2, link.Generation);
        Assert.False(link.SessionSurvivesNewLink);
        Assert.Null(bench.Device.PendingCredentials);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task DeviceGoneAfterApply_IsOutcomeUnknown()
    {
        await using var bench = await BleBench.StartAsync(connectDelay: TimeSpan.FromSeconds(30));
        var transport = new BleTransport(bench.Options());
        await using var client = new ProvisioningClient(transport, new ProvisioningClientOptions
        {
            Polling = StatusPolling.Default with { ReconnectWindow = TimeSpan.FromMilliseconds(500) },
        }, ownsTransport: true);
        await client.EstablishSessionAsync(new Security1("abcd1234"));
        await client.SetWifiConfigAsync(new WifiCredentials("myssid", "mypassword"));
        await client.ApplyWifiConfigAsync();
        await bench.Device.StopAsync(); // firmware stops BLE: the link drops and advertising ends
        var ex = await Assert.ThrowsAsync<StatusUnknownException>(() => client.WaitForConnectionAsync());
        Assert.Equal(StatusOutcome.Unknown, ex.Outcome);
        Assert.Contains("probably joined", ex.Message, StringComparison.Ordinal);
    }
}
