using System.Text;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Tests.Device.Support;
using EspProv.Tests.Logging;
using EspProv.Tests.Support;
using EspProv.Transport;
using EspProv.Transport.Console;

namespace EspProv.Tests.SerialConsole;

/// <summary>
/// The console transport against the simulated device's console on a pseudo-terminal: whole flows, failures of a step,
/// input that is no answer, limits, ports that cannot be opened.
/// </summary>
public sealed class ConsoleTransportTests
{
    private static readonly WifiCredentials Credentials = new("myssid", "mypassword");

    private static TestDevice NewDevice(IDeviceSecurity security) => TestDevice.InMemory().Security(security).ConnectDelayMs(20);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task WholeFlow_Sec0AndSec1_JoinsTheNetwork(int scheme)
    {
        await using var device = ConsoleDevice.Start(NewDevice(scheme == 0 ? new DeviceSecurity0() : new DeviceSecurity1("abcd1234")));
        await using var client = new ProvisioningClient(device.Client(), ownsTransport: true);

        var outcome = await client.ProvisionAsync(ProvisioningPlan.For(scheme == 0 ? Security0.Instance : new Security1("abcd1234"), Credentials));
        var info = Assert.IsType<WifiConnectionInfo>(outcome.Connection);

        Assert.Equal("myssid", info.Ssid);
        Assert.Equal(System.Net.IPAddress.Parse("192.168.1.42"), info.IPAddress);
        Assert.Equal(1, device.Device.AppliesReceived);
        Assert.All(device.Device.Requests, r => Assert.Equal(("console", DeviceRequestOutcome.Answered), (r.FrontEnd, r.Outcome)));
    }

    [Fact]
    public async Task WrongPop_DevicePrintsNoReply_SessionFailsAsCredentialsRejected()
    {
        await using var device = ConsoleDevice.Start(NewDevice(new DeviceSecurity1("abcd1234")));
        await using var client = new ProvisioningClient(device.Client(), ownsTransport: true);

        var ex = await Assert.ThrowsAsync<SessionFailedException>(() => client.ProvisionAsync(ProvisioningPlan.For(new Security1("wrong-pop"), Credentials)));

        Assert.Equal((SessionFailureReason.CredentialsRejected, HandshakeStage.Command1), (ex.Reason, ex.HandshakeStage));
        Assert.Equal(TransportFailure.ClosedWithoutResponse, Assert.IsType<ConsoleTransportException>(ex.InnerException).Failure);
        Assert.Equal(DeviceRequestOutcome.Closed, device.Device.Requests[^1].Outcome);
        Assert.Equal(0, device.Device.AppliesReceived);
    }

    [Fact]
    public async Task LogLinesBetweenEchoAndReply_AreSkipped()
    {
        await using var device = ConsoleDevice.Start(NewDevice(new DeviceSecurity1("abcd1234")));
        var logs = new CapturingLoggerFactory();
        await using var client = new ProvisioningClient(device.Client(new ConsoleTransportOptions { LoggerFactory = logs }), ownsTransport: true);

        await client.ProvisionAsync(ProvisioningPlan.For(new Security1("abcd1234"), Credentials));

        // Set-config and apply make the device log before it replies ("credentials received", "applying").
        var skipped = logs.Entries.Where(e => e.EventId.Id == 301).Select(e => (int)e.State.Single(kv => kv.Key == "SkippedLogLines").Value!).ToList();
        Assert.True(skipped.Count(n => n > 0) >= 2, $"log lines skipped per exchange: {string.Join(", ", skipped)}");
    }

    [Fact]
    public async Task LeftoverOutput_BeforeAndAfterOpening_IsNeverTakenForAReply()
    {
        await using var device = ConsoleDevice.Start(NewDevice(new DeviceSecurity0()));
        const string Stale = "\u001b[0;32mI (99) boot: stale\u001b[0m\r\n\r\r\ndeadbeef\r\r\n\n>> half a li";
        await device.Console.WriteRawAsync(Encoding.ASCII.GetBytes(Stale));
        await using var transport = device.Client();
        await using var client = new ProvisioningClient(transport);

        await transport.PrepareAsync(Endpoints.ProtoVer);
        await device.Console.WriteRawAsync(Encoding.ASCII.GetBytes(Stale));
        var version = await client.GetVersionAsync();

        Assert.True(version.IsJson);
        Assert.Single(device.Device.Requests);
        await client.EstablishSessionAsync(Security0.Instance);
        Assert.Equal(2, device.Device.Requests.Count);
    }

    [Fact]
    public async Task OverLongRequest_IsRefusedBeforeAnythingIsWritten_AndTheLinkStaysUsable()
    {
        await using var device = ConsoleDevice.Start(NewDevice(new DeviceSecurity0()));
        await using var transport = device.Client();
        await using var client = new ProvisioningClient(transport);
        await client.EstablishSessionAsync(Security0.Instance);
        // The client has the reply before the console has printed its prompt and counted the line.
        await Eventually.UntilAsync(device.Device, () => device.Console.BytesRead == device.Console.BytesTaken, "the console dealt with the session line");
        var readBefore = device.Console.BytesRead;

        Assert.Equal(120, transport.GetMaxRequestBytes(Endpoints.Session));
        Assert.Equal(120, transport.GetMaxRequestBytes(Endpoints.CustomData));
        var ex = await Assert.ThrowsAsync<ConsoleTransportException>(() => client.SendDataAsync(Endpoints.CustomData, new byte[121]));

        Assert.Equal(TransportFailure.RequestTooLarge, ex.Failure);
        Assert.Contains("at most 255", ex.Message, StringComparison.Ordinal);
        Assert.Equal(readBefore, device.Console.BytesTaken);
        // The client had encrypted the request already, so it starts a new session; the port is as it was.
        await client.EstablishSessionAsync(Security0.Instance);
        var reply = await client.SendDataAsync(Endpoints.CustomData, new byte[120]);
        Assert.NotEmpty(reply);
        Assert.Equal(120, device.Device.CustomData.Single().Length);
    }

