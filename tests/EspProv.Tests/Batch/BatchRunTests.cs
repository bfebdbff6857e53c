using System.Text;
using System.Text.Json;
using EspProv.Cli.Batch;
using EspProv.Device.Wifi;
using EspProv.Tests.Cli;
using EspProv.Device;

namespace EspProv.Tests.Batch;

/// <summary><c>esp-prov batch</c> against a simulated fleet: outcomes, exit codes, the journal, resume.</summary>
public sealed class BatchRunTests
{
    private static List<JsonElement> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    private static async Task<IReadOnlyList<DeviceRecord>> JournalAsync(BatchTestKit kit) =>
        (await SqliteJournal.ReadAsync(kit.JournalPath, CancellationToken.None)).Devices;

    [Fact]
    public async Task AllDevicesConnect_Exit0_EachAppliedOnce_JournalConnected()
    {
        await using var kit = await new BatchTestKit().StartAsync(6);
        kit.WriteManifest();
        var r = await kit.RunAsync("--concurrency", "3");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("6 connected", r.Output, StringComparison.Ordinal);
        Assert.All(kit.Devices, d => Assert.Equal(1, d.AppliesReceived));
        Assert.All(await JournalAsync(kit), d =>
        {
            Assert.Equal(DeviceState.Connected, d.State);
            Assert.Equal("192.168.1.42", d.Ip);
            Assert.Equal(1, d.Attempts);
        });
    }

