using System.Text;
using EspProv.Cli;
using EspProv.Device.Ble.Peripheral;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Tests.Cli;
using EspProv.Tests.Support;
using EspProv.Transport;

namespace EspProv.Tests.Ble.Client;

/// <summary>
/// <c>esp-prov --transport ble</c> in-process against the simulated BLE device on a virtual BlueZ: the soft-AP scenarios
/// with the same exit codes, each at <c>-v</c>, and never a secret in the output.
/// </summary>
public sealed class BleCliTests
{
    private const string Pop = "Pop-7e3Kq9";
    private const string WrongPop = "BadPop-4Jx2";
    private const string Password = "Pwd-Hy62Ncv0";
    private const string WrongPassword = "BadPwd-5Tq8";
    private const string Passphrase = "Pass-Zr81xLw";
    private const string WrongPassphrase = "BadPass-0Wq3";

    private static readonly string[] AllSecrets = [Pop, WrongPop, Password, WrongPassword, Passphrase, WrongPassphrase];

    public static TheoryData<string> Scenarios() =>
    [
        "sec0", "sec1-nimble", "sec1-bluedroid", "sec1-wrong-pop-nimble", "sec1-wrong-pop-bluedroid", "sec2-from-capabilities",
        "sec2-wrong-password-bluedroid", "sec2-patch0", "wrong-passphrase", "unknown-ssid", "scan-many-pages", "custom-data",
        "reset", "reprov", "qr-ble", "not-found", "no-name-no-terminal", "interactive-pick", "set-config-dropped", "proto-ver-dropped",
    ];

