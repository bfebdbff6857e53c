using EspProv.Device;
using EspProv.Provisioning;
using EspProv.Tests.Cli;
using EspProv.Tests.Support;
using EspProv.Thread;
using Xunit;

namespace EspProv.Tests.Doctor;

/// <summary><c>esp-prov doctor</c> against network_provisioning devices: generation and kind, misfit flags, the dataset check (never sent).</summary>
public sealed class DoctorThreadTests
{
    private static TestDevice ThreadDevice => TestDevice.Http().Flavor(DeviceFlavor.Netprov).With(o => o.NetworkType, NetworkKind.Thread);

    private static string[] Doctor(SimulatedDevice d, params string[] more) => ["doctor", "--timeout", "10", "--softap_endpoint", $"127.0.0.1:{d.EndPoint.Port}", "--pop", "abcd1234", .. more];

    [Fact]
    public async Task A_complete_dataset_the_device_hears_passes_and_nothing_is_configured()
    {
        await using var d = await ThreadDevice.StartAsync();

        var r = await CliHarness.RunAsync(Doctor(d, "--dataset_tlvs", Thread.ThreadDeviceTests.BuiltIn.ToHex()));

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("[passed] firmware: network_provisioning (ESP-IDF 6), a Thread device", r.Output, StringComparison.Ordinal);
        Assert.Contains("[passed] dataset: a complete active dataset for 'EspProv-Sim' (PAN ID 0x5eed, channel 15); it was not sent; the device hears it on channel 15", r.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(d.Requests, q => q.Endpoint == "prov-config");
        Assert.DoesNotContain("00112233445566778899aabbccddeeff", r.All, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_incomplete_dataset_is_a_warning_naming_what_it_lacks()
    {
        await using var d = await ThreadDevice.StartAsync();
        var partial = ThreadDataset.Parse(Thread.ThreadDeviceTests.BuiltIn.ToHex());
        partial.Remove(ThreadDatasetField.Pskc);
        partial.Remove(ThreadDatasetField.SecurityPolicy);

        var r = await CliHarness.RunAsync(Doctor(d, "--dataset_tlvs", partial.ToHex()));

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("[warning] dataset: the dataset (--dataset_tlvs) is not a complete active dataset: it lacks PSKc (4), Security Policy (12); the device hears it", r.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(d.Requests, q => q.Endpoint == "prov-config");
    }

    [Fact]
    public async Task Wifi_flags_for_a_thread_device_fail_with_exit_64_and_advice_before_a_session()
    {
        await using var d = await ThreadDevice.StartAsync();

        var r = await CliHarness.RunAsync(Doctor(d, "--ssid", "home"));

        Assert.Equal(64, r.ExitCode);
        Assert.Contains("[failed] firmware: a Thread device (network_provisioning, ESP-IDF 6 generation): it takes a Thread dataset, not --ssid", r.Output, StringComparison.Ordinal);
        Assert.Contains("ot-ctl dataset active -x", r.Output, StringComparison.Ordinal);
        Assert.Equal(["proto-ver"], d.Requests.Select(q => q.Endpoint));
    }

    [Fact]
    public async Task A_dataset_for_a_wifi_device_fails_with_exit_64()
    {
        await using var d = await TestDevice.Http().Flavor(DeviceFlavor.Netprov).StartAsync();

        var r = await CliHarness.RunAsync(Doctor(d, "--dataset_tlvs", Thread.ThreadDeviceTests.BuiltIn.ToHex()));

        Assert.Equal(64, r.ExitCode);
        Assert.Contains("[failed] firmware: a Wi-Fi device (network_provisioning, ESP-IDF 6 generation): it takes --ssid and --passphrase", r.Output, StringComparison.Ordinal);
        Assert.Equal(["proto-ver"], d.Requests.Select(q => q.Endpoint));
    }
}
