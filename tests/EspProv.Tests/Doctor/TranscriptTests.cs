using System.Text.Json;
using EspProv.Cli;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Tests.Cli;
using EspProv.Tests.Logging;
using EspProv.Tests.Support;
using EspProv.Transport;

namespace EspProv.Tests.Doctor;

/// <summary>
/// <c>--transcript</c> on provisioning and on doctor, in every scenario (success, wrong PoP/password, wrong
/// passphrase, scan, custom data, link faults, unreachable, Ctrl+C): a JSON document is written however the run ends,
/// and no secret the run used is in it as text, hex (upper, lower, spaced) or base64. <c>--redact-network</c> removes
/// SSIDs, BSSIDs and IP addresses.
/// </summary>
public sealed class TranscriptTests : IDisposable
{
    private const string Pop = "Pop-7e3Kq9";
    private const string WrongPop = "BadPop-4Jx2";
    private const string Password = "Pwd-Hy62Ncv0";
    private const string WrongPassword = "BadPwd-5Tq8";
    private const string Passphrase = "Pass-Zr81xLw";
    private const string WrongPassphrase = "BadPass-0Wq3";
    private const string OtherNetworkPassphrase = "Other-Kp29Lm";

    private static readonly string[] AllSecrets = [Pop, WrongPop, Password, WrongPassword, Passphrase, WrongPassphrase, OtherNetworkPassphrase];

