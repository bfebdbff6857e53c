using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Tests.Cli;
using EspProv.Tests.Support;
using EspProv.Transport;

namespace EspProv.Tests.Reliability;

/// <summary>
/// Every CLI scenario at <c>-v</c> (security 0/1/2, wrong PoP and password, wrong passphrase, scan, reset, reprov,
/// custom data and config, QR payloads, --simulate, sec2 credential generation, failures): stdout and stderr must not
/// contain any secret the run used — PoP, security 2 password, Wi-Fi passphrases (also of the networks the device can
/// see) — as text, upper/lower hex (also spaced) or base64. Each scenario also checks its exit code, so a scenario that
/// silently did not run cannot pass.
/// </summary>
public sealed class CliSecretsTests
{
    private const string Pop = "Pop-7e3Kq9";
    private const string WrongPop = "BadPop-4Jx2";
    private const string Password = "Pwd-Hy62Ncv0";
    private const string WrongPassword = "BadPwd-5Tq8";
    private const string Passphrase = "Pass-Zr81xLw";
    private const string WrongPassphrase = "BadPass-0Wq3";
    private const string OtherNetworkPassphrase = "Other-Kp29Lm";

    private static readonly string[] AllSecrets = [Pop, WrongPop, Password, WrongPassword, Passphrase, WrongPassphrase, OtherNetworkPassphrase];

    public static TheoryData<string> Scenarios() =>
    [
        "sec0", "sec1-pop", "sec1-wrong-pop", "sec2", "sec2-wrong-password", "sec2-patch0", "wrong-passphrase", "scan", "reset",
        "reprov", "custom-data", "custom-config-esp8266", "qr-sec1", "qr-sec2", "simulate-sec1", "simulate-sec2", "sec2-gen-cred",
        "unreachable", "set-config-dropped", "set-config-http-500", "interactive-pick-and-prompt",
    ];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task EveryScenario_AtVerbose_PrintsNoSecret_InAnyEncoding(string scenario)
    {
        var (code, result) = await RunAsync(scenario);
        Assert.True(result.ExitCode == code, $"{scenario}: expected exit {code}\n{result}");
        foreach (var form in AllSecrets.SelectMany(SecretForms.Of))
        {
            Assert.False(result.All.Contains(form, StringComparison.OrdinalIgnoreCase), $"{scenario}: output contains a secret ({form.Length} chars)\n{result}");
        }

        Assert.True(result.All.Length > 200, $"{scenario}: suspiciously little output at -v\n{result}");
    }

    private static TestDevice NewDevice => TestDevice.Http().ConnectDelayMs(20)
        .Networks(SimulatedNetwork.Parse($"myssid:{Passphrase};rssi=-40"), SimulatedNetwork.Parse($"other:{OtherNetworkPassphrase};rssi=-70"));

    private static string[] Args(SimulatedDevice d, params string[] more) => ["-v", "--timeout", "8", "--softap_endpoint", $"127.0.0.1:{d.EndPoint.Port}", .. more];

    private static string[] Wifi(string passphrase = Passphrase) => ["--ssid", "myssid", "--passphrase", passphrase];

