using EspProv.Cli;
using EspProv.Device.Thread;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Tests.Cli;
using EspProv.Tests.EndToEnd;
using EspProv.Thread;
using EspProv.Transport.Http;
using Xunit;

namespace EspProv.Tests.Thread;

/// <summary><c>esp-prov simulate --flavor netprov</c> over HTTP, driven by a real client.</summary>
public sealed class ThreadSimulateCommandTests
{
    [Fact]
    public async Task Thread_device_prints_its_dataset_before_listening_and_attaches_a_client_over_http()
    {
        var (run, output, stop, ports) = await SimulateCommandTests.StartAsync(1, "--listen", "127.0.0.1:0", "--flavor", "netprov", "--network-type", "thread", "--connect-delay", "0");
        var text = await output.WaitForAsync(t => t.Contains("Thread dataset: ", StringComparison.Ordinal), run, TimeSpan.FromSeconds(10));
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var dataset = SimulatedThreadNetwork.Default.Dataset.ToHex();
        var datasetLine = lines.IndexOf(dataset);
        var listening = lines.FindIndex(l => l.StartsWith("listening on", StringComparison.Ordinal));

        Assert.InRange(datasetLine, 0, listening - 1);
        Assert.Contains("\"transport\":\"softap\",\"network\":\"thread\"}", text, StringComparison.Ordinal);
        Assert.Contains("Thread dataset: " + dataset, text, StringComparison.Ordinal);
        Assert.True(ThreadDataset.Parse(lines[datasetLine]).IsCompleteActive);

        await using (var client = new ProvisioningClient(new HttpTransport(DeviceAddress.Parse($"127.0.0.1:{ports[0]}")), ownsTransport: true))
        {
            Assert.Equal(NetworkKind.Thread, NetworkSupport.From(await client.GetVersionAsync()).Network);
            await client.EstablishSessionAsync(new Security1("abcd1234"));
            Assert.Equal("EspProv-Sim", Assert.Single(await client.ScanThreadAsync()).NetworkName);
            await client.SetThreadDatasetAsync(ThreadDataset.Parse(lines[datasetLine]));
            await client.ApplyThreadConfigAsync();
            Assert.Equal(ThreadNetworkState.Attached, (await client.GetThreadStatusAsync()).State);
        }

        await stop.CancelAsync();
        Assert.Equal(0, await run);
        stop.Dispose();
    }

    [Fact]
    public async Task Wifi_device_of_the_new_generation_is_provisioned_by_the_cli_and_reports_attempts()
    {
        var (run, output, stop, ports) = await SimulateCommandTests.StartAsync(1, "--listen", "127.0.0.1:0", "--flavor", "netprov", "--connect-delay", "0", "--conn-attempts", "3");
        var ok = await CliHarness.RunAsync("--softap_endpoint", $"127.0.0.1:{ports[0]}", "--ssid", "myssid", "--passphrase", "mypassword", "--pop", "abcd1234");

        Assert.True(ok.ExitCode == 0, ok.ToString());
        // The QR label follows the listening line: wait for it rather than read a snapshot that may precede it.
        Assert.Contains("\"network\":\"wifi\"", await output.WaitForAsync(t => t.Contains("\"network\":\"wifi\"", StringComparison.Ordinal), run, TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
        await stop.CancelAsync();
        Assert.Equal(0, await run);
        stop.Dispose();
    }

    [Fact]
    public async Task A_fleet_of_thread_devices_with_a_network_absent_fault()
    {
        var faults = Path.GetTempFileName();
        await File.WriteAllTextAsync(faults, """[{"device":2,"fault":"network_absent"}]""");
        try
        {
            var (run, _, stop, ports) = await SimulateCommandTests.StartAsync(2, "--listen", "127.0.0.1:0", "--flavor", "netprov", "--network-type", "thread",
                "--devices", "2", "--connect-delay", "0", "--attach-timeout", "0", "--rearm", "--quiet", "--faults-file", faults);
            var outcomes = new List<ThreadStatus>();
            foreach (var port in ports)
            {
                await using var client = new ProvisioningClient(new HttpTransport(DeviceAddress.Parse($"127.0.0.1:{port}")), ownsTransport: true);
                await client.EstablishSessionAsync(new Security1("abcd1234"));
                await client.SetThreadDatasetAsync(SimulatedThreadNetwork.Default.Dataset);
                await client.ApplyThreadConfigAsync();
                outcomes.Add(await client.GetThreadStatusAsync());
            }

            Assert.Equal(ThreadNetworkState.Attached, outcomes[0].State);
            Assert.Equal(ThreadFailureReason.NetworkNotFound, outcomes[1].FailureReason);
            await stop.CancelAsync();
            Assert.Equal(0, await run);
            stop.Dispose();
        }
        finally
        {
            File.Delete(faults);
        }
    }

    [Theory]
    [InlineData("--network-type", "zigbee")]
    [InlineData("--thread-dataset", "0102123405")]
    [InlineData("--attach-timeout", "700000")]
    public async Task Bad_netprov_options_are_usage_errors(string option, string value)
    {
        var output = new StringWriter();
        var code = await new CliApp(output, output, new ScriptedTerminal()).RunAsync(["simulate", "--flavor", "netprov", option, value]);

        Assert.True(code == 64, output.ToString());
        Assert.Contains("esp-prov simulate:", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Thread_needs_the_netprov_flavour()
    {
        var output = new StringWriter();
        var code = await new CliApp(output, output, new ScriptedTerminal()).RunAsync(["simulate", "--network-type", "thread"]);

        Assert.Equal(64, code);
        Assert.Contains("--flavor netprov", output.ToString(), StringComparison.Ordinal);
    }
}
