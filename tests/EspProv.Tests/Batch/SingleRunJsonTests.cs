using System.Text.Json;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Tests.Cli;
using EspProv.Tests.Support;

namespace EspProv.Tests.Batch;

/// <summary><c>--json</c> on single runs and <c>--scan</c>: JSON Lines only, a step event per step, one result, no secret.</summary>
public sealed class SingleRunJsonTests
{
    private const string Pop = "Pop-Hn27Wd";
    private const string Passphrase = "Pass-Rb90Qe";

    private static List<JsonElement> Lines(CliResult r)
    {
        var lines = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.StartsWith("{\"v\":1,\"event\":\"", l, StringComparison.Ordinal));
        return lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    [Fact]
    public async Task SimulateJson_StepsThenResult_NoDeviceLines_NoStderr_NoSecrets()
    {
        var r = await CliHarness.RunAsync("--simulate", "--json", "--ssid", "myssid", "--passphrase", Passphrase, "--pop", Pop);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Error);
        Assert.DoesNotContain("[device]", r.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Pop, r.All, StringComparison.Ordinal);
        Assert.DoesNotContain(Passphrase, r.All, StringComparison.Ordinal);
        var lines = Lines(r);
        var steps = lines.Where(l => l.GetProperty("event").GetString() == "step").Select(l => l.GetProperty("step").GetString()).ToArray();
        Assert.Equal("connect,proto_ver,session,set_config,apply_config,status", string.Join(",", steps));
        Assert.All(lines.Where(l => l.GetProperty("event").GetString() == "step"), l => Assert.Equal("ok", l.GetProperty("status").GetString()));
        var result = lines[^1];
        Assert.Equal("result", result.GetProperty("event").GetString());
        Assert.Equal("connected", result.GetProperty("status").GetString());
        Assert.Equal(0, result.GetProperty("exit_code").GetInt32());
        Assert.Equal("192.168.1.42", result.GetProperty("ip").GetString());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("reason").ValueKind);
        Assert.False(result.TryGetProperty("device", out _));
    }

    [Fact]
    public async Task WrongPop_Json_ResultFailedWithReason_StepFailed_StderrEmpty()
    {
        await using var device = await TestDevice.Http().Security(new DeviceSecurity1(Pop)).StartAsync();
        var r = await CliHarness.RunAsync("--softap_endpoint", $"127.0.0.1:{device.EndPoint.Port}", "--json", "--ssid", "myssid", "--passphrase", Passphrase, "--pop", "wrong-pop-1");
        Assert.True(r.ExitCode == 4, r.ToString());
        Assert.Equal(string.Empty, r.Error);
        var lines = Lines(r);
        Assert.Contains(lines, l => l.GetProperty("event").GetString() == "step" && l.GetProperty("step").GetString() == "session" && l.GetProperty("status").GetString() == "failed");
        var result = lines[^1];
        Assert.Equal("failed", result.GetProperty("status").GetString());
        Assert.Equal(4, result.GetProperty("exit_code").GetInt32());
        Assert.Contains("proof of possession", result.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pop-1", r.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanJson_GivesScanEvents_Only()
    {
        var r = await CliHarness.RunAsync("--simulate", "--json", "--scan", "--pop", Pop);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Error);
        var scans = Lines(r).Where(l => l.GetProperty("event").GetString() == "scan").ToList();
        Assert.NotEmpty(scans);
        Assert.Equal("myssid", scans[0].GetProperty("ssid").GetString());
        Assert.Equal(12, scans[0].GetProperty("bssid").GetString()!.Length);
        Assert.DoesNotContain(Lines(r), l => l.GetProperty("event").GetString() == "result");
    }

    [Fact]
    public async Task UsageError_Json_OneLineOnStderr_NothingOnStdout()
    {
        var r = await CliHarness.RunAsync("--simulate", "--json", "--ssid", "myssid", "--timeout", "-1");
        Assert.Equal(64, r.ExitCode);
        Assert.Equal(string.Empty, r.Output);
        Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