    private static async Task<(int Code, CliResult Result)> RunAsync(string scenario)
    {
        switch (scenario)
        {
            case "sec0":
            {
                await using var d = await NewDevice.Security(DeviceSecurity0.Instance).StartAsync();
                return (0, await CliHarness.RunAsync([.. Args(d, "--sec_ver", "0"), .. Wifi()]));
            }

            case "sec1-pop":
            {
                await using var d = await NewDevice.Security(new DeviceSecurity1(Pop)).StartAsync();
                return (0, await CliHarness.RunAsync([.. Args(d, "--sec_ver", "1", "--pop", Pop), .. Wifi()]));
            }

            case "sec1-wrong-pop":
            {
                await using var d = await NewDevice.Security(new DeviceSecurity1(Pop)).StartAsync();
                return (4, await CliHarness.RunAsync([.. Args(d, "--sec_ver", "1", "--pop", WrongPop), .. Wifi()]));
            }

            case "sec2":
            {
                await using var d = await NewDevice.Security(DeviceSecurity2.FromPassword("wifiprov", Password)).StartAsync();
                return (0, await CliHarness.RunAsync([.. Args(d, "--sec_ver", "2", "--sec2_username", "wifiprov", "--sec2_pwd", Password), .. Wifi()]));
            }

            case "sec2-wrong-password":
            {
                await using var d = await NewDevice.Security(DeviceSecurity2.FromPassword("wifiprov", Password)).StartAsync();
                return (4, await CliHarness.RunAsync([.. Args(d, "--sec_ver", "2", "--sec2_username", "wifiprov", "--sec2_pwd", WrongPassword), .. Wifi()]));
            }

            case "sec2-patch0":
            {
                await using var d = await NewDevice.Security(DeviceSecurity2.FromPassword("wifiprov", Password, patchVersion: 0)).StartAsync();
                return (0, await CliHarness.RunAsync([.. Args(d, "--sec_ver", "2", "--sec2_username", "wifiprov", "--sec2_pwd", Password), .. Wifi()]));
            }

            case "wrong-passphrase":
            {
                await using var d = await NewDevice.Security(new DeviceSecurity1(Pop)).StartAsync();
                return (8, await CliHarness.RunAsync([.. Args(d, "--pop", Pop), .. Wifi(WrongPassphrase)]));
            }

            case "scan":
            {
                await using var d = await NewDevice.Security(new DeviceSecurity1(Pop)).StartAsync();
                return (0, await CliHarness.RunAsync(Args(d, "--scan", "--pop", Pop)));
            }

            case "reset":
            {
                await using var d = await NewDevice.Security(new DeviceSecurity1(Pop)).StartAsync();
                var failed = await CliHarness.RunAsync([.. Args(d, "--pop", Pop), .. Wifi(WrongPassphrase)]);
                var reset = await CliHarness.RunAsync([.. Args(d, "--reset", "--pop", Pop), .. Wifi()]);
                return (0, reset with { Output = failed.Output + reset.Output, Error = failed.Error + reset.Error });
            }

            case "reprov":
            {
                await using var d = await NewDevice.Security(new DeviceSecurity1(Pop)).AutoStop(false).StartAsync();
                var first = await CliHarness.RunAsync([.. Args(d, "--pop", Pop), .. Wifi()]);
                var reprov = await CliHarness.RunAsync(Args(d, "--reprov", "--pop", Pop));
                return (0, reprov with { Output = first.Output + reprov.Output, Error = first.Error + reprov.Error });
            }

            case "custom-data":
            {
                await using var d = await NewDevice.Security(new DeviceSecurity1(Pop)).StartAsync();
                return (0, await CliHarness.RunAsync([.. Args(d, "--custom_data", "hello", "--pop", Pop), .. Wifi()]));
            }

            case "custom-config-esp8266":
            {
                await using var d = await NewDevice.Security(new DeviceSecurity1(Pop)).Flavor(DeviceFlavor.Esp8266).StartAsync();
                return (0, await CliHarness.RunAsync([.. Args(d, "--sec_ver", "1", "--pop", Pop, "--custom_config", "--custom_info", "my info", "--custom_ver", "7"), .. Wifi()]));
            }

            case "qr-sec1":
            {
                await using var d = await NewDevice.Security(new DeviceSecurity1(Pop)).StartAsync();
                return (0, await CliHarness.RunAsync([.. Args(d, "--qr", $"{{\"ver\":\"v1\",\"name\":\"PROV_1A2B3C\",\"pop\":\"{Pop}\",\"transport\":\"softap\"}}"), .. Wifi()]));
            }

            case "qr-sec2":
            {
                await using var d = await NewDevice.Security(DeviceSecurity2.FromPassword("wifiprov", Password)).StartAsync();
                return (0, await CliHarness.RunAsync([.. Args(d, "--qr", $"{{\"ver\":\"v1\",\"name\":\"PROV_1\",\"username\":\"wifiprov\",\"pop\":\"{Password}\",\"transport\":\"softap\"}}"), .. Wifi()]));
            }

            case "simulate-sec1":
                return (0, await CliHarness.RunAsync(["-v", "--simulate", "--sec_ver", "1", "--pop", Pop, .. Wifi()]));

            case "simulate-sec2":
                return (0, await CliHarness.RunAsync(["-v", "--simulate", "--sec_ver", "2", "--sec2_username", "wifiprov", "--sec2_pwd", Password, .. Wifi()]));

            case "sec2-gen-cred":
                return (0, await CliHarness.RunAsync("-v", "--sec_ver", "2", "--sec2_gen_cred", "--sec2_username", "wifiprov", "--sec2_pwd", Password));

            case "unreachable":
            {
                int port;
                await using (var gone = await NewDevice.Security(new DeviceSecurity1(Pop)).StartAsync())
                {
                    port = gone.EndPoint.Port;
                }

                return (2, await CliHarness.RunAsync(["-v", "--timeout", "3", "--softap_endpoint", $"127.0.0.1:{port}", "--sec_ver", "1", "--pop", Pop, .. Wifi()]));
            }

            case "set-config-dropped":
            {
                await using var d = await NewDevice.Security(new DeviceSecurity1(Pop)).StartAsync();
                d.Faults.CloseConnectionOnNext(Endpoints.Config);
                return (6, await CliHarness.RunAsync([.. Args(d, "--sec_ver", "1", "--pop", Pop), .. Wifi()]));
            }

            case "set-config-http-500":
            {
                await using var d = await NewDevice.Security(DeviceSecurity0.Instance).StartAsync();
                d.Faults.RespondHttpStatusOnNext(Endpoints.Config, 500);
                return (6, await CliHarness.RunAsync([.. Args(d, "--sec_ver", "0"), .. Wifi()]));
            }

            case "interactive-pick-and-prompt":
            {
                await using var d = await NewDevice.Security(new DeviceSecurity1(Pop)).StartAsync();
                var terminal = new ScriptedTerminal("1", Passphrase);
                return (0, await CliHarness.RunAsync(terminal, Args(d, "--pop", Pop)));
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "unknown scenario");
        }
    }
}
