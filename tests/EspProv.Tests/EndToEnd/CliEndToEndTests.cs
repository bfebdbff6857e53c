using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;

using EspProv.Tests.Cli;
using EspProv.Tests.Support;

namespace EspProv.Tests.EndToEnd;

/// <summary>The esp-prov command against a real simulated device over loopback, both firmware flavours.</summary>
public sealed class CliEndToEndTests
{
    public static TheoryData<DeviceFlavor> Flavors => new() { DeviceFlavor.Idf, DeviceFlavor.Esp8266 };

    private static TestDevice NewDevice => TestDevice.Http().ConnectDelayMs(50);

    private static string Endpoint(SimulatedDevice d) => $"127.0.0.1:{d.EndPoint.Port}";

    [Theory]
    [MemberData(nameof(Flavors))]
    public async Task Sec1WithPop_Provisions(DeviceFlavor flavor)
    {
        await using var device = await NewDevice.Flavor(flavor).Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var r = await CliHarness.RunAsync("--softap_endpoint", Endpoint(device), "--ssid", "myssid", "--passphrase", "mypassword", "--sec_ver", "1", "--pop", "abcd1234");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("==== Provisioning was successful ====", r.Output, StringComparison.Ordinal);
        Assert.Contains("192.168.1.42", r.Output, StringComparison.Ordinal);
        Assert.Contains("02:11:22:33:44:55", r.Output, StringComparison.Ordinal);
        var order = new[] { "==== Esp_Prov Version: V0.1 ====", "==== Verifying protocol version ====", "==== Starting Session ====", "==== Session Established ====",
            "==== Sending Wi-Fi credential to esp32 ====", "==== Applying config to esp32 ====", "==== Wi-Fi connection state  ====", "==== Provisioning was successful ====" };
        var positions = order.Select(line => r.Output.IndexOf(line, StringComparison.Ordinal)).ToArray();
        Assert.All(positions, p => Assert.True(p >= 0, r.ToString()));
        Assert.Equal(positions.Order(), positions);
    }

    [Theory]
    [MemberData(nameof(Flavors))]
    public async Task Passphrase64Bytes_IsRefusedBySetConfig_WithTheLimitInTheMessage(DeviceFlavor flavor)
    {
        var passphrase = new string('p', 64);
        await using var device = await NewDevice.Flavor(flavor).Security(new DeviceSecurity1("abcd1234")).Networks(new SimulatedNetwork("myssid", passphrase)).StartAsync();
        var r = await CliHarness.RunAsync("--softap_endpoint", Endpoint(device), "--ssid", "myssid", "--passphrase", passphrase, "--sec_ver", "1", "--pop", "abcd1234");
        Assert.True(r.ExitCode == 6, r.ToString());
        Assert.Contains("at most 63 bytes (this one has 64)", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(passphrase, r.All, StringComparison.Ordinal);
        Assert.Null(device.PendingCredentials);
        Assert.Null(device.AppliedCredentials);
    }

    [Theory]
    [MemberData(nameof(Flavors))]
    public async Task Sec1WithoutPop_Provisions(DeviceFlavor flavor)
    {
        await using var device = await NewDevice.Flavor(flavor).Security(new DeviceSecurity1(string.Empty)).StartAsync();
        var r = await CliHarness.RunAsync("--softap_endpoint", Endpoint(device), "--ssid", "myssid", "--passphrase", "mypassword", "--sec_ver", "1");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [Theory]
    [MemberData(nameof(Flavors))]
    public async Task Sec0_Provisions_WithCustomConfig(DeviceFlavor flavor)
    {
        await using var device = await NewDevice.Flavor(flavor).Security(new DeviceSecurity0()).StartAsync();
        var r = await CliHarness.RunAsync("--softap_endpoint", Endpoint(device), "--ssid", "myssid", "--passphrase", "mypassword", "--sec_ver", "0",
            "--custom_config", "--custom_info", "my info", "--custom_ver", "7");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("==== Custom config sent successfully ====", r.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Flavors))]
    public async Task WrongPop_Exits4_NamingThePop(DeviceFlavor flavor)
    {
        await using var device = await NewDevice.Flavor(flavor).Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var r = await CliHarness.RunAsync("--softap_endpoint", Endpoint(device), "--ssid", "myssid", "--passphrase", "mypassword", "--sec_ver", "1", "--pop", "wrong-pop");
        Assert.True(r.ExitCode == 4, r.ToString());
        Assert.Contains("proof of possession", r.Error, StringComparison.Ordinal);
        Assert.Contains("---- Error in establishing session ----", r.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pop", r.All, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Flavors))]
    public async Task WrongPassphrase_Exits8_WithReason(DeviceFlavor flavor)
    {
        await using var device = await NewDevice.Flavor(flavor).Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var r = await CliHarness.RunAsync("--softap_endpoint", Endpoint(device), "--ssid", "myssid", "--passphrase", "not-the-password", "--pop", "abcd1234", "--sec_ver", "1");
        Assert.True(r.ExitCode == 8, r.ToString());
        Assert.Contains("Incorrect Password", r.Output, StringComparison.Ordinal);
        Assert.Contains("wrong passphrase", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", r.All, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Flavors))]
    public async Task UnknownSsid_Exits8(DeviceFlavor flavor)
    {
        await using var device = await NewDevice.Flavor(flavor).Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var r = await CliHarness.RunAsync("--softap_endpoint", Endpoint(device), "--ssid", "nosuchnet", "--passphrase", "x", "--pop", "abcd1234", "--sec_ver", "1");
        Assert.True(r.ExitCode == 8, r.ToString());
        Assert.Contains("Incorrect SSID", r.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Flavors))]
    public async Task VersionMismatch_Exits3(DeviceFlavor flavor)
    {
        await using var device = await NewDevice.Flavor(flavor).Security(new DeviceSecurity1("abcd1234")).StartAsync();
        var r = await CliHarness.RunAsync("--softap_endpoint", Endpoint(device), "--ssid", "myssid", "--pop", "abcd1234", "--proto_ver", "V9.9");
        Assert.True(r.ExitCode == 3, r.ToString());
        Assert.Contains("---- Error in protocol version matching ----", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_ProvisionsTheBuiltInDevice()
    {
        var r = await CliHarness.RunAsync("--simulate", "--ssid", "myssid", "--passphrase", "mypassword", "--pop", "abcd1234");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("[device]", r.Output, StringComparison.Ordinal);
        Assert.Contains("==== Provisioning was successful ====", r.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("mypassword", r.All, StringComparison.Ordinal);
        Assert.DoesNotContain("abcd1234", r.All, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("2")]
    public async Task Simulate_EverySecurity(string sec)
    {
        var r = await CliHarness.RunAsync("--simulate", "--ssid", "home", "--passphrase", "pw12345678", "--sec_ver", sec, "--pop", "p0p",
            "--sec2_username", "wifiprov", "--sec2_pwd", "abcd1234");
        Assert.True(r.ExitCode == 0, r.ToString());
    }
}
