using System.Globalization;
using System.Text.Json;
using EspProv.Cli;
using EspProv.Cli.Batch;
using EspProv.Tests.Support;
using EspProv.Device;

namespace EspProv.Tests.Batch;

/// <summary>
/// <c>batch --transcript-dir</c>: one transcript per device, named from the manifest row (sanitized, unique), written for
/// failed devices too and on Ctrl+C, with no secret in any encoding; <c>--redact-network</c> applies to each.
/// </summary>
public sealed class BatchTranscriptTests
{
    private const string WrongPassphrase = "Wrong-Kq71Zp";

    // Two rows that sanitize to the same name, one that tries to leave the directory, and a plain one.
    private static readonly string[] Names = ["shelf A/1", "shelf a:1", "../etc", "dev03"];

    [Fact]
    public async Task OneFilePerDevice_AlsoForTheFailedOne_NoSecretInAny()
    {
        await using var kit = await new BatchTestKit().StartAsync(Names.Length);
        var dir = Path.Combine(Path.GetDirectoryName(kit.ManifestPath)!, "transcripts");
        WriteManifest(kit, failing: 1);
        var r = await kit.RunAsync("--transcript-dir", dir);
        Assert.True(r.ExitCode == 13, r.ToString());

        var files = Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["_etc.transcript.json", "dev03.transcript.json", "shelf_A_1-2.transcript.json", "shelf_A_1.transcript.json"],
            files.Select(f => f!.Replace("shelf_a_1", "shelf_A_1", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(dir)!, "*.transcript.json"));

        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(dir))
        {
            var text = await File.ReadAllTextAsync(file);
            foreach (var form in new[] { BatchTestKit.Pop, BatchTestKit.Passphrase, WrongPassphrase }.SelectMany(SecretForms.Of))
            {
                Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"{Path.GetFileName(file)} contains a secret\n{text}");
            }

            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            Assert.Equal(1, root.GetProperty("transcript").GetInt32());
            Assert.Equal("batch", root.GetProperty("command").GetString());
            Assert.NotEqual(0, root.GetProperty("exchanges").GetArrayLength());
            outcomes[root.GetProperty("target").GetString()!] = root.GetProperty("outcome").GetProperty("exit_code").GetInt32();
        }

        Assert.Equal(Names.Length, outcomes.Count);
        Assert.Equal(8, outcomes[Address(kit, 1)]);
        Assert.Equal(3, outcomes.Values.Count(c => c == 0));
    }

    [Fact]
    public async Task RedactNetwork_RemovesTheSsidAndAddresses_FromEveryFile()
    {
        await using var kit = await new BatchTestKit().StartAsync(2);
        var dir = Path.Combine(Path.GetDirectoryName(kit.ManifestPath)!, "t");
        kit.WriteManifest();
        var r = await kit.RunAsync("--transcript-dir", dir, "--redact-network");
        Assert.True(r.ExitCode == 0, r.ToString());
        var files = Directory.GetFiles(dir);
        Assert.Equal(2, files.Length);
        foreach (var file in files)
        {
            var text = await File.ReadAllTextAsync(file);
            Assert.DoesNotContain(BatchTestKit.Ssid, text, StringComparison.Ordinal);
            Assert.DoesNotContain("192.168.1.42", text, StringComparison.Ordinal);
            Assert.Contains("\"redacted_network\": true", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CtrlC_WritesTheTranscriptOfEachDeviceInFlight_AsInterrupted()
    {
        await using var kit = await new BatchTestKit().StartAsync(2);
        var dir = Path.Combine(Path.GetDirectoryName(kit.ManifestPath)!, "t");
        kit.WriteManifest();
        foreach (var device in kit.Devices)
        {
            device.Faults.DelayNext(EspProv.Transport.Endpoints.Config, TimeSpan.FromSeconds(30));
        }

        using var cts = new CancellationTokenSource();
        var output = new StringWriter();
        var error = new StringWriter();
        var run = new CliApp(output, error, new Cli.ScriptedTerminal()).RunAsync(kit.Args("--transcript-dir", dir, "--concurrency", "2"), cts.Token);
        // Ctrl+C once both devices are past the handshake and hold set-config (its delay fault taken).
        foreach (var device in kit.Devices)
        {
            await Support.Eventually.UntilAsync(device, () => device.RequestTotal >= 3 && device.Faults.Pending == 0, "set-config held", unlessDone: run);
        }

        await cts.CancelAsync();
        var code = await run.WaitAsync(Support.Eventually.SafetyNet);
        Assert.True(code == 130, $"exit {code}\n{output}\n{error}");
        var files = Directory.GetFiles(dir);
        Assert.Equal(2, files.Length);
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            var outcome = doc.RootElement.GetProperty("outcome");
            Assert.Equal(130, outcome.GetProperty("exit_code").GetInt32());
            Assert.Equal("interrupted", outcome.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task UncreatableDirectory_IsAUsageError_NothingSent()
    {
        await using var kit = await new BatchTestKit().StartAsync(1);
        kit.WriteManifest();
        var blocker = Path.Combine(Path.GetDirectoryName(kit.ManifestPath)!, "a-file");
        await File.WriteAllTextAsync(blocker, "x");
        var r = await kit.RunAsync("--transcript-dir", Path.Combine(blocker, "sub"));
        Assert.True(r.ExitCode == 64, r.ToString());
        Assert.Contains("cannot create the transcript directory", r.Error, StringComparison.Ordinal);
        Assert.Equal(0, kit.Devices[0].RequestTotal);
    }

    [Theory]
    [InlineData("PROV_1A2B3C", "PROV_1A2B3C")]
    [InlineData("shelf 3/slot 4", "shelf_3_slot_4")]
    [InlineData("..", "device")]
    [InlineData(".hidden", "hidden")]
    [InlineData("con", "_con")]
    [InlineData("nul.txt", "_nul.txt")]
    [InlineData("käse", "k_se")]
    public void Sanitize_KeepsSafeCharacters_Only(string name, string expected) => Assert.Equal(expected, TranscriptFiles.Sanitize(name));

    [Fact]
    public void Plan_MakesNamesUniqueIgnoringCase_InManifestOrder()
    {
        string[] names = ["A", "a", "a-2", "b"];
        var plan = TranscriptFiles.Plan("/tmp/x", names);
        Assert.Equal(["A", "a-2", "a-2-2", "b"], names.Select(n => plan.For(n).Name[..^TranscriptFiles.Extension.Length]));
        Assert.Equal(80, TranscriptFiles.Sanitize(new string('x', 500)).Length);
    }

    private static string Address(BatchTestKit kit, int i) => "127.0.0.1:" + kit.Devices[i].EndPoint.Port.ToString(CultureInfo.InvariantCulture);

    private static void WriteManifest(BatchTestKit kit, int failing)
    {
        var lines = new List<string> { "name,address,pop,passphrase" };
        for (var i = 0; i < Names.Length; i++)
        {
            lines.Add($"{Names[i]},{Address(kit, i)},{BatchTestKit.Pop},{(i == failing ? WrongPassphrase : BatchTestKit.Passphrase)}");
        }

        File.WriteAllText(kit.ManifestPath, string.Join('\n', lines) + "\n");
    }
}