    [Fact]
    public async Task Json_OnlyJsonLines_StepAndResultPerDevice_Summary_NoSecrets()
    {
        await using var kit = await new BatchTestKit().StartAsync(3);
        kit.WriteManifest();
        var r = await kit.RunAsync("--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Error);
        var lines = Lines(r.Output);
        Assert.All(lines, l => Assert.Equal(1, l.GetProperty("v").GetInt32()));
        Assert.All(r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.DoesNotContain("\": ", l, StringComparison.Ordinal));
        var results = lines.Where(l => l.GetProperty("event").GetString() == "result").ToList();
        Assert.Equal(3, results.Count);
        Assert.All(results, l => Assert.Equal("connected", l.GetProperty("status").GetString()));
        Assert.Contains(lines, l => l.GetProperty("event").GetString() == "step" && l.GetProperty("step").GetString() == "apply_config"
            && l.GetProperty("device").GetString() == "dev00");
        Assert.Equal("summary", lines[^1].GetProperty("event").GetString());
        Assert.Equal(3, lines[^1].GetProperty("connected").GetInt32());
        foreach (var secret in new[] { BatchTestKit.Pop, BatchTestKit.Passphrase })
        {
            Assert.DoesNotContain(secret, r.All, StringComparison.Ordinal);
            Assert.False(Contains(kit.JournalBytes(), Encoding.UTF8.GetBytes(secret)), "a secret in the journal files");
        }
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    [Fact]
    public async Task Rerun_SkipsConnectedDevices_FromJournal_NothingSent()
    {
        await using var kit = await new BatchTestKit().StartAsync(2);
        kit.WriteManifest();
        Assert.Equal(0, (await kit.RunAsync()).ExitCode);
        var requests = kit.Devices.Select(d => d.RequestTotal).ToArray();
        var r = await kit.RunAsync("--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        var results = Lines(r.Output).Where(l => l.GetProperty("event").GetString() == "result").ToList();
        Assert.All(results, l => Assert.True(l.GetProperty("from_journal").GetBoolean()));
        Assert.Equal(requests, kit.Devices.Select(d => d.RequestTotal).ToArray());
        Assert.All(kit.Devices, d => Assert.Equal(1, d.AppliesReceived));
    }

    [Fact]
    public async Task BadManifest_AllErrorsWithLines_Exit64_NothingSent()
    {
        await using var kit = await new BatchTestKit().StartAsync(1);
        File.WriteAllText(kit.ManifestPath, "name,address,sec_ver\ndev1,127.0.0.1:1,7\ndev1,,1\n");
        var r = await kit.RunAsync();
        Assert.True(r.ExitCode == 64, r.ToString());
        Assert.Contains("line 2:", r.Error, StringComparison.Ordinal);
        Assert.Contains("line 3:", r.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was sent", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(kit.JournalPath));
    }

    [Fact]
    public async Task RowValues_OverrideFlags_AndAFailedDevice_Exits13_ThenSucceedsWhenFixed()
    {
        await using var kit = await new BatchTestKit().StartAsync(2);
        kit.WriteManifest("passphrase", i => i == 1 ? "wrong-pass" : string.Empty);
        var r = await kit.RunAsync();
        Assert.True(r.ExitCode == 13, r.ToString());
        var rows = await JournalAsync(kit);
        Assert.Equal(DeviceState.Connected, rows[0].State);
        Assert.Equal(DeviceState.Failed, rows[1].State);
        Assert.Equal(8, rows[1].ExitCode);
        Assert.Contains("wrong passphrase", rows[1].Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pass", r.All, StringComparison.Ordinal);

        // A failed device is tried again by the next run (here after the device was reset, as a person would).
        await kit.Devices[1].DisposeAsync();
        var r2 = await kit.RunAsync("--json");
        Assert.Equal(13, r2.ExitCode);
        Assert.Equal(2, (await JournalAsync(kit))[1].Attempts);
    }

    [Fact]
    public async Task DeviceThatReachedApplying_IsNeverAppliedAgain_StatusDecides()
    {
        await using var kit = await new BatchTestKit().StartAsync(1);
        kit.WriteManifest();
        var device = kit.Devices[0];
        await using (var journal = await SqliteJournal.OpenAsync(kit.JournalPath, CancellationToken.None))
        {
            await journal.StartRunAsync(await Manifest.LoadAsync(kit.ManifestPath, CancellationToken.None), false, CancellationToken.None);
            await journal.RecordAsync("dev00", DeviceState.Session, DeviceOutcome.None, CancellationToken.None);
            await journal.RecordAsync("dev00", DeviceState.ConfigSent, DeviceOutcome.None, CancellationToken.None);
            await journal.RecordAsync("dev00", DeviceState.Applying, DeviceOutcome.None, CancellationToken.None);
        }

        // The earlier run's apply reached the device before it was killed.
        var first = await CliHarness.RunAsync("--softap_endpoint", $"127.0.0.1:{device.EndPoint.Port}", "--ssid", BatchTestKit.Ssid,
            "--passphrase", BatchTestKit.Passphrase, "--pop", BatchTestKit.Pop);
        Assert.Equal(0, first.ExitCode);
        var r = await kit.RunAsync();
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(1, device.AppliesReceived);
        var row = (await JournalAsync(kit))[0];
        Assert.Equal(DeviceState.Connected, row.State);
        Assert.Equal(1, row.Attempts);
    }

    [Fact]
    public async Task ApplyingButDeviceUnreachable_IsUnknown_Exit13_AndRetryUnknownSendsConfigAgain()
    {
        await using var kit = await new BatchTestKit().StartAsync(1);
        kit.WriteManifest();
        await using (var journal = await SqliteJournal.OpenAsync(kit.JournalPath, CancellationToken.None))
        {
            await journal.StartRunAsync(await Manifest.LoadAsync(kit.ManifestPath, CancellationToken.None), false, CancellationToken.None);
            await journal.RecordAsync("dev00", DeviceState.Session, DeviceOutcome.None, CancellationToken.None);
            await journal.RecordAsync("dev00", DeviceState.ConfigSent, DeviceOutcome.None, CancellationToken.None);
            await journal.RecordAsync("dev00", DeviceState.Applying, DeviceOutcome.None, CancellationToken.None);
        }

        // The earlier run was killed between committing applying and sending apply; now the session fails too.
        kit.Devices[0].Faults.CloseConnectionOnNext("prov-session");
        var r = await kit.RunAsync("--json");
        Assert.True(r.ExitCode == 13, r.ToString());
        var result = Lines(r.Output).Single(l => l.GetProperty("event").GetString() == "result");
        Assert.Equal("unknown", result.GetProperty("status").GetString());
        Assert.Equal(9, result.GetProperty("exit_code").GetInt32());
        Assert.Equal(0, kit.Devices[0].AppliesReceived);

        var retried = await kit.RunAsync("--retry-unknown");
        Assert.True(retried.ExitCode == 0, retried.ToString());
        Assert.Equal(1, kit.Devices[0].AppliesReceived);
    }

    [Fact]
    public async Task JournalInUse_Exit64_WithClearMessage()
    {
        await using var kit = await new BatchTestKit().StartAsync(1);
        kit.WriteManifest();
        await using var holder = await SqliteJournal.OpenAsync(kit.JournalPath, CancellationToken.None);
        var r = await kit.RunAsync();
        Assert.Equal(64, r.ExitCode);
        Assert.Contains("in use by another esp-prov batch run", r.Error, StringComparison.Ordinal);
        Assert.Equal(0, kit.Devices[0].RequestTotal);
    }

    [Fact]
    public async Task ChangedManifest_Refused_UnlessManifestChangedOk()
    {
        await using var kit = await new BatchTestKit().StartAsync(2);
        kit.WriteManifest();
        File.WriteAllLines(kit.ManifestPath, File.ReadAllLines(kit.ManifestPath).Take(2));
        Assert.Equal(0, (await kit.RunAsync()).ExitCode);
        kit.WriteManifest();
        var refused = await kit.RunAsync();
        Assert.Equal(64, refused.ExitCode);
        Assert.Contains("manifest changed", refused.Error, StringComparison.Ordinal);
        var adopted = await kit.RunAsync("--manifest-changed-ok");
        Assert.True(adopted.ExitCode == 0, adopted.ToString());
        Assert.All(kit.Devices, d => Assert.Equal(1, d.AppliesReceived));
    }

    [Fact]
    public async Task CtrlC_Exits130_JournalConsistent_RerunCompletes()
    {
        await using var kit = await new BatchTestKit().StartAsync(2, BatchTestKit.DeviceOptions(connectDelayMs: 5000));
        kit.WriteManifest();
        using var cts = new CancellationTokenSource();
        var output = new StringWriter();
        var error = new StringWriter();
        var run = new EspProv.Cli.CliApp(output, error, new ScriptedTerminal()).RunAsync(kit.Args(), cts.Token);
        foreach (var device in kit.Devices)
        {
            await Support.Eventually.UntilAsync(device, () => device.AppliesReceived == 1, "both devices applied");
        }

        await cts.CancelAsync();
        Assert.Equal(130, await run);
        Assert.All(await JournalAsync(kit), d => Assert.Equal(DeviceState.Applying, d.State));

        var r = await kit.RunAsync();
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.All(kit.Devices, d => Assert.Equal(1, d.AppliesReceived));
    }

    [Fact]
    public async Task Report_Json_OneObjectPerDevice_CsvAndTable_Exit0()
    {
        await using var kit = await new BatchTestKit().StartAsync(2);
        kit.WriteManifest();
        Assert.Equal(0, (await kit.RunAsync()).ExitCode);
        var json = await CliHarness.RunAsync("batch", "report", "--journal", kit.JournalPath, "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var rows = Lines(json.Output);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, l => Assert.Equal("connected", l.GetProperty("status").GetString()));
        Assert.Equal("dev00,dev01", string.Join(",", rows.Select(l => l.GetProperty("device").GetString())));
        var csv = await CliHarness.RunAsync("batch", "report", "--journal", kit.JournalPath, "--csv");
        Assert.StartsWith("device,status,", csv.Output, StringComparison.Ordinal);
        var table = await CliHarness.RunAsync("batch", "report", "--journal", kit.JournalPath);
        Assert.Contains("2 devices: 2 connected", table.Output, StringComparison.Ordinal);
        var missing = await CliHarness.RunAsync("batch", "report", "--journal", kit.JournalPath + ".nope");
        Assert.Equal(64, missing.ExitCode);
    }
}
