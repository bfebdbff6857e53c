using EspProv.Device;
using EspProv.Provisioning;
using EspProv.Tests.Cli;
using EspProv.Tests.Support;
using Xunit;

namespace EspProv.Tests.Batch;

/// <summary>Batches of Thread devices: the manifest's <c>dataset_tlvs</c> column and <c>--dataset-file</c>.</summary>
public sealed class BatchThreadTests
{
    private static SimulatedDeviceOptions ThreadOptions =>
        TestDevice.Http().Security(new EspProv.Device.Security.DeviceSecurity1(BatchTestKit.Pop)).Flavor(DeviceFlavor.Netprov)
            .With(o => o.NetworkType, NetworkKind.Thread).ConnectDelay(TimeSpan.Zero).AutoStop(false).Build();

    private static string BuiltIn => Thread.ThreadDeviceTests.BuiltIn.ToHex();

    [Fact]
    public async Task The_dataset_tlvs_column_provisions_thread_devices_even_beside_an_ssid_flag()
    {
        await using var kit = await new BatchTestKit().StartAsync(2, ThreadOptions);
        kit.WriteManifest("dataset_tlvs", _ => BuiltIn);

        var r = await kit.RunAsync("--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        var results = r.Output.Split('\n').Where(l => l.Contains("\"event\":\"result\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, results.Count);
        Assert.All(results, l => Assert.Contains("\"network\":\"thread\",\"network_name\":\"EspProv-Sim\",\"pan_id\":\"0x5eed\"", l, StringComparison.Ordinal));
        Assert.All(kit.Devices, d => Assert.Equal(1, d.AppliesReceived));
        AssertNoKey(r.All + System.Text.Encoding.Latin1.GetString(kit.JournalBytes()));
    }

    [Fact]
    public async Task An_incomplete_dataset_in_a_row_is_sent_with_a_warning_for_that_device_only()
    {
        await using var kit = await new BatchTestKit().StartAsync(2, ThreadOptions);
        // esp_prov's own partial form (channel, extended PAN ID, network key, PAN ID) for the first device only.
        var partial = "000300000f" + "02085eed5eed00c0ffee" + "0510" + "00112233445566778899aabbccddeeff" + "01025eed";
        kit.WriteManifest("dataset_tlvs", i => i == 0 ? partial : BuiltIn);

        var text = await kit.RunAsync();

        Assert.True(text.ExitCode == 0, text.ToString());
        var warning = Assert.Single(text.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("warning", StringComparison.Ordinal));
        Assert.Contains($"device '{BatchTestKit.Name(0)}'", warning, StringComparison.Ordinal);
        Assert.Contains("Network Name (3)", warning, StringComparison.Ordinal);
        Assert.All(kit.Devices, d => Assert.Equal(1, d.AppliesReceived));
        AssertNoKey(text.All);
    }

    [Fact]
    public async Task Dataset_file_serves_every_row_without_the_column()
    {
        await using var kit = await new BatchTestKit().StartAsync(1, ThreadOptions);
        kit.WriteManifest();
        var file = kit.ManifestPath + ".dataset";
        await File.WriteAllTextAsync(file, BuiltIn + "\n");

        var ok = await CliHarness.RunAsync("batch", "--manifest", kit.ManifestPath, "--journal", kit.JournalPath, "--dataset-file", file, "--timeout", "20");
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Equal(1, kit.Devices[0].AppliesReceived);
    }

    [Fact]
    public async Task A_wifi_only_batch_fails_a_thread_device_with_the_advice_and_sends_no_config()
    {
        await using var kit = await new BatchTestKit().StartAsync(1, ThreadOptions);
        kit.WriteManifest();

        var r = await kit.RunAsync("--json");

        Assert.Equal(13, r.ExitCode);
        Assert.Contains("a Thread device (network_provisioning", r.Output, StringComparison.Ordinal);
        Assert.Contains("\"exit_code\":64", r.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(kit.Devices[0].Requests, q => q.Endpoint is "prov-config" or "prov-session");
    }

    [Fact]
    public async Task A_malformed_dataset_in_the_manifest_is_a_manifest_error_with_its_line_and_no_hex()
    {
        await using var kit = await new BatchTestKit().StartAsync(1, ThreadOptions);
        kit.WriteManifest("dataset_tlvs", _ => "000300000f0101" + "3400112233445566778899aabbccddeeff");

        var r = await kit.RunAsync();

        Assert.Equal(64, r.ExitCode);
        Assert.Contains("line 2", r.Error, StringComparison.Ordinal);
        Assert.Contains("bad dataset_tlvs: Thread dataset: byte 5, PAN ID (1)", r.Error, StringComparison.Ordinal);
        AssertNoKey(r.All);
        Assert.Empty(kit.Devices[0].Requests);
    }

    private static void AssertNoKey(string text)
    {
        foreach (var form in SecretForms.OfBytes(Convert.FromHexString("00112233445566778899aabbccddeeff")))
        {
            Assert.DoesNotContain(form, text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
