using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Tests.Cli;
using EspProv.Tests.Support;

namespace EspProv.Tests.EndToEnd;

/// <summary>Current ESP-IDF features through the CLI: capability-driven security, sec2, scan, ctrl, custom data, QR.</summary>
public sealed class CliIdfFeatureTests
{
    private static TestDevice NewDevice => TestDevice.Http().ConnectDelayMs(20);

    private static string[] Args(SimulatedDevice d, params string[] more) => ["--softap_endpoint", $"127.0.0.1:{d.EndPoint.Port}", .. more];

    [Fact]
    public async Task Auto_NoSec_PicksSecurity0()
    {
        await using var device = await NewDevice.Security(new DeviceSecurity0()).StartAsync();
        var r = await CliHarness.RunAsync(Args(device, "--ssid", "myssid", "--passphrase", "mypassword"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Security scheme determined to be: 0", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auto_NoPop_IgnoresGivenPop_WithNote()
    {
        await using var device = await NewDevice.Security(new DeviceSecurity1(string.Empty)).StartAsync();
        var r = await CliHarness.RunAsync(Args(device, "--ssid", "myssid", "--passphrase", "mypassword", "--pop", "unneeded"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("---- Proof of Possession will be ignored ----", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auto_PopRequired_ButMissing_NonInteractive_IsUsageError()
    {
        await using var device = await NewDevice.Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var r = await CliHarness.RunAsync(Args(device, "--ssid", "myssid", "--passphrase", "mypassword"));
        Assert.True(r.ExitCode == 64, r.ToString());
        Assert.Contains("requires a proof of possession", r.Error, StringComparison.Ordinal);
        Assert.Null(device.PendingCredentials);
    }

    [Fact]
    public async Task Sec1WithoutPop_RejectedProof_TheCliNamesThePopFlag()
    {
        // A plain version answer (ESP8266) does not say that a PoP is needed: the device's refusal of the proof does.
        await using var device = await NewDevice.Flavor(DeviceFlavor.Esp8266).Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var r = await CliHarness.RunAsync(Args(device, "--ssid", "myssid", "--passphrase", "mypassword", "--sec_ver", "1"));
        Assert.True(r.ExitCode == 4, r.ToString());
        Assert.True(r.Error.Contains("the device probably requires a proof of possession): give it with --pop", StringComparison.Ordinal), r.ToString());
    }

    [Fact]
    public async Task Auto_PopRequired_IsPromptedOnATerminal()
    {
        await using var device = await NewDevice.Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var terminal = new ScriptedTerminal("abcd1234");
        var r = await CliHarness.RunAsync(terminal, Args(device, "--ssid", "myssid", "--passphrase", "mypassword"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(terminal.Prompts, p => p.Contains("Proof of Possession", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Auto_Sec2_FromSecVer_NeedsCredentials()
    {
        await using var device = await NewDevice.Security(DeviceSecurity2.FromPassword("wifiprov", "abcd1234")).StartAsync();
        var missing = await CliHarness.RunAsync(Args(device, "--ssid", "myssid", "--passphrase", "mypassword"));
        Assert.True(missing.ExitCode == 64, missing.ToString());
        Assert.Contains("--sec2_username", missing.Error, StringComparison.Ordinal);

        var ok = await CliHarness.RunAsync(Args(device, "--ssid", "myssid", "--passphrase", "mypassword", "--sec2_username", "wifiprov", "--sec2_pwd", "abcd1234"));
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("Security scheme determined to be: 2", ok.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Sec2_BothPatchVersions_Provision(int patch)
    {
        await using var device = await NewDevice.Security(DeviceSecurity2.FromPassword("wifiprov", "abcd1234", patch)).StartAsync();
        var r = await CliHarness.RunAsync(Args(device, "--sec_ver", "2", "--ssid", "myssid", "--passphrase", "mypassword", "--sec2_username", "wifiprov", "--sec2_pwd", "abcd1234"));
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [Fact]
    public async Task Sec2_WrongPassword_Exits4_SayingSo()
    {
        await using var device = await NewDevice.Security(DeviceSecurity2.FromPassword("wifiprov", "abcd1234")).StartAsync();
        var r = await CliHarness.RunAsync(Args(device, "--sec_ver", "2", "--ssid", "myssid", "--sec2_username", "wifiprov", "--sec2_pwd", "wrong-password"));
        Assert.True(r.ExitCode == 4, r.ToString());
        Assert.Contains("wrong username or password?", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", r.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Esp8266_WithoutSecVer_DefaultsTo1()
    {
        await using var device = await NewDevice.Security(new DeviceSecurity1("abcd1234")).Flavor(DeviceFlavor.Esp8266).StartAsync();
        var r = await CliHarness.RunAsync(Args(device, "--ssid", "myssid", "--passphrase", "mypassword", "--pop", "abcd1234"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain("Security scheme determined", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_PrintsTableStrongestFirst()
    {
        await using var device = await NewDevice.Security(new DeviceSecurity1("abcd1234")).Networks([SimulatedNetwork.Parse("weak:pw;rssi=-80"), SimulatedNetwork.Parse("strong:pw;rssi=-35"), SimulatedNetwork.Parse("open:;rssi=-60")]).StartAsync();
        var r = await CliHarness.RunAsync(Args(device, "--scan", "--pop", "abcd1234"));
        Assert.True(r.ExitCode == 0, r.ToString());
        var strong = r.Output.IndexOf("strong", StringComparison.Ordinal);
        var open = r.Output.IndexOf("open", StringComparison.Ordinal);
        var weak = r.Output.IndexOf("weak", StringComparison.Ordinal);
        Assert.True(strong > 0 && strong < open && open < weak, r.Output);
        Assert.Contains("WPA2_PSK", r.Output, StringComparison.Ordinal);
        Assert.Contains("####", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoSsid_OnTerminal_PicksFromScan_AndPromptsPassphrase()
    {
        await using var device = await NewDevice.Security(new DeviceSecurity1("abcd1234")).Networks([SimulatedNetwork.Parse("other:pw;rssi=-70"), SimulatedNetwork.Parse("myssid:mypassword;rssi=-40")]).StartAsync();
        var terminal = new ScriptedTerminal("1", "mypassword");
        var r = await CliHarness.RunAsync(terminal, Args(device, "--pop", "abcd1234"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(terminal.Prompts, p => p.StartsWith("Select AP by number", StringComparison.Ordinal));
        Assert.Contains(terminal.Prompts, p => p.StartsWith("Enter passphrase for myssid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoSsid_WithoutTerminal_FailsAtOnce_WithoutContactingTheDevice()
    {
        await using var device = await NewDevice.Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var r = await CliHarness.RunAsync(Args(device, "--pop", "abcd1234"));
        Assert.True(r.ExitCode == 64, r.ToString());
        Assert.Contains("--ssid is required", r.Error, StringComparison.Ordinal);
        Assert.Empty(device.Requests);
    }

    [Fact]
    public async Task WrongPassphrase_SuggestsReset_ThenResetWithNewCredentials_Succeeds()
    {
        await using var device = await NewDevice.Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var failed = await CliHarness.RunAsync(Args(device, "--ssid", "myssid", "--passphrase", "wrong-pass", "--pop", "abcd1234"));
        Assert.True(failed.ExitCode == 8, failed.ToString());
        Assert.Contains("--reset", failed.Error, StringComparison.Ordinal);

        var retry = await CliHarness.RunAsync(Args(device, "--reset", "--ssid", "myssid", "--passphrase", "mypassword", "--pop", "abcd1234"));
        Assert.True(retry.ExitCode == 0, retry.ToString());
        Assert.Contains("==== Wi-Fi config reset successfully ====", retry.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_WhenNotFailed_Exits12()
    {
        await using var device = await NewDevice.Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var r = await CliHarness.RunAsync(Args(device, "--reset", "--pop", "abcd1234"));
        Assert.True(r.ExitCode == 12, r.ToString());
        Assert.Contains("(status InternalError): wifi_provisioning firmware takes a reset only after a failed connection attempt", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_OnEsp8266_WithoutProvCtrl_Exits12()
    {
        await using var device = await NewDevice.Security(new DeviceSecurity1("abcd1234")).Flavor(DeviceFlavor.Esp8266).StartAsync();
        var r = await CliHarness.RunAsync(Args(device, "--reset", "--pop", "abcd1234", "--sec_ver", "1"));
        Assert.True(r.ExitCode == 12, r.ToString());
        Assert.Contains("prov-ctrl", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reprov_WithAutoStopDisabled_Succeeds()
    {
        await using var device = await NewDevice.Security(new DeviceSecurity1("abcd1234")).AutoStop(false).StartAsync();
        var r = await CliHarness.RunAsync(Args(device, "--reprov", "--pop", "abcd1234"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("==== Reprovisioning was successful ====", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomData_PrintsReply()
    {
        await using var device = await NewDevice.Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var r = await CliHarness.RunAsync(Args(device, "--custom_data", "hello", "--ssid", "myssid", "--passphrase", "mypassword", "--pop", "abcd1234"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("CustomData response: SUCCESS", r.Output, StringComparison.Ordinal);
        Assert.Contains("hello", device.CustomData.Select(d => System.Text.Encoding.UTF8.GetString(d)));
    }

    [Fact]
    public async Task Qr_Sec1_FillsPop_AndNamesTheSoftAp()
    {
        await using var device = await NewDevice.Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var r = await CliHarness.RunAsync(Args(device, "--qr", "{\"ver\":\"v1\",\"name\":\"PROV_1A2B3C\",\"pop\":\"abcd1234\",\"transport\":\"softap\"}",
            "--ssid", "myssid", "--passphrase", "mypassword"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("PROV_1A2B3C", r.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("abcd1234", r.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Qr_Sec2_UsesUsernameAndPopAsPassword()
    {
        await using var device = await NewDevice.Security(DeviceSecurity2.FromPassword("wifiprov", "abcd1234")).StartAsync();
        var r = await CliHarness.RunAsync(Args(device, "--qr", "{\"ver\":\"v1\",\"name\":\"PROV_1\",\"username\":\"wifiprov\",\"pop\":\"abcd1234\",\"transport\":\"softap\"}",
            "--ssid", "myssid", "--passphrase", "mypassword"));
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [Fact]
    public async Task Qr_ExplicitPopWins()
    {
        await using var device = await NewDevice.Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var r = await CliHarness.RunAsync(Args(device, "--qr", "{\"ver\":\"v1\",\"name\":\"PROV_1\",\"pop\":\"stale-pop\",\"transport\":\"softap\"}",
            "--pop", "abcd1234", "--ssid", "myssid", "--passphrase", "mypassword"));
        Assert.True(r.ExitCode == 0, r.ToString());
    }
}