    private readonly string _dir = Directory.CreateTempSubdirectory("esp-prov-transcript-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Scenarios() =>
    [
        "sec0", "sec1", "sec1-wrong-pop", "sec2", "sec2-wrong-password", "sec2-patch0", "wrong-passphrase", "scan", "custom-data",
        "set-config-dropped", "unreachable", "doctor-sec1", "doctor-wrong-pop", "doctor-sec2", "doctor-wrong-password", "doctor-sec0-ssid",
        "interrupted",
    ];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Transcript_IsWritten_AndHoldsNoSecret_InAnyEncoding(string scenario)
    {
        var file = Path.Combine(_dir, scenario + ".json");
        var (expected, result) = await RunAsync(scenario, file);
        Assert.True(result.ExitCode == expected, $"{scenario}: expected exit {expected}\n{result}");
        var text = await File.ReadAllTextAsync(file);
        foreach (var form in AllSecrets.SelectMany(SecretForms.Of))
        {
            Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"{scenario}: transcript contains a secret ({form.Length} chars)\n{text}");
        }

        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("transcript").GetInt32());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("tool_version").GetString()));
        Assert.False(string.IsNullOrEmpty(root.GetProperty("os").GetString()));
        Assert.Equal(expected, root.GetProperty("outcome").GetProperty("exit_code").GetInt32());
        if (scenario != "unreachable")
        {
            var exchanges = root.GetProperty("exchanges");
            Assert.True(exchanges.GetArrayLength() > 0, text);
            Assert.All(exchanges.EnumerateArray(), x => Assert.True(x.GetProperty("request_bytes").GetInt32() > 0));
        }
    }

    [Fact]
    public async Task Transcript_DecodesTheHandshake_AndTheVersionAnswer()
    {
        var file = Path.Combine(_dir, "decoded.json");
        var (expected, result) = await RunAsync("sec1", file);
        Assert.True(result.ExitCode == expected, result.ToString());
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        var root = doc.RootElement;
        Assert.Equal("provision", root.GetProperty("command").GetString());
        Assert.Equal(1, root.GetProperty("device_version").GetProperty("sec_ver").GetInt32());
        var exchanges = root.GetProperty("exchanges").EnumerateArray().ToList();
        Assert.Equal("proto-ver", exchanges[0].GetProperty("endpoint").GetString());
        var session = exchanges.Where(x => x.GetProperty("endpoint").GetString() == Endpoints.Session).ToList();
        Assert.Equal("SessionCommand0", session[0].GetProperty("decoded").GetProperty("request.message").GetString());
        Assert.Equal("SessionResponse0", session[0].GetProperty("decoded").GetProperty("response.message").GetString());
        Assert.Equal("32", session[0].GetProperty("decoded").GetProperty("request.client_pubkey_bytes").GetString());
        Assert.Contains(exchanges, x => x.GetProperty("endpoint").GetString() == Endpoints.Config && x.GetProperty("step").GetString() == "set_config");
        Assert.All(exchanges.Where(x => x.GetProperty("endpoint").GetString() == Endpoints.Config),
            x => Assert.Empty(x.GetProperty("decoded").EnumerateObject()));
        Assert.Equal("ok", root.GetProperty("outcome").GetProperty("status").GetString());
    }

    [Fact]
    public async Task RedactNetwork_ReplacesSsidsBssidsAndIpAddresses_WithStablePlaceholders()
    {
        var file = Path.Combine(_dir, "redacted.json");
        await using var d = await NewDevice.Security(new DeviceSecurity1(Pop)).StartAsync();
        var result = await CliHarness.RunAsync([.. Args(d, file, "--pop", Pop, "--redact-network"), .. Wifi()]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var text = await File.ReadAllTextAsync(file);
        Assert.DoesNotContain("myssid", text, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("192.168.1.42", text, StringComparison.Ordinal);
        Assert.DoesNotContain("aa:bb", text, StringComparison.OrdinalIgnoreCase);
        using var doc = JsonDocument.Parse(text);
        var connected = doc.RootElement.GetProperty("events").EnumerateArray().Last(e => e.GetProperty("event").GetString() == "status");
        Assert.Equal("ssid-1", connected.GetProperty("ssid").GetString());
        Assert.StartsWith("ip-", connected.GetProperty("ip").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("bssid-", connected.GetProperty("bssid").GetString(), StringComparison.Ordinal);
        Assert.True(doc.RootElement.GetProperty("redacted_network").GetBoolean());
    }

    [Fact]
    public async Task ScanResults_AreListed_AndRedactedLikeTheRest()
    {
        await using var d = await NewDevice.Security(new DeviceSecurity1(Pop)).StartAsync();
        var file = Path.Combine(_dir, "scan.json");
        var result = await CliHarness.RunAsync(Args(d, file, "--scan", "--pop", Pop));
        Assert.True(result.ExitCode == 0, result.ToString());
        using (var doc = JsonDocument.Parse(await File.ReadAllTextAsync(file)))
        {
            var scans = ScanEvents(doc);
            Assert.Equal(["myssid", "other"], scans.Select(e => e.GetProperty("ssid").GetString()));
            Assert.Equal("aa:bb:cc:dd:ee:ff", scans[0].GetProperty("bssid").GetString());
            Assert.Equal("-40", scans[0].GetProperty("rssi").GetString());
            Assert.Equal("wpa2_psk", scans[0].GetProperty("auth_mode").GetString());
        }

        // Doctor's --ssid check scans too; redacted, the network keeps one placeholder throughout the document.
        var redacted = Path.Combine(_dir, "scan-redacted.json");
        result = await CliHarness.RunAsync(Doctor(d, redacted, "--pop", Pop, "--ssid", "myssid", "--redact-network"));
        Assert.True(result.ExitCode == 0, result.ToString());
        var text = await File.ReadAllTextAsync(redacted);
        Assert.DoesNotContain("myssid", text, StringComparison.Ordinal);
        Assert.DoesNotContain("aa:bb", text, StringComparison.OrdinalIgnoreCase);
        using var redactedDoc = JsonDocument.Parse(text);
        var seen = ScanEvents(redactedDoc);
        Assert.Equal(2, seen.Count);
        Assert.All(seen, e => Assert.StartsWith("ssid-", e.GetProperty("ssid").GetString(), StringComparison.Ordinal));
        Assert.NotEqual(seen[0].GetProperty("ssid").GetString(), seen[1].GetProperty("ssid").GetString());
    }

    private static List<JsonElement> ScanEvents(JsonDocument doc) =>
        [.. doc.RootElement.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("event").GetString() == "scan_result")];

    private static TestDevice NewDevice => TestDevice.Http().ConnectDelayMs(20)
        .Networks(SimulatedNetwork.Parse($"myssid:{Passphrase};rssi=-40;bssid=aa:bb:cc:dd:ee:ff"), SimulatedNetwork.Parse($"other:{OtherNetworkPassphrase};rssi=-70"));

    private static string[] Args(SimulatedDevice d, string file, params string[] more) =>
        ["-v", "--timeout", "8", "--softap_endpoint", $"127.0.0.1:{d.EndPoint.Port}", "--transcript", file, .. more];

    private static string[] Doctor(SimulatedDevice d, string file, params string[] more) =>
        ["doctor", "--timeout", "8", "--softap_endpoint", $"127.0.0.1:{d.EndPoint.Port}", "--transcript", file, .. more];

    private static string[] Wifi(string passphrase = Passphrase) => ["--ssid", "myssid", "--passphrase", passphrase];

    private static DeviceSecurity2 Sec2(int patch = 1) => DeviceSecurity2.FromPassword("wifiprov", Password, patchVersion: patch);

    private static async Task<(int Code, CliResult Result)> RunAsync(string scenario, string file)
    {
        switch (scenario)
        {
            case "interrupted":
            {
                using var cts = new CancellationTokenSource();
                var sessions = 0;
                // Cancel once the handshake is done (the device logs each request as it answers it) while set-config hangs.
                await using var d = await NewDevice.Security(new DeviceSecurity1(Pop)).With(o => o.LoggerFactory, new CapturingLoggerFactory(line =>
                {
                    if (line.Contains("/prov-session", StringComparison.Ordinal) && Interlocked.Increment(ref sessions) == 2)
                    {
                        cts.Cancel();
                    }
                })).StartAsync();
                d.Faults.DelayNext(Endpoints.Config, TimeSpan.FromSeconds(30));
                var output = new StringWriter();
                var error = new StringWriter();
                var code = await new CliApp(output, error, new ScriptedTerminal()).RunAsync([.. Args(d, file, "--pop", Pop), .. Wifi()], cts.Token);
                return (130, new CliResult(code, output.ToString(), error.ToString()));
            }

            case "unreachable":
            {
                int port;
                await using (var gone = await NewDevice.Security(DeviceSecurity0.Instance).StartAsync())
                {
                    port = gone.EndPoint.Port;
                }

                return (2, await CliHarness.RunAsync("--timeout", "3", "--softap_endpoint", $"127.0.0.1:{port}", "--transcript", file, "--pop", Pop, "--ssid", "myssid", "--passphrase", Passphrase));
            }

            default:
                break;
        }

        var (security, expected, args) = Scenario(scenario);
        await using var device = await NewDevice.Security(security).StartAsync();
        if (scenario == "set-config-dropped")
        {
            device.Faults.CloseConnectionOnNext(Endpoints.Config);
        }

        return (expected, await CliHarness.RunAsync(args(device, file)));
    }

    private static (IDeviceSecurity Security, int Expected, Func<SimulatedDevice, string, string[]> Args) Scenario(string scenario) => scenario switch
    {
        "sec0" => (DeviceSecurity0.Instance, 0, (d, f) => [.. Args(d, f, "--sec_ver", "0"), .. Wifi()]),
        "sec1" => (new DeviceSecurity1(Pop), 0, (d, f) => [.. Args(d, f, "--pop", Pop), .. Wifi()]),
        "sec1-wrong-pop" => (new DeviceSecurity1(Pop), 4, (d, f) => [.. Args(d, f, "--pop", WrongPop), .. Wifi()]),
        "sec2" => (Sec2(), 0, (d, f) => [.. Args(d, f, "--sec2_username", "wifiprov", "--sec2_pwd", Password), .. Wifi()]),
        "sec2-wrong-password" => (Sec2(), 4, (d, f) => [.. Args(d, f, "--sec2_username", "wifiprov", "--sec2_pwd", WrongPassword), .. Wifi()]),
        "sec2-patch0" => (Sec2(0), 0, (d, f) => [.. Args(d, f, "--sec2_username", "wifiprov", "--sec2_pwd", Password), .. Wifi()]),
        "wrong-passphrase" => (new DeviceSecurity1(Pop), 8, (d, f) => [.. Args(d, f, "--pop", Pop), .. Wifi(WrongPassphrase)]),
        "scan" => (new DeviceSecurity1(Pop), 0, (d, f) => Args(d, f, "--scan", "--pop", Pop)),
        "custom-data" => (new DeviceSecurity1(Pop), 0, (d, f) => [.. Args(d, f, "--custom_data", "hello", "--pop", Pop), .. Wifi()]),
        "set-config-dropped" => (new DeviceSecurity1(Pop), 6, (d, f) => [.. Args(d, f, "--pop", Pop), .. Wifi()]),
        "doctor-sec1" => (new DeviceSecurity1(Pop), 0, (d, f) => Doctor(d, f, "--pop", Pop, "--ssid", "myssid", "--passphrase", Passphrase)),
        "doctor-wrong-pop" => (new DeviceSecurity1(Pop), 4, (d, f) => Doctor(d, f, "--pop", WrongPop)),
        "doctor-sec2" => (Sec2(), 0, (d, f) => Doctor(d, f, "--sec2_username", "wifiprov", "--sec2_pwd", Password, "--ssid", "other")),
        "doctor-wrong-password" => (Sec2(), 4, (d, f) => Doctor(d, f, "--sec2_username", "wifiprov", "--sec2_pwd", WrongPassword)),
        "doctor-sec0-ssid" => (DeviceSecurity0.Instance, 8, (d, f) => Doctor(d, f, "--sec_ver", "0", "--ssid", "absent", "--passphrase", Passphrase)),
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null),
    };
}
