using EspProv.Cli;

namespace EspProv.Tests.Cli;

/// <summary>
/// <c>--join</c>'s flags, their precedence and usage errors, and the line it ends with where NetworkManager is missing.
/// Joining is tested against the real daemons in the guest lab (tests/guest).
/// </summary>
public sealed class CliJoinTests
{
    private const string NoBus = "unix:path=/nonexistent/espprov-nm-bus";

    [Theory]
    [InlineData("--transport", "ble")]
    [InlineData("--interface", "eth0")]
    [InlineData("--simulate", null)]
    public async Task Join_WithAConflictingFlag_IsAUsageError(string flag, string? value)
    {
        string[] args = value is null ? ["--join", "PROV_1A2B3C", flag, "--ssid", "a", "--passphrase", "bbbbbbbb"] : ["--join", "PROV_1A2B3C", flag, value, "--ssid", "a"];
        var result = await RunAsync(args);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--join", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_WithoutNetworkManager_EndsWithOneLine_Exit2()
    {
        var result = await RunAsync("--join", "PROV_1A2B3C", "--join-passphrase", "ap-secret-1", "--ssid", "home", "--passphrase", "home-secret", "-v");
        Assert.Equal(ExitCodes.NoConnection, result.ExitCode);
        Assert.Contains("---- Failed to join the device's Wi-Fi network ----", result.Output, StringComparison.Ordinal);
        Assert.Contains("esp-prov: joining needs NetworkManager", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ap-secret-1", result.All, StringComparison.Ordinal);
        Assert.DoesNotContain("home-secret", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JoinPassphraseFile_Unreadable_IsAUsageError_NamingTheFlag()
    {
        var result = await RunAsync("--join", "PROV_1A2B3C", "--join-passphrase-file", "/nonexistent/ap-pass", "--ssid", "a");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--join-passphrase-file: cannot read '/nonexistent/ap-pass': no such file", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void JoinPassphrase_Precedence_FlagThenFileThenVariable()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "from-the-file\n");
            Func<string, string?> env = v => v == "ESP_PROV_JOIN_PASSPHRASE" ? "from-the-variable" : null;
            Assert.Equal("from-the-flag", CliHarness.Settings(env, "--join", "P", "--join-passphrase", "from-the-flag", "--join-passphrase-file", file).Join!.Passphrase);
            Assert.Equal("from-the-file", CliHarness.Settings(env, "--join", "P", "--join-passphrase-file", file).Join!.Passphrase);
            Assert.Equal("from-the-variable", CliHarness.Settings(env, "--join", "P").Join!.Passphrase);
            Assert.Null(CliHarness.Settings(_ => null, "--join", "P").Join!.Passphrase);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Qr_SoftApName_JoinsThatNetwork_UnlessJoinOrSimulateSaysOtherwise()
    {
        const string Qr = """{"ver":"v1","name":"PROV_QR1234","pop":"abcd1234","transport":"softap"}""";
        var fromQr = CliHarness.Settings(_ => null, "--qr", Qr).Join!;
        Assert.Equal("PROV_QR1234", fromQr.Ssid);
        Assert.True(fromQr.FromQr);
        Assert.Equal("PROV_OTHER", CliHarness.Settings(_ => null, "--qr", Qr, "--join", "PROV_OTHER").Join!.Ssid);
        Assert.Null(CliHarness.Settings(_ => null, "--qr", Qr, "--simulate").Join!.Ssid);
        Assert.Null(CliHarness.Settings(_ => null, "--qr", """{"ver":"v1","name":"PROV_B","pop":"x","transport":"ble"}""").Join!.Ssid);
    }

    [Fact]
    public async Task Qr_SoftApName_WhereJoiningIsNotPossible_KeepsTheOldHint_AndGoesOn()
    {
        const string Qr = """{"ver":"v1","name":"PROV_QR1234","pop":"abcd1234","transport":"softap"}""";
        // Nothing listens on this port: the run goes on past the join to the connection, which fails (exit 2).
        var result = await RunAsync("--qr", Qr, "--softap_endpoint", "127.0.0.1:9", "--ssid", "a", "--passphrase", "bbbbbbbb", "--timeout", "5");
        Assert.Contains("Device soft AP (from the QR payload): 'PROV_QR1234': join this Wi-Fi network before provisioning", result.Output, StringComparison.Ordinal);
        Assert.Contains("connect failed", result.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NoConnection, result.ExitCode);
    }

    private static async Task<CliResult> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new CliApp(output, error, new ScriptedTerminal(), _ => null) { BleBusAddress = NoBus }.RunAsync(args);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}
