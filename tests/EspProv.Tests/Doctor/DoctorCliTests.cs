using System.Text.Json;
using EspProv.Cli;
using EspProv.Cli.Doctor;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Exceptions;
using EspProv.Tests.Cli;
using EspProv.Tests.Support;
using EspProv.Transport;

namespace EspProv.Tests.Doctor;

/// <summary>
/// <c>esp-prov doctor</c> against the simulated device in each failure mode: the verdict line, the failed check and
/// the exit code provisioning would end with. Loopback endpoints, so the soft-AP network checks are skipped here
/// (they are tested with injected interface data in <see cref="DoctorNetworkChecksTests"/>).
/// </summary>
public sealed class DoctorCliTests
{
    private static TestDevice NewDevice => TestDevice.Http().Networks(SimulatedNetwork.Parse("home:secret123;channel=11;rssi=-45"));

    private static string[] Doctor(SimulatedDevice d, params string[] more) => ["doctor", "--timeout", "10", "--softap_endpoint", $"127.0.0.1:{d.EndPoint.Port}", .. more];

    [Fact]
    public async Task Doctor_WithRightPopAndVisibleNetwork_Exits0_AndSendsNoWifiConfig()
    {
        await using var d = await NewDevice.Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var result = await CliHarness.RunAsync(Doctor(d, "--pop", "abcd1234", "--ssid", "home"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("[passed] session:", result.Output);
        Assert.Contains("[passed] ssid: the device sees 'home' on channel 11", result.Output);
        Assert.Contains("verdict: provisioning should work", result.Output);
        Assert.Null(d.PendingCredentials);
        Assert.Null(d.AppliedCredentials);
    }

    [Fact]
    public async Task Doctor_NothingListening_Exits2_AtTcp()
    {
        int port;
        await using (var gone = await NewDevice.Security(DeviceSecurity0.Instance).StartAsync())
        {
            port = gone.EndPoint.Port;
        }

        var result = await CliHarness.RunAsync("doctor", "--timeout", "5", "--softap_endpoint", $"127.0.0.1:{port}");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("[failed] tcp:", result.Output);
        Assert.Contains("refused the connection", result.Output);
        Assert.Contains("[skipped] session:", result.Output);
        Assert.Contains("verdict: no connection to the device (exit 2)", result.Output);
    }

    [Fact]
    public async Task Doctor_HttpServerThatIsNotADevice_Exits3_AtProtoVer()
    {
        await using var server = new ScriptedServer(async c =>
        {
            while (await c.ReadRequestAsync() is not null)
            {
                await c.SendAsync(HttpFraming.Response(404, "Not Found", "not found"));
            }
        });
        var result = await CliHarness.RunAsync("doctor", "--timeout", "5", "--softap_endpoint", server.Endpoint, "--pop", "abcd1234");
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("[passed] tcp:", result.Output);
        Assert.Contains("[failed] proto_ver: an HTTP server answers with status 404, but it is not a provisioning device", result.Output);
        Assert.Contains("verdict: not a provisioning device", result.Output);
    }

    [Fact]
    public async Task Doctor_WrongPop_Exits4_SayingWrongPop()
    {
        await using var d = await NewDevice.Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var result = await CliHarness.RunAsync(Doctor(d, "--pop", "wrong-pop"));
        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("[failed] session: the device rejected the proof (Command1): wrong proof of possession (PoP)?", result.Output);
        Assert.DoesNotContain("scheme mismatch", result.Output);
    }

    [Fact]
    public async Task Doctor_WrongSec2Password_Exits4_SayingWrongUsernameOrPassword()
    {
        await using var d = await NewDevice.Security(DeviceSecurity2.FromPassword("wifiprov", "abcd1234")).StartAsync();
        var result = await CliHarness.RunAsync(Doctor(d, "--sec2_username", "wifiprov", "--sec2_pwd", "wrong-password"));
        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("[failed] session: the device rejected the proof (Command1): wrong username or password?", result.Output);
    }

    [Theory]
    [InlineData(1, "0")]
    [InlineData(1, "2")]
    [InlineData(2, "1")]
    [InlineData(0, "1")]
    public async Task Doctor_SchemeMismatch_Exits4_AtCommand0_NotAsWrongCredentials(int deviceScheme, string clientScheme)
    {
        IDeviceSecurity security = deviceScheme switch
        {
            0 => DeviceSecurity0.Instance,
            1 => new DeviceSecurity1("abcd1234"),
            _ => DeviceSecurity2.FromPassword("wifiprov", "abcd1234"),
        };
        await using var d = await NewDevice.Security(security).StartAsync();
        var result = await CliHarness.RunAsync(Doctor(d, "--sec_ver", clientScheme, "--pop", "abcd1234", "--sec2_username", "wifiprov", "--sec2_pwd", "abcd1234"));
        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("(Command0): it does not use security " + clientScheme + " (scheme mismatch)", result.Output);
        Assert.Contains($"use --sec_ver {deviceScheme}", result.Output);
        Assert.DoesNotContain("wrong", result.Output);
    }

    [Fact]
    public async Task Doctor_NetworkTheDeviceDoesNotSee_Exits8_WithThe5GHzHint()
    {
        await using var d = await NewDevice.Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var result = await CliHarness.RunAsync(Doctor(d, "--pop", "abcd1234", "--ssid", "office-5G"));
        Assert.True(result.ExitCode == 8, result.ToString());
        Assert.Contains("[failed] ssid: the device does not see 'office-5G'", result.Output);
        Assert.Contains("5 GHz", result.Output);
    }

    [Fact]
    public async Task Doctor_WithoutTheNeededPop_SkipsTheSessionWithAWarning_AndExits0()
    {
        await using var d = await NewDevice.Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var result = await CliHarness.RunAsync(Doctor(d));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("[warning] session: skipped: the device needs a proof of possession (PoP)", result.Output);
        Assert.Contains("verdict: provisioning should work (1 warning above)", result.Output);
    }

    [Fact]
    public async Task Doctor_Sec2WithoutCredentials_SkipsTheSessionWithAWarning()
    {
        await using var d = await NewDevice.Security(DeviceSecurity2.FromPassword("wifiprov", "abcd1234")).StartAsync();
        var result = await CliHarness.RunAsync(Doctor(d));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("[warning] session: skipped: security 2 needs a username and password", result.Output);
    }

    [Fact]
    public async Task Doctor_Json_WritesOneCheckEventPerCheck_AndAVerdict()
    {
        await using var d = await NewDevice.Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var result = await CliHarness.RunAsync(Doctor(d, "--json", "--pop", "wrong-pop"));
        Assert.True(result.ExitCode == 4, result.ToString());
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(events, e => Assert.Equal(1, e.GetProperty("v").GetInt32()));
        Assert.All(lines, l => Assert.DoesNotContain("\": ", l));
        var checks = events.Where(e => e.GetProperty("event").GetString() == "check").ToList();
        Assert.Equal(["interfaces", "subnet", "route", "wifi_network", "tcp", "proto_ver", "firmware", "session", "ssid"],
            checks.Select(c => c.GetProperty("check").GetString()));
        var session = checks.Single(c => c.GetProperty("check").GetString() == "session");
        Assert.Equal("failed", session.GetProperty("status").GetString());
        Assert.Equal(4, session.GetProperty("exit_code").GetInt32());
        var verdict = events[^1];
        Assert.Equal("verdict", verdict.GetProperty("event").GetString());
        Assert.Equal("failed", verdict.GetProperty("status").GetString());
        Assert.Equal(4, verdict.GetProperty("exit_code").GetInt32());
        Assert.Equal("session", verdict.GetProperty("failed_check").GetString());
    }

    [Fact]
    public async Task Doctor_ConnectFailingAfterTheTcpCheck_Exits2_AtConnect_AsProvisioningWould()
    {
        await using var d = await NewDevice.Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var output = new StringWriter();
        var report = new DoctorReport(output, json: false);
        var settings = new ProvisionSettings { Endpoint = $"127.0.0.1:{d.EndPoint.Port}", Pop = "abcd1234", TimeoutSeconds = 10 };
        var code = await new DoctorRunner(report, new SystemNetworkInfo(), t => new PrepareFails(t)).RunAsync(new DoctorSettings(settings, null, false), CancellationToken.None);
        Assert.True(code == 2, output.ToString());
        Assert.Contains("[passed] tcp:", output.ToString());
        Assert.Contains("[failed] connect: connect failed: the device went away", output.ToString());
        Assert.Contains("[skipped] proto_ver:", output.ToString());
    }

    /// <summary>A transport whose connect fails: the device left between the tcp check and provisioning's connect step.</summary>
    private sealed class PrepareFails(IProvisioningTransport inner) : IProvisioningTransport
    {
        public int MaxResponseBytes => inner.MaxResponseBytes;

        public ValueTask<TransportLink> PrepareAsync(string endpoint, CancellationToken cancellationToken = default) =>
            throw new TransportException(TransportFailure.ConnectionRefused, endpoint, "the device went away");

        public Task<byte[]> SendAsync(string endpoint, ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default) => inner.SendAsync(endpoint, request, cancellationToken);

        public ValueTask ResetAsync(CancellationToken cancellationToken = default) => inner.ResetAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    [Fact]
    public async Task Doctor_UnknownInterface_IsAUsageError()
    {
        var result = await CliHarness.RunAsync("doctor", "--interface", "no-such-if0", "--softap_endpoint", "127.0.0.1:1");
        Assert.True(result.ExitCode == 64, result.ToString());
        Assert.Contains("no network interface named 'no-such-if0'", result.Output);
    }
}
