using EspProv.Tests.Support;
using EspProv.Device;

namespace EspProv.Tests.Cli;

/// <summary>Bad input gets one clear line and its exit code, never a stack trace, and nothing is sent.</summary>
public sealed class CliUsageTests
{
    private static void AssertOneLineError(CliResult r, int code, string fragment)
    {
        Assert.True(r.ExitCode == code, r.ToString());
        var first = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0];
        Assert.StartsWith("esp-prov: ", first, StringComparison.Ordinal);
        Assert.Contains(fragment, first, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingSsid_IsUsageError()
    {
        var r = await CliHarness.RunAsync("--softap_endpoint", "127.0.0.1:9");
        AssertOneLineError(r, 64, "--ssid is required");
        Assert.StartsWith("==== Esp_Prov Version: V0.1 ====", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecVer5_IsBadSecurityVersion()
    {
        var r = await CliHarness.RunAsync("--ssid", "x", "--sec_ver", "5");
        AssertOneLineError(r, 1, "invalid security version 5");
        Assert.Contains("---- Invalid Security Version ----", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomVerNotANumber_IsUsageError()
    {
        var r = await CliHarness.RunAsync("--ssid", "x", "--custom_ver", "abc");
        AssertOneLineError(r, 64, "'abc'");
    }

    [Fact]
    public async Task UnknownFlag_IsUsageError()
    {
        var r = await CliHarness.RunAsync("--ssid", "x", "--frobnicate");
        AssertOneLineError(r, 64, "--frobnicate");
    }

    [Fact]
    public async Task EndpointNonsense_IsExit2()
    {
        var r = await CliHarness.RunAsync("--ssid", "x", "--softap_endpoint", "nonsense:abc");
        AssertOneLineError(r, 2, "invalid endpoint");
        Assert.Contains("---- Invalid provisioning mode ----", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SsidOver32Bytes_IsUsageError()
    {
        var r = await CliHarness.RunAsync("--ssid", new string('s', 33));
        AssertOneLineError(r, 64, "SSID must be 1 to 32 bytes");
    }

    [Fact]
    public async Task PassphraseOver64Bytes_IsUsageError_WithoutEchoingIt()
    {
        var secret = new string('p', 65);
        var r = await CliHarness.RunAsync("--ssid", "x", "--passphrase", secret);
        AssertOneLineError(r, 64, "passphrase must be at most 64 bytes");
        Assert.DoesNotContain(secret, r.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_IsExit2()
    {
        var r = await CliHarness.RunAsync("--ssid", "x", "--softap_endpoint", "127.0.0.1:1", "--timeout", "5");
        AssertOneLineError(r, 2, "connection refused");
    }

    [Fact]
    public async Task ServiceNameAndEndpointDisagreeing_IsUsageError()
    {
        var r = await CliHarness.RunAsync("--ssid", "x", "--softap_endpoint", "10.0.0.1:80", "--service_name", "10.0.0.2:80");
        AssertOneLineError(r, 64, "disagree");
    }

    [Fact]
    public async Task BleTransport_WithoutServiceNameOrTerminal_IsUsageError()
    {
        var r = await CliHarness.RunAsync("--ssid", "x", "--transport", "ble");
        AssertOneLineError(r, 64, "--service_name is required with --transport ble");
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"ver\":\"v1\",\"name\":\"PROV_1\",\"transport\":\"thread\"}")]
    public async Task BadQrPayload_IsUsageError(string qr)
    {
        var r = await CliHarness.RunAsync("--ssid", "x", "--qr", qr);
        AssertOneLineError(r, 64, "QR payload");
    }

    [Fact]
    public async Task Sec2GenCred_PrintsCArrays()
    {
        var r = await CliHarness.RunAsync("--sec_ver", "2", "--sec2_gen_cred", "--sec2_username", "wifiprov", "--sec2_pwd", "abcd1234");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("sec2_salt[] = {", r.Output, StringComparison.Ordinal);
        Assert.Contains("sec2_verifier[] = {", r.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("abcd1234", r.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sec2GenCred_WithoutSec2_IsUsageError()
    {
        var r = await CliHarness.RunAsync("--sec2_gen_cred", "--sec2_username", "u", "--sec2_pwd", "p");
        AssertOneLineError(r, 64, "--sec_ver 2");
    }

    [Fact]
    public async Task Help_ListsEspProvFlags()
    {
        var r = await CliHarness.RunAsync("--help");
        Assert.Equal(0, r.ExitCode);
        foreach (var flag in new[] { "--ssid", "--passphrase", "--sec_ver", "--pop", "--proto_ver", "--softap_endpoint", "--custom_config", "--custom_info", "--custom_ver", "--verbose" })
        {
            Assert.Contains(flag, r.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CommandTree_BuildsOnlyTheSubcommandTheArgumentsName_AndTheRootListsThemAll()
    {
        var app = new EspProv.Cli.CliApp(TextWriter.Null, TextWriter.Null);
        static int OptionCount(System.CommandLine.RootCommand root, string name) => root.Subcommands.Single(c => c.Name == name).Options.Count;

        var plain = app.BuildRoot(["--ssid", "x"]);
        Assert.Equal(["simulate", "doctor", "batch", "web"], plain.Subcommands.Select(c => c.Name));
        Assert.All(plain.Subcommands, c => Assert.False(string.IsNullOrEmpty(c.Description)));
        Assert.All(["simulate", "doctor", "batch", "web"], name => Assert.Equal(0, OptionCount(plain, name)));

        var batch = app.BuildRoot(["batch", "report", "--help"]);
        Assert.NotEqual(0, OptionCount(batch, "batch"));
        Assert.Equal(0, OptionCount(batch, "simulate"));
        Assert.Equal(plain.Subcommands.Select(c => c.Description), batch.Subcommands.Select(c => c.Description));

        // A response file may name any command.
        Assert.All(["simulate", "doctor", "batch", "web"], name => Assert.NotEqual(0, OptionCount(app.BuildRoot(["@args.rsp"]), name)));
    }

    [Theory]
    [InlineData("simulate", "--listen")]
    [InlineData("doctor", "--interface")]
    [InlineData("batch", "--manifest")]
    [InlineData("web", "--listen")]
    public async Task SubcommandHelp_ShowsItsOwnOptions(string command, string option)
    {
        var r = await CliHarness.RunAsync(command, "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains(option, r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyValueAfterEquals_IsItsOwnToken()
    {
        Assert.Equal(["--pop", string.Empty, "--ssid", "x", "--timeout=5", "=", "--"], EspProv.Cli.CliApp.ExpandEmptyValues(["--pop=", "--ssid", "x", "--timeout=5", "=", "--"]));
    }

    [Fact]
    public async Task EmptyPopAfterEquals_MeansNoPop_AndTheNextFlagKeepsItsValue()
    {
        await using var device = await TestDevice.Http().Security(new EspProv.Device.Security.DeviceSecurity1(string.Empty)).StartAsync();
        var r = await CliHarness.RunAsync("--softap_endpoint", $"127.0.0.1:{device.EndPoint.Port}", "--ssid", "myssid", "--passphrase", "mypassword",
            "--sec_ver", "1", "--pop=", "--timeout", "20");
        Assert.True(r.ExitCode == 0, r.ToString());
    }
}
