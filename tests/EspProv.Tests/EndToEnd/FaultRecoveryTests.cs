using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Tests.Cli;
using EspProv.Tests.Support;
using EspProv.Transport;
using EspProv.Transport.Http;

namespace EspProv.Tests.EndToEnd;

/// <summary>A device closing the connection mid-session, at each kind of step: the right error, or recovery where it is safe.</summary>
public sealed class FaultRecoveryTests
{
    private static TestDevice NewDevice => TestDevice.Http().Security(new DeviceSecurity1("abcd1234")).ConnectDelayMs(20);

    private static string[] Args(SimulatedDevice d) =>
        ["--softap_endpoint", $"127.0.0.1:{d.EndPoint.Port}", "--ssid", "myssid", "--passphrase", "mypassword", "--pop", "abcd1234", "--sec_ver", "1"];

    [Fact]
    public async Task ProtoVerDropped_IsRetried_AndProvisioningSucceeds()
    {
        await using var device = await NewDevice.StartAsync();
        device.Faults.CloseConnectionOnNext(Endpoints.ProtoVer);
        var r = await CliHarness.RunAsync(Args(device));
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [Theory]
    [InlineData(DeviceFlavor.Idf)]
    [InlineData(DeviceFlavor.Esp8266)]
    public async Task SessionDroppedAtCommand0_Exits4(DeviceFlavor flavor)
    {
        await using var device = await NewDevice.Flavor(flavor).StartAsync();
        device.Faults.CloseConnectionOnNext(Endpoints.Session);
        var r = await CliHarness.RunAsync(Args(device));
        Assert.True(r.ExitCode == 4, r.ToString());
        Assert.Contains("Command0", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetConfigDropped_Exits6_AndNothingWasStored()
    {
        await using var device = await NewDevice.StartAsync();
        device.Faults.CloseConnectionOnNext(Endpoints.Config);
        var r = await CliHarness.RunAsync(Args(device));
        Assert.True(r.ExitCode == 6, r.ToString());
        Assert.Contains("prov-config", r.Error, StringComparison.Ordinal);
        Assert.Null(device.PendingCredentials);
        Assert.Null(device.AppliedCredentials);
    }

    [Fact]
    public async Task SetConfigHttp500_Exits6()
    {
        await using var device = await NewDevice.StartAsync();
        device.Faults.RespondHttpStatusOnNext(Endpoints.Config, 500);
        var r = await CliHarness.RunAsync(Args(device));
        Assert.True(r.ExitCode == 6, r.ToString());
        Assert.Contains("HTTP 500", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAnswerLost_IsApplyFailure_AndApplyIsNotResent()
    {
        await using var device = await NewDevice.StartAsync();
        var transport = new HttpTransport(new DeviceAddress("127.0.0.1", device.EndPoint.Port, false));
        await using var client = new ProvisioningClient(transport, ownsTransport: true);
        await client.EstablishSessionAsync(new Security1("abcd1234"));
        await client.SetWifiConfigAsync(new WifiCredentials("myssid", "mypassword"));
        device.Faults.CloseConnectionOnNext(Endpoints.Config, afterProcessing: true);
        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => client.ApplyWifiConfigAsync());
        Assert.Equal(ProvisioningStep.ApplyConfig, ex.Step);
        Assert.False(client.HasSession);
        Assert.NotNull(device.AppliedCredentials);
        Assert.Single(device.Requests, r => r.Endpoint == Endpoints.Config && r.RequestBytes == 2 && r.Closed);
    }

    [Fact]
    public async Task StatusPollDropped_RecoversWithANewSession()
    {
        await using var device = await NewDevice.StartAsync();
        var transport = new HttpTransport(new DeviceAddress("127.0.0.1", device.EndPoint.Port, false));
        await using var client = new ProvisioningClient(transport, ownsTransport: true);
        await client.EstablishSessionAsync(new Security1("abcd1234"));
        await client.SetWifiConfigAsync(new WifiCredentials("myssid", "mypassword"));
        await client.ApplyWifiConfigAsync();
        var sessionsBefore = device.SessionsCreated;
        device.Faults.CloseConnectionOnNext(Endpoints.Config);
        var info = await client.WaitForConnectionAsync();
        Assert.Equal(System.Net.IPAddress.Parse("192.168.1.42"), info.IPAddress);
        Assert.True(device.SessionsCreated > sessionsBefore);
    }

    [Fact]
    public async Task DeviceGoneAfterApply_IsOutcomeUnknown_Exit9()
    {
        await using var device = await NewDevice.StartAsync();
        var transport = new HttpTransport(new DeviceAddress("127.0.0.1", device.EndPoint.Port, false));
        await using var client = new ProvisioningClient(transport, new ProvisioningClientOptions
        {
            Polling = StatusPolling.Default with { ReconnectWindow = TimeSpan.FromMilliseconds(500) },
        }, ownsTransport: true);
        await client.EstablishSessionAsync(new Security1("abcd1234"));
        await client.SetWifiConfigAsync(new WifiCredentials("myssid", "mypassword"));
        await client.ApplyWifiConfigAsync();
        await device.StopAsync(); // the soft AP goes away with the channel switch
        var ex = await Assert.ThrowsAsync<StatusUnknownException>(() => client.WaitForConnectionAsync());
        Assert.Equal(StatusOutcome.Unknown, ex.Outcome);
        Assert.Contains("probably joined", ex.Message, StringComparison.Ordinal);
    }
}
