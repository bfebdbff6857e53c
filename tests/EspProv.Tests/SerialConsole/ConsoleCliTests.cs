using EspProv.Device.Security;
using EspProv.Tests.Cli;
using EspProv.Tests.Support;

namespace EspProv.Tests.SerialConsole;

/// <summary><c>esp-prov --transport console</c> against the simulated device's console on a pseudo-terminal: exit codes and lines.</summary>
public sealed class ConsoleCliTests
{
    private static ConsoleDevice Start(IDeviceSecurity security) => ConsoleDevice.Start(TestDevice.InMemory().Security(security).ConnectDelayMs(20));

    [Fact]
    public async Task Provision_Sec1_OverThePty_Succeeds()
    {
        await using var device = Start(new DeviceSecurity1("abcd1234"));

        var r = await CliHarness.RunAsync("--transport", "console", "--serial", device.Path, "--pop", "abcd1234", "--ssid", "myssid", "--passphrase", "mypassword");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("==== Provisioning was successful ====", r.Output, StringComparison.Ordinal);
        Assert.Equal(1, device.Device.AppliesReceived);
    }

    [Fact]
    public async Task Provision_Sec0_WithBaud_Succeeds()
    {
        await using var device = Start(new DeviceSecurity0());

        var r = await CliHarness.RunAsync("--transport", "console", "--serial", device.Path, "--baud", "921600", "--sec_ver", "0", "--ssid", "myssid", "--passphrase", "mypassword");

        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [Fact]
    public async Task WrongPop_FailsTheSession_Exit4()
    {
        await using var device = Start(new DeviceSecurity1("abcd1234"));

        var r = await CliHarness.RunAsync("--transport", "console", "--serial", device.Path, "--pop", "nope", "--ssid", "myssid", "--passphrase", "mypassword");

        Assert.True(r.ExitCode == 4, r.ToString());
        Assert.Contains("wrong proof of possession", r.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Sec2_IsRefusedWithOneLine_Exit1_AndNothingIsSent()
    {
        await using var device = Start(DeviceSecurity2.FromPassword("wifiprov", "abcd1234", 1));

        var r = await CliHarness.RunAsync("--transport", "console", "--serial", device.Path, "--sec_ver", "2", "--sec2_username", "wifiprov",
            "--sec2_pwd", "abcd1234", "--ssid", "myssid", "--passphrase", "mypassword");

        Assert.True(r.ExitCode == 1, r.ToString());
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("security 2 cannot run over this transport", line, StringComparison.Ordinal);
        Assert.Empty(device.Device.Requests);
        Assert.Equal(0, device.Console.BytesRead);
    }

    [Theory]
    [InlineData("/dev/esp-prov-no-such-port", "cannot open")]
    [InlineData("/dev/null", "not a serial port")]
    public async Task APortThatCannotBeOpened_Exit2(string port, string says)
    {
        var r = await CliHarness.RunAsync("--transport", "console", "--serial", port, "--pop", "abcd1234", "--ssid", "myssid");

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(says, r.Error, StringComparison.Ordinal);
        Assert.Contains("---- Failed to establish connection ----", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsoleWithoutSerial_IsAUsageError()
    {
        var r = await CliHarness.RunAsync("--transport", "console", "--pop", "abcd1234", "--ssid", "myssid");

        Assert.True(r.ExitCode == 64, r.ToString());
        Assert.Contains("--serial", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanAndCustomData_OverTheConsole()
    {
        await using var device = Start(new DeviceSecurity1("abcd1234"));

        var scan = await CliHarness.RunAsync("--transport", "console", "--serial", device.Path, "--pop", "abcd1234", "--scan");
        var data = await CliHarness.RunAsync("--transport", "console", "--serial", device.Path, "--pop", "abcd1234", "--custom_data", "hello", "--ssid", "myssid", "--passphrase", "mypassword");

        Assert.True(scan.ExitCode == 0, scan.ToString());
        Assert.Contains("myssid", scan.Output, StringComparison.Ordinal);
        Assert.True(data.ExitCode == 0, data.ToString());
        Assert.Contains("CustomData response:", data.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbeddedSimulator_OverAPty_Succeeds()
    {
        var r = await CliHarness.RunAsync("--simulate", "--transport", "console", "--ssid", "myssid", "--passphrase", "mypassword", "--pop", "abcd1234");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("console on /dev/", r.Output, StringComparison.Ordinal);
    }
}
