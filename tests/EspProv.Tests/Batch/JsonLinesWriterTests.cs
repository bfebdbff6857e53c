using System.Text.Json;
using EspProv.Cli.Output;
using EspProv.Provisioning;

namespace EspProv.Tests.Batch;

public sealed class JsonLinesWriterTests
{
    [Fact]
    public void EveryEvent_IsOneCompactObjectPerLine_WithVersionAndEvent()
    {
        var output = new StringWriter();
        var writer = new JsonLinesWriter(output);
        writer.Write(new StepEvent("session", "ok", 12, Device: "dev, \"1\": x", Detail: "sec_ver 1"));
        writer.Write(new StepEvent("proto_ver", "ok", 3));
        writer.Write(new DeviceResult { Device = "dev1", Verdict = DeviceVerdict.Connected, ExitCode = 0, Ip = "192.168.1.42", Bssid = "aa:bb:cc:dd:ee:ff", Channel = 6, AuthMode = "wpa2_psk", ElapsedMs = 1042, FromJournal = true });
        writer.Write(new DeviceResult { Verdict = DeviceVerdict.Failed, ExitCode = 8, Reason = "auth_error" });
        writer.Write(new SummaryEvent { Total = 3, Connected = 1, Failed = 1, Unknown = 1, ExitCode = 13, Failures = [("dev2", "failed", "auth_error"), ("dev3", "unknown", null)], Slowest = [("dev1", 1042)] });
        writer.Write(new ScanEvent(new WifiNetwork("café: net, 5G", "café"u8.ToArray(), new Bssid([0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]), 11, -45, WifiAuthMode.Wpa2Psk), "dev1"));

        var lines = output.ToString().Split('\n');
        Assert.Equal(string.Empty, lines[^1]);
        lines = lines[..^1];
        Assert.Equal(6, lines.Length);
        foreach (var line in lines)
        {
            AssertCompact(line);
            using var doc = JsonDocument.Parse(line);
            Assert.Equal(1, doc.RootElement.GetProperty("v").GetInt32());
            Assert.True(doc.RootElement.TryGetProperty("event", out _));
        }

        Assert.StartsWith("{\"v\":1,\"event\":\"step\",\"device\":\"dev, \\\"1\\\": x\",\"step\":\"session\",\"status\":\"ok\",\"elapsed_ms\":12,", lines[0], StringComparison.Ordinal);
        Assert.Equal("{\"v\":1,\"event\":\"result\",\"device\":\"dev1\",\"status\":\"connected\",\"exit_code\":0,\"ip\":\"192.168.1.42\",\"bssid\":\"aa:bb:cc:dd:ee:ff\",\"channel\":6,\"auth_mode\":\"wpa2_psk\",\"reason\":null,\"elapsed_ms\":1042,\"from_journal\":true}", lines[2]);
        Assert.DoesNotContain("from_journal", lines[3], StringComparison.Ordinal);
        Assert.DoesNotContain("\"device\"", lines[3], StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(lines[4]);
        Assert.Equal(13, summary.RootElement.GetProperty("exit_code").GetInt32());
        Assert.Equal("dev3", summary.RootElement.GetProperty("failures")[1].GetProperty("device").GetString());
        using var scan = JsonDocument.Parse(lines[5]);
        Assert.Equal("café: net, 5G", scan.RootElement.GetProperty("ssid").GetString());
        Assert.Contains("café", lines[5], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentWriters_NeverInterleaveLines()
    {
        var output = new StringWriter();
        var writer = new JsonLinesWriter(output);
        var tasks = Enumerable.Range(0, 16).Select(d => Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                writer.Write(new StepEvent("status", "ok", i, Device: $"dev{d}", Detail: new string('x', d * 50)));
            }
        }));
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(16 * 200, lines.Length);
        var perDevice = new Dictionary<string, int>();
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var device = doc.RootElement.GetProperty("device").GetString()!;
            // Each device's lines stay in its own order.
            Assert.Equal(perDevice.GetValueOrDefault(device), doc.RootElement.GetProperty("elapsed_ms").GetInt32());
            perDevice[device] = perDevice.GetValueOrDefault(device) + 1;
        }
    }

    /// <summary>No whitespace outside strings (so none after ':' or ','), and no line break inside the line.</summary>
    private static void AssertCompact(string line)
    {
        var inString = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                Assert.False(c is '\n' or '\r', line);
            }
            else if (c == '"')
            {
                inString = true;
            }
            else
            {
                Assert.False(char.IsWhiteSpace(c), $"whitespace at {i} outside a string: {line}");
            }
        }
    }
}
