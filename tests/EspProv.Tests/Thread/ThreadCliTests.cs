using EspProv.Cli;
using EspProv.Device;
using EspProv.Provisioning;
using EspProv.Tests.Cli;
using EspProv.Tests.Support;
using EspProv.Thread;
using Xunit;

namespace EspProv.Tests.Thread;

/// <summary>esp-prov against a simulated network_provisioning device over HTTP: Thread datasets, scans, picks, misfit flags.</summary>
public sealed class ThreadCliTests
{
    private const string Key = "00112233445566778899aabbccddeeff";

    private static TestDevice ThreadDevice => TestDevice.Http().Flavor(DeviceFlavor.Netprov).With(o => o.NetworkType, NetworkKind.Thread).ConnectDelay(TimeSpan.Zero);

    private static string BuiltIn => ThreadDeviceTests.BuiltIn.ToHex();

    private static string[] Args(SimulatedDevice d, params string[] more) => ["--softap_endpoint", $"127.0.0.1:{d.EndPoint.Port}", "--pop", "abcd1234", .. more];

    [Fact]
    public async Task A_dataset_attaches_and_the_outcome_names_the_network_then_the_banner()
    {
        await using var device = await ThreadDevice.StartAsync();

        var r = await CliHarness.RunAsync(Args(device, "--dataset_tlvs", BuiltIn));

        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var attached = lines.IndexOf("attached to 'EspProv-Sim' (PAN ID 0x5eed, channel 15)");
        Assert.True(attached >= 0, r.ToString());
        Assert.Equal("==== Provisioning was successful ====", lines[attached + 1]);
        Assert.Contains("==== Sending Thread Dataset to Target ====", r.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", r.Error, StringComparison.Ordinal);
        AssertNoKey(r);
    }

    [Fact]
    public async Task Verbose_output_and_the_transcript_never_hold_the_network_key_or_the_pskc()
    {
        await using var device = await ThreadDevice.StartAsync();
        var transcript = Path.Combine(Path.GetTempPath(), $"espprov-thread-{Guid.NewGuid():n}.json");
        try
        {
            var r = await CliHarness.RunAsync(Args(device, "-v", "--dataset_tlvs", BuiltIn, "--transcript", transcript));

            Assert.True(r.ExitCode == 0, r.ToString());
            var written = r.All + await File.ReadAllTextAsync(transcript);
            foreach (var form in SecretForms.OfBytes(Convert.FromHexString(Key)).Concat(SecretForms.OfBytes(ThreadDeviceTests.BuiltIn.Pskc!.Value.ToArray())))
            {
                Assert.DoesNotContain(form, written, StringComparison.OrdinalIgnoreCase);
            }
        }
        finally
        {
            File.Delete(transcript);
        }
    }

    [Fact]
    public async Task Simulate_with_a_dataset_provisions_a_simulated_thread_device_of_that_network()
    {
        var dataset = ThreadDataset.CreateActive(new ThreadDatasetParts { NetworkName = "MyMesh", Channel = 20, PanId = 0x00ab, NetworkKey = Convert.FromHexString(Key) });

        var r = await CliHarness.RunAsync("--simulate", "--pop", "abcd1234", "--dataset_tlvs", dataset.ToHex());

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("attached to 'MyMesh' (PAN ID 0x00ab, channel 20)", r.Output, StringComparison.Ordinal);
        AssertNoKey(r);
    }

    [Fact]
    public async Task Json_result_carries_the_network_kind_and_the_thread_network()
    {
        await using var device = await ThreadDevice.StartAsync();

        var r = await CliHarness.RunAsync(Args(device, "--dataset-tlvs", BuiltIn, "--json"));

        Assert.True(r.ExitCode == 0, r.ToString());
        var result = r.Output.Split('\n').Single(l => l.Contains("\"event\":\"result\"", StringComparison.Ordinal));
        Assert.Contains("\"status\":\"connected\"", result, StringComparison.Ordinal);
        Assert.Contains("\"channel\":15", result, StringComparison.Ordinal);
        Assert.Contains("\"network\":\"thread\",\"network_name\":\"EspProv-Sim\",\"pan_id\":\"0x5eed\",\"ext_pan_id\":\"5eed5eed00c0ffee\"", result, StringComparison.Ordinal);
        AssertNoKey(r);
    }

    [Fact]
    public async Task A_malformed_dataset_is_refused_before_anything_is_sent_with_the_offset_and_the_tlv()
    {
        await using var device = await ThreadDevice.StartAsync();

        // A PAN ID TLV of 1 byte (esp_prov's unpadded PAN ID) after a good channel TLV.
        var r = await CliHarness.RunAsync(Args(device, "--dataset_tlvs", "000300000f010134"));

        Assert.Equal(64, r.ExitCode);
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--dataset_tlvs", line, StringComparison.Ordinal);
        Assert.Contains("byte 5, PAN ID (1)", line, StringComparison.Ordinal);
        Assert.Empty(device.Requests);
    }

    [Fact]
    public async Task An_incomplete_dataset_is_sent_with_a_warning_naming_what_it_lacks()
    {
        await using var device = await ThreadDevice.StartAsync();
        // esp_prov's own form: channel, extended PAN ID, network key, PAN ID.
        var partial = "000300000f" + "02085eed5eed00c0ffee" + "0510" + Key + "01025eed";

        var r = await CliHarness.RunAsync(Args(device, "--dataset_tlvs", partial));

        Assert.True(r.ExitCode == 0, r.ToString());
        var warning = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("warning", warning, StringComparison.Ordinal);
        Assert.Contains("Active Timestamp (14)", warning, StringComparison.Ordinal);
        Assert.Contains("Network Name (3)", warning, StringComparison.Ordinal);
        Assert.Contains("PSKc (4)", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("PAN ID (1)", warning.Replace("Extended PAN ID (2)", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        AssertNoKey(r);
    }

    [Fact]
    public async Task An_incomplete_dataset_under_json_is_a_warning_event_before_the_result()
    {
        await using var device = await ThreadDevice.StartAsync();
        var partial = "000300000f" + "02085eed5eed00c0ffee" + "0510" + Key + "01025eed";

        var r = await CliHarness.RunAsync(Args(device, "--dataset_tlvs", partial, "--json"));

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Empty(r.Error);
        var events = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        var names = events.Select(e => e.GetProperty("event").GetString()).ToList();
        var warning = events[names.IndexOf("warning")];
        Assert.True(names.IndexOf("warning") < names.IndexOf("result"), string.Join(",", names));
        Assert.Contains("Network Name (3)", warning.GetProperty("message").GetString(), StringComparison.Ordinal);
        AssertNoKey(r);
    }

    [Theory]
    [InlineData("--ssid", "myssid")]
    [InlineData("--passphrase", "mypassword")]
    public async Task Wifi_flags_for_a_thread_device_end_after_proto_ver_with_one_line(string flag, string value)
    {
        await using var device = await ThreadDevice.StartAsync();

        // On a terminal, so that --passphrase alone is not already a usage error (no --ssid to go with it).
        var r = await CliHarness.RunAsync(new ScriptedTerminal("1"), Args(device, flag, value));

        Assert.Equal(64, r.ExitCode);
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("a Thread device", line, StringComparison.Ordinal);
        Assert.Contains($"not {flag}", line, StringComparison.Ordinal);
        Assert.Contains("--dataset_tlvs", line, StringComparison.Ordinal);
        Assert.Equal(["proto-ver"], device.Requests.Select(q => q.Endpoint));
    }

    [Fact]
    public async Task A_dataset_for_a_wifi_device_ends_after_proto_ver_with_one_line()
    {
        await using var device = await TestDevice.Http().Flavor(DeviceFlavor.Netprov).StartAsync();

        var r = await CliHarness.RunAsync(Args(device, "--dataset_tlvs", BuiltIn));

        Assert.Equal(64, r.ExitCode);
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("a Wi-Fi device (network_provisioning", line, StringComparison.Ordinal);
        Assert.Contains("--ssid", line, StringComparison.Ordinal);
        Assert.Equal(["proto-ver"], device.Requests.Select(q => q.Endpoint));
        AssertNoKey(r);
    }

    [Fact]
    public async Task Scan_lists_thread_networks_as_a_table_and_as_json_events()
    {
        await using var device = await ThreadDevice.StartAsync();

        var table = await CliHarness.RunAsync(Args(device, "--scan"));
        var json = await CliHarness.RunAsync(Args(device, "--scan", "--json"));

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("==== Scanning Thread Networks ====", table.Output, StringComparison.Ordinal);
        Assert.Contains("EspProv-Sim", table.Output, StringComparison.Ordinal);
        Assert.Contains("0x5eed", table.Output, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.ToString());
        var scan = Assert.Single(json.Output.Split('\n'), l => l.Contains("\"event\":\"scan\"", StringComparison.Ordinal));
        Assert.StartsWith("{\"v\":1,\"event\":\"scan\",\"network\":\"thread\",\"network_name\":\"EspProv-Sim\",\"pan_id\":\"0x5eed\"", scan, StringComparison.Ordinal);
        Assert.Contains("\"channel\":15,\"rssi\":", scan, StringComparison.Ordinal);
        Assert.Contains("\"lqi\":", scan, StringComparison.Ordinal);
        Assert.DoesNotContain(device.Requests, q => q.Endpoint == "prov-config");
    }

    [Fact]
    public async Task On_a_terminal_a_scan_pick_and_a_typed_key_build_a_complete_dataset_that_attaches()
    {
        await using var device = await ThreadDevice.StartAsync();
        var terminal = new ScriptedTerminal("1", Key);

        var r = await CliHarness.RunAsync(terminal, Args(device));

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("attached to 'EspProv-Sim'", r.Output, StringComparison.Ordinal);
        Assert.Equal(["Select Network by number (0 to rescan) : ", "Enter the network key of 'EspProv-Sim' (32 hex digits) : "], terminal.Prompts);
        Assert.DoesNotContain("warning", r.Error, StringComparison.Ordinal);
        AssertNoKey(r);
    }

    [Fact]
    public async Task A_network_that_is_not_there_exits_8_with_the_reason()
    {
        await using var device = await ThreadDevice.With(o => o.AttachTimeout, TimeSpan.Zero).StartAsync();

        var r = await CliHarness.RunAsync(Args(device, "--dataset_tlvs", ThreadDataset.CreateActive().ToHex()));

        Assert.Equal(8, r.ExitCode);
        Assert.Contains("++++ Failure reason: Thread network not found ++++", r.Output, StringComparison.Ordinal);
        Assert.Contains("Thread network not found", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_reports_the_device_answer_and_then_provisions_the_dataset()
    {
        await using var device = await ThreadDevice.StartAsync();

        var r = await CliHarness.RunAsync(Args(device, "--reset", "--dataset_tlvs", BuiltIn));

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("==== Thread config reset successfully ====", r.Output, StringComparison.Ordinal);
        Assert.Contains("attached to 'EspProv-Sim'", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_thread_qr_payload_with_ssid_is_refused_before_connecting()
    {
        var r = await CliHarness.RunAsync("--softap_endpoint", "127.0.0.1:9", "--ssid", "myssid", "--qr", "{\"ver\":\"v1\",\"name\":\"PROV_1\",\"pop\":\"abcd1234\",\"transport\":\"softap\",\"network\":\"thread\"}");

        Assert.Equal(64, r.ExitCode);
        Assert.Contains("the QR payload is of a Thread device", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attempt_failed_is_printed_once_per_change_of_the_attempts_remaining()
    {
        await using var device = await TestDevice.Http().Flavor(DeviceFlavor.Netprov).ConnectDelay(TimeSpan.FromMilliseconds(300)).With(o => o.ConnectionAttempts, 3).StartAsync();

        var r = await CliHarness.RunAsync(Args(device, "--ssid", "myssid", "--passphrase", "wrong-password"));

        Assert.Equal(8, r.ExitCode);
        // Polls come every 50 ms through each 300 ms attempt, so the device repeats each count; a slow machine may
        // miss a count, never print one twice.
        var attempts = r.Output.Split('\n').Where(l => l.Contains("attempts remaining", StringComparison.Ordinal)).Select(l => l.TrimEnd('\r')).ToList();
        Assert.NotEmpty(attempts);
        Assert.Equal(attempts.Distinct(), attempts);
        Assert.All(attempts, l => Assert.Matches(@"^\+\+\+\+ Attempt to connect failed, [12] attempts remaining \+\+\+\+$", l));
    }

    [Fact]
    public void The_reporter_prints_attempt_failed_once_per_count_whatever_the_polls()
    {
        var output = new StringWriter();
        var reporter = new EspProv.Cli.Provision.StepReporter(new EspProv.Cli.Provision.CliOutput(output, TextWriter.Null, verbose: false));

        foreach (var remaining in new uint?[] { null, 2, 2, 2, 1, 1, 2 })
        {
            reporter.StatusReceived(new WifiStatus(WifiConnectionState.Connecting, null, null, remaining));
        }

        Assert.Equal(
            ["++++ WiFi state: connecting... ++++", "++++ Attempt to connect failed, 2 attempts remaining ++++", "++++ Attempt to connect failed, 1 attempts remaining ++++", "++++ Attempt to connect failed, 2 attempts remaining ++++"],
            output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public async Task Reset_on_a_new_generation_wifi_device_in_provisioning_mode_is_reported_as_answered()
    {
        await using var device = await TestDevice.Http().Flavor(DeviceFlavor.Netprov).StartAsync();

        var r = await CliHarness.RunAsync(Args(device, "--reset"));

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("==== Wi-Fi config reset successfully ====", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dataset_comes_from_the_flag_then_the_file_then_the_variable_and_a_bad_one_names_its_source()
    {
        var file = Path.Combine(Path.GetTempPath(), $"espprov-dataset-{Guid.NewGuid():n}.hex");
        File.WriteAllText(file, BuiltIn + "\n");
        try
        {
            var env = new Dictionary<string, string> { ["ESP_PROV_DATASET_TLVS"] = "0102" };
            Assert.Equal(BuiltIn, CliHarness.Settings(env, "--dataset-file", file).Dataset!.ToHex());
            Assert.Equal(BuiltIn, CliHarness.Settings(new Dictionary<string, string> { ["ESP_PROV_DATASET_TLVS"] = BuiltIn }).Dataset!.ToHex());
            Assert.Null(CliHarness.Settings(new Dictionary<string, string> { ["ESP_PROV_DATASET_TLVS"] = BuiltIn }, "--ssid", "x").Dataset);
            var bad = CliHarness.Settings(env);
            Assert.Null(bad.Dataset);
            Assert.StartsWith("$ESP_PROV_DATASET_TLVS: not a valid Thread dataset: byte 0, PAN ID (1)", bad.UsageError, StringComparison.Ordinal);
            Assert.DoesNotContain(BuiltIn, CliHarness.Settings(env, "--dataset-file", file).ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static void AssertNoKey(CliResult r)
    {
        foreach (var form in SecretForms.OfBytes(Convert.FromHexString(Key)))
        {
            Assert.DoesNotContain(form, r.All, StringComparison.OrdinalIgnoreCase);
        }
    }
}