    [RequiresTheory(Prerequisite.DbusDaemon)]
    [MemberData(nameof(Scenarios))]
    public async Task EveryScenario_HasTheSoftApExitCode_AndPrintsNoSecret(string scenario)
    {
        var (code, result) = await RunAsync(scenario);
        Assert.True(result.ExitCode == code, $"{scenario}: expected exit {code}\n{result}");
        foreach (var form in AllSecrets.SelectMany(SecretForms.Of))
        {
            Assert.False(result.All.Contains(form, StringComparison.OrdinalIgnoreCase), $"{scenario}: output contains a secret\n{result}");
        }
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Simulate_OverBle_ProvisionsInOneProcess()
    {
        var r = await CliHarness.RunAsync("--simulate", "--transport", "ble", "--service_name", "PROV_51A1A7", "--sec_ver", "1", "--pop", Pop,
            "--ssid", "myssid", "--passphrase", Passphrase, "-v");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("advertising over BLE as PROV_51A1A7", r.Output, StringComparison.Ordinal);
        Assert.Contains("ble: found PROV_51A1A7", r.All, StringComparison.Ordinal);
        Assert.DoesNotContain(Pop, r.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoBlueZ_IsExit2_WithOneClearLine()
    {
        var r = await new BleCliRun("unix:path=/nonexistent/espprov-bus").RunAsync("--transport", "ble", "--service_name", "PROV_X", "--ssid", "s", "--pop", "p");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("no D-Bus system bus", r.Error, StringComparison.Ordinal);
        Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string[] Wifi(string passphrase = Passphrase) => ["--ssid", "myssid", "--passphrase", passphrase];

    private static SimulatedNetwork[] Networks(int extra = 0) =>
        [SimulatedNetwork.Parse($"myssid:{Passphrase};rssi=-40"), .. Enumerable.Range(1, extra).Select(i => SimulatedNetwork.Parse($"neighbour-network-{i:00}:x{i};rssi={-50 - i}"))];

    private static async Task<(int Code, CliResult Result)> RunAsync(string scenario)
    {
        IDeviceSecurity sec1 = new DeviceSecurity1(Pop);
        IDeviceSecurity sec2 = DeviceSecurity2.FromPassword("wifiprov", Password, 1);
        var (security, stack, autoStop, extra) = scenario switch
        {
            "sec0" => (new DeviceSecurity0(), BleStack.NimBle, true, 0),
            "sec1-bluedroid" or "sec1-wrong-pop-bluedroid" => (sec1, BleStack.Bluedroid, true, 0),
            "sec2-from-capabilities" => (sec2, BleStack.NimBle, true, 0),
            "sec2-wrong-password-bluedroid" => (sec2, BleStack.Bluedroid, true, 0),
            "sec2-patch0" => (DeviceSecurity2.FromPassword("wifiprov", Password, 0), BleStack.NimBle, true, 0),
            "reprov" => (sec1, BleStack.NimBle, false, 0),
            "scan-many-pages" => (sec1, BleStack.Bluedroid, true, 9),
            _ => (sec1, BleStack.NimBle, true, 0),
        };
        await using var bench = await BleBench.StartAsync(security, stack, autoStop, Networks(extra), name: "PROV_B1E5C1");
        var cli = new BleCliRun(bench.Bluez.BusAddress);
        string[] ble = ["-v", "--timeout", "20", "--transport", "ble", "--service_name", bench.Name];
        switch (scenario)
        {
            case "sec0":
                return (0, await cli.RunAsync([.. ble, "--sec_ver", "0", .. Wifi()]));
            case "sec1-nimble" or "sec1-bluedroid":
                return (0, await cli.RunAsync([.. ble, "--sec_ver", "1", "--pop", Pop, .. Wifi()]));
            case "sec1-wrong-pop-nimble" or "sec1-wrong-pop-bluedroid":
                var wrongPop = await cli.RunAsync([.. ble, "--sec_ver", "1", "--pop", WrongPop, .. Wifi()]);
                Assert.Contains("wrong proof of possession?", wrongPop.Error, StringComparison.Ordinal);
                return (4, wrongPop);
            case "sec2-from-capabilities" or "sec2-patch0":
                return (0, await cli.RunAsync([.. ble, "--sec2_username", "wifiprov", "--sec2_pwd", Password, .. Wifi()]));
            case "sec2-wrong-password-bluedroid":
                var wrongPassword = await cli.RunAsync([.. ble, "--sec_ver", "2", "--sec2_username", "wifiprov", "--sec2_pwd", WrongPassword, .. Wifi()]);
                Assert.Contains("wrong username or password?", wrongPassword.Error, StringComparison.Ordinal);
                return (4, wrongPassword);
            case "wrong-passphrase":
                return (8, await cli.RunAsync([.. ble, "--pop", Pop, .. Wifi(WrongPassphrase)]));
            case "unknown-ssid":
                return (8, await cli.RunAsync([.. ble, "--pop", Pop, "--ssid", "nowhere", "--passphrase", Passphrase]));
            case "scan-many-pages":
                var scan = await cli.RunAsync([.. ble, "--scan", "--pop", Pop]);
                Assert.Contains("neighbour-network-09", scan.Output, StringComparison.Ordinal);
                Assert.Contains("myssid", scan.Output, StringComparison.Ordinal);
                return (0, scan);
            case "custom-data":
                var data = await cli.RunAsync([.. ble, "--custom_data", "hello", "--pop", Pop, .. Wifi()]);
                Assert.Equal("hello", Encoding.UTF8.GetString(bench.Device.CustomData.Single()));
                return (0, data);
            case "reset":
                var failed = await cli.RunAsync([.. ble, "--pop", Pop, .. Wifi(WrongPassphrase)]);
                Assert.Equal(8, failed.ExitCode);
                var reset = await cli.RunAsync([.. ble, "--reset", "--pop", Pop, .. Wifi()]);
                return (0, reset with { Output = failed.Output + reset.Output, Error = failed.Error + reset.Error });
            case "reprov":
                return (0, await cli.RunAsync([.. ble, "--reprov", "--pop", Pop]));
            case "qr-ble":
                var qr = $$"""{"ver":"v1","name":"{{bench.Name}}","pop":"{{Pop}}","transport":"ble"}""";
                return (0, await cli.RunAsync(["-v", "--qr", qr, .. Wifi()]));
            case "not-found":
                var notFound = await cli.RunAsync(["-v", "--transport", "ble", "--service_name", "PROV_000000", "--scan_timeout", "0.8", "--pop", Pop, .. Wifi()]);
                Assert.Contains(bench.Name, notFound.Error, StringComparison.Ordinal);
                return (2, notFound);
            case "no-name-no-terminal":
                return (64, await cli.RunAsync(["-v", "--transport", "ble", "--pop", Pop, .. Wifi()]));
            case "interactive-pick":
                var terminal = new ScriptedTerminal("1");
                var picked = await cli.RunAsync(terminal, ["-v", "--transport", "ble", "--pop", Pop, .. Wifi()]);
                Assert.Contains("Select device by number (0 to rescan) : ", terminal.Prompts);
                Assert.Contains(bench.Name, picked.Output, StringComparison.Ordinal);
                return (0, picked);
            case "set-config-dropped":
                bench.Device.Faults.CloseConnectionOnNext(Endpoints.Config);
                var dropped = await cli.RunAsync([.. ble, "--pop", Pop, .. Wifi()]);
                Assert.Null(bench.Device.AppliedCredentials);
                return (6, dropped);
            case "proto-ver-dropped":
                bench.Device.Faults.CloseConnectionOnNext(Endpoints.ProtoVer);
                return (0, await cli.RunAsync([.. ble, "--pop", Pop, .. Wifi()]));
            default:
                throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null);
        }
    }
}

/// <summary>Runs esp-prov in-process with BlueZ on a given bus (the test's virtual BlueZ) instead of the system bus.</summary>
internal sealed class BleCliRun(string busAddress)
{
    public Task<CliResult> RunAsync(params string[] args) => RunAsync(new ScriptedTerminal(), args);

    public async Task<CliResult> RunAsync(ScriptedTerminal terminal, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new CliApp(output, error, terminal) { BleBusAddress = busAddress }.RunAsync(args);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}
