using EspProv.Device;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Tests.Device.Support;
using EspProv.Tests.Support;
using EspProv.Thread;
using Xunit;

namespace EspProv.Tests.Thread;

/// <summary>The one flow (<see cref="ProvisioningClient.ProvisionAsync"/>) against a simulated Thread device: the device's capabilities choose the Thread steps.</summary>
public sealed class ThreadFlowTests
{
    private static TestDevice Device => ThreadDeviceTests.ThreadDevice.ConnectDelay(TimeSpan.Zero);

    private static ProvisioningPlan Plan(NetworkCredentials credentials) =>
        ProvisioningPlan.For(new Security1(SimulatedDeviceOptions.DefaultPop), credentials);

    [Fact]
    public async Task A_dataset_is_sent_applied_and_the_device_attaches()
    {
        await using var device = await Device.StartAsync();
        await using var client = ThreadDeviceTests.Client(device);
        var observer = new Recorder();

        var outcome = await client.ProvisionAsync(Plan(new ThreadCredentials(ThreadDeviceTests.BuiltIn)), observer);

        var network = Assert.IsType<ThreadNetworkInfo>(outcome.Connection);
        Assert.Equal(("EspProv-Sim", (ushort)0x5eed, 15), (network.NetworkName, network.PanId, network.Channel));
        Assert.Equal(ProvisioningState.Succeeded, device.ProvisioningState);
        Assert.Equal(ThreadNetworkState.Attached, Assert.IsType<ThreadStatus>(observer.Statuses[^1]).State);
    }

    [Fact]
    public async Task Wifi_credentials_for_a_thread_device_are_refused_before_anything_is_configured()
    {
        await using var device = await Device.StartAsync();
        await using var client = ThreadDeviceTests.Client(device);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.ProvisionAsync(Plan(new WifiCredentials("myssid", "mypassword"))));

        Assert.Contains("provisions a Thread network", error.Message, StringComparison.Ordinal);
        Assert.Equal(ProvisioningState.Started, device.ProvisioningState);
        Assert.DoesNotContain(device.Requests, r => r.Endpoint == "prov-config");
    }

    [Fact]
    public async Task A_dataset_for_a_wifi_device_is_refused_before_anything_is_configured()
    {
        await using var device = await TestDevice.InMemory().Flavor(DeviceFlavor.Netprov).StartAsync();
        await using var client = ThreadDeviceTests.Client(device);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.ProvisionAsync(Plan(new ThreadCredentials(ThreadDeviceTests.BuiltIn))));

        Assert.Contains("provisions a Wi-Fi network", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(device.Requests, r => r.Endpoint == "prov-config");
    }

    [Fact]
    public async Task A_network_that_is_not_there_fails_with_network_not_found()
    {
        await using var device = await Device.With(o => o.AttachTimeout, TimeSpan.Zero).StartAsync();
        await using var client = ThreadDeviceTests.Client(device);

        var error = await Assert.ThrowsAsync<ThreadAttachFailedException>(() => client.ProvisionAsync(Plan(new ThreadCredentials(ThreadDataset.CreateActive()))));

        Assert.Equal(ThreadFailureReason.NetworkNotFound, error.Reason);
        Assert.Equal(EspProv.Exceptions.ProvisioningStep.Status, error.Step);
        Assert.IsAssignableFrom<NetworkConnectionFailedException>(error);
    }

    [Fact]
    public void Credentials_never_show_the_dataset_and_refuse_an_empty_one()
    {
        var credentials = new ThreadCredentials(ThreadDeviceTests.BuiltIn);

        Assert.DoesNotContain(Convert.ToHexStringLower(ThreadDeviceTests.BuiltIn.NetworkKey!.Value.Span), credentials.ToString(), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ThreadCredentials(new ThreadDataset()).Validate());
    }

    private sealed class Recorder : IProvisioningObserver
    {
        public List<NetworkStatus> Statuses { get; } = [];

        public void StatusReceived(NetworkStatus status) => Statuses.Add(status);
    }
}
