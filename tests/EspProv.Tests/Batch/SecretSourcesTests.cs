using System.Globalization;
using System.Text;
using EspProv.Cli;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Tests.Cli;
using EspProv.Tests.Support;

namespace EspProv.Tests.Batch;

/// <summary>--passphrase-file / --pop-file / --sec2_pwd-file and ESP_PROV_* variables: precedence, file rules, no leaks.</summary>
public sealed class SecretSourcesTests : IDisposable
{
    private const string Pop = "Pop-Env8Qz";
    private const string Password = "Pwd-File3Kx";
    private const string Passphrase = "Pass-Env6Lr";

    private readonly string _dir = Directory.CreateTempSubdirectory("espprov-secrets-").FullName;

    private string WriteFile(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Theory]
    [InlineData("secret\n", "secret")]
    [InlineData("secret\r\n", "secret")]
    [InlineData("secret", "secret")]
    [InlineData(" secret \n\n", " secret \n")]
    [InlineData("", "")]
    public void File_LosesOneTrailingLineBreak_AndNothingElse(string content, string expected)
    {
        Assert.True(SecretSources.TryReadSecretFile(WriteFile("s", content), out var secret, out _));
        Assert.Equal(expected, secret);
    }

    [Fact]
    public void Precedence_IsFlag_ThenFile_ThenEnvironment()
    {
        var env = new Dictionary<string, string> { ["ESP_PROV_PASSPHRASE"] = "from-env", ["ESP_PROV_POP"] = "pop-env", ["ESP_PROV_SEC2_PWD"] = "pwd-env" };
        var file = WriteFile("pass", "from-file\n");

        Assert.Equal("from-flag", CliHarness.Settings(env, "--passphrase", "from-flag", "--passphrase-file", file).Passphrase);
        Assert.Equal("from-file", CliHarness.Settings(env, "--passphrase_file", file).Passphrase);
        var fromEnv = CliHarness.Settings(env);
        Assert.Equal(("from-env", "pop-env", "pwd-env"), (fromEnv.Passphrase, fromEnv.Pop, fromEnv.Sec2Password));
        Assert.Equal("pop-flag", CliHarness.Settings(env, "--pop", "pop-flag").Pop);
        Assert.Equal("pwd-file", CliHarness.Settings(env, "--sec2-pwd-file", WriteFile("pwd", "pwd-file")).Sec2Password);

        var none = CliHarness.Settings(new Dictionary<string, string> { ["ESP_PROV_POP"] = string.Empty });
        Assert.Equal((null, string.Empty, null), (none.Passphrase, none.Pop, none.Sec2Password));
    }

    [Fact]
    public void EnvironmentPop_WinsOverAQrPayload_AsTheFlagDoes()
    {
        var env = new Dictionary<string, string> { ["ESP_PROV_POP"] = "pop-env" };
        Assert.Equal("pop-env", CliHarness.Settings(env, "--qr", "{\"ver\":\"v1\",\"name\":\"PROV_1\",\"pop\":\"qr-pop\",\"transport\":\"softap\"}").Pop);
        Assert.Equal("qr-pop", CliHarness.Settings(new Dictionary<string, string>(), "--qr", "{\"ver\":\"v1\",\"name\":\"PROV_1\",\"pop\":\"qr-pop\",\"transport\":\"softap\"}").Pop);
    }

    [Fact]
    public async Task UnreadableFile_IsAUsageError_NamingTheFileOnly()
    {
        var missing = Path.Combine(_dir, "nope.txt");
        var result = await CliHarness.RunAsync("--simulate", "--ssid", "myssid", "--passphrase-file", missing);
        Assert.Equal(64, result.ExitCode);
        Assert.Contains("--passphrase-file", result.Error, StringComparison.Ordinal);
        Assert.Contains("nope.txt", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task SecretsFromEnvironmentAndFiles_AreUsed_AndNeverPrinted_AtVerbose(int secVer)
    {
        await using var device = await TestDevice.Http().ConnectDelayMs(20).Networks(SimulatedNetwork.Parse($"myssid:{Passphrase}"))
            .Security(secVer == 1 ? new DeviceSecurity1(Pop) : DeviceSecurity2.FromPassword("wifiprov", Password)).StartAsync();
        var env = new Dictionary<string, string> { ["ESP_PROV_PASSPHRASE"] = Passphrase, ["ESP_PROV_POP"] = Pop };
        string[] args = ["-v", "--timeout", "8", "--softap_endpoint", $"127.0.0.1:{device.EndPoint.Port}", "--sec_ver", secVer.ToString(CultureInfo.InvariantCulture), "--ssid", "myssid"];
        if (secVer == 2)
        {
            args = [.. args, "--sec2_username", "wifiprov", "--sec2_pwd-file", WriteFile("pwd", Password + "\n")];
        }

        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new CliApp(output, error, new ScriptedTerminal(), name => env.GetValueOrDefault(name)).RunAsync(args);
        var all = output + error.ToString();
        Assert.True(code == 0, $"exit {code}\n{all}");
        Assert.True(all.Length > 200, all);
        foreach (var secret in new[] { Pop, Password, Passphrase })
        {
            var bytes = Encoding.UTF8.GetBytes(secret);
            foreach (var form in new[] { secret, Convert.ToHexString(bytes), Convert.ToBase64String(bytes).TrimEnd('=') })
            {
                Assert.False(all.Contains(form, StringComparison.OrdinalIgnoreCase), $"output holds a secret\n{all}");
            }
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