    [Fact]
    public async Task Sec2_IsRefusedBeforeAnythingIsSent()
    {
        await using var device = ConsoleDevice.Start(NewDevice(DeviceSecurity2.FromPassword("wifiprov", "abcd1234", 1)));
        await using var client = new ProvisioningClient(device.Client(), ownsTransport: true);

        var ex = await Assert.ThrowsAsync<SessionFailedException>(() => client.ProvisionAsync(ProvisioningPlan.For(new Security2("wifiprov", "abcd1234", 1), Credentials)));

        Assert.Equal(SessionFailureReason.TransportTooSmall, ex.Reason);
        Assert.Contains("security 2 cannot run over this transport", ex.Message, StringComparison.Ordinal);
        Assert.Empty(device.Device.Requests);
        Assert.Equal(0, device.Console.BytesRead);
    }

    [Fact]
    public async Task Sec2_ChosenFromTheVersionAnswer_IsRefusedBeforeTheHandshake()
    {
        await using var device = ConsoleDevice.Start(NewDevice(DeviceSecurity2.FromPassword("wifiprov", "abcd1234", 1)));
        await using var client = new ProvisioningClient(device.Client(), ownsTransport: true);

        var ex = await Assert.ThrowsAsync<SessionFailedException>(() => client.ProvisionAsync(new ProvisioningPlan
        {
            ChooseSecurity = (_, _) => ValueTask.FromResult<ISecurity>(new Security2("wifiprov", "abcd1234", 1)),
            Credentials = ProvisioningPlan.Fixed(Credentials),
        }));

        Assert.Equal(SessionFailureReason.TransportTooSmall, ex.Reason);
        Assert.Equal(Endpoints.ProtoVer, Assert.Single(device.Device.Requests).Endpoint);
    }

    [Fact]
    public async Task ScanAndCustomData_WorkOverTheConsole()
    {
        await using var device = ConsoleDevice.Start(NewDevice(new DeviceSecurity1("abcd1234")));
        await using var client = new ProvisioningClient(device.Client(), ownsTransport: true);
        await client.GetVersionAsync();
        await client.EstablishSessionAsync(new Security1("abcd1234"));

        var networks = await client.ScanAsync();
        var reply = await client.SendDataAsync(Endpoints.CustomData, "hello"u8.ToArray());

        Assert.Contains(networks, n => n.Ssid == "myssid");
        Assert.Equal("hello", Encoding.UTF8.GetString(device.Device.CustomData.Single()));
        Assert.NotEmpty(reply);
    }

    [Fact]
    public async Task Reset_StartsANewSessionId_AndTheDeviceANewSession()
    {
        await using var device = ConsoleDevice.Start(NewDevice(new DeviceSecurity1("abcd1234")));
        await using var transport = device.Client();
        await using var client = new ProvisioningClient(transport);
        await client.EstablishSessionAsync(new Security1("abcd1234"));
        var first = await transport.PrepareAsync(Endpoints.Config);

        await transport.ResetAsync();
        var second = await transport.PrepareAsync(Endpoints.Session);
        await client.EstablishSessionAsync(new Security1("abcd1234"));
        await client.GetWifiStatusAsync();

        Assert.Equal((1L, 2L), (first.Generation, second.Generation));
        Assert.False(second.SessionSurvivesNewLink);
        Assert.Equal(1u, transport.SessionId);
        Assert.Equal(2, device.Device.SessionsCreated);
    }

    [Fact]
    public async Task ASilentConsole_TimesOutOnTheTransportsClock()
    {
        var time = new TestClock();
        await using var device = ConsoleDevice.Start(NewDevice(new DeviceSecurity0()));
        await device.Device.StopAsync();
        await using var transport = device.Client(new ConsoleTransportOptions { TimeProvider = time, RequestTimeout = TimeSpan.FromSeconds(5) });

        var pending = transport.SendAsync(Endpoints.ProtoVer, "V0.1"u8.ToArray());
        // Once the console has taken the line the write is done; the wait for the echo is what times out.
        await Eventually.UntilAsync(device.Device, () => device.Console.BytesRead > 0, "the console took the line");
        time.Advance(TimeSpan.FromSeconds(5));
        var ex = await Assert.ThrowsAsync<ConsoleTransportException>(() => pending);

        Assert.Equal(TransportFailure.Timeout, ex.Failure);
        Assert.Contains("did not echo the request within 5 s", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1u, transport.SessionId);
    }

    [Theory]
    [InlineData("/dev/esp-prov-no-such-port", TransportFailure.DeviceNotFound)]
    [InlineData("/dev/null", TransportFailure.InvalidAddress)]
    public async Task APortThatCannotBeOpened_FailsTheConnectStep(string port, TransportFailure failure)
    {
        await using var transport = new ConsoleTransport(port);

        var ex = await Assert.ThrowsAsync<ConsoleTransportException>(() => transport.PrepareAsync(Endpoints.ProtoVer).AsTask());

        Assert.Equal((failure, port), (ex.Failure, ex.Port));
        Assert.Contains(port, ex.Message, StringComparison.Ordinal);
    }
}
