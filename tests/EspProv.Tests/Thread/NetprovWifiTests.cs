using EspProv.Device;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Tests.Device.Support;
using EspProv.Tests.Support;
using Xunit;

namespace EspProv.Tests.Thread;

/// <summary>The netprov flavour as a Wi-Fi device: the old client provisions it, reset answers Success in provisioning mode, attempts are reported.</summary>
public sealed class NetprovWifiTests
{
    private static TestDevice WifiDevice => TestDevice.InMemory().Flavor(DeviceFlavor.Netprov);

    [Fact]
    public async Task The_wifi_flow_is_unchanged()
    {
        await using var device = await WifiDevice.StartAsync();
        await using var client = ThreadDeviceTests.Client(device);

        var outcome = await client.ProvisionAsync(ProvisioningPlan.For(new EspProv.Security.Security1("abcd1234"), new WifiCredentials("myssid", "mypassword")) with
        {
            ExpectedVersion = "netprov-v1.2",
            RequireVersionMatch = true,
        });

        Assert.Equal("myssid", Assert.IsType<WifiConnectionInfo>(outcome.Connection).Ssid);
        Assert.Equal(ProvisioningState.Succeeded, device.ProvisioningState);
    }

    [Fact]
    public async Task Reset_answers_success_in_provisioning_mode()
    {
        await using var device = await WifiDevice.StartAsync();
        await using var client = await ThreadDeviceTests.SessionAsync(device);

        await client.ResetWifiAsync();

        Assert.Equal(ProvisioningState.Started, device.ProvisioningState);
    }

    [Fact]
    public async Task The_old_generation_still_refuses_reset_before_a_failure()
    {
        await using var device = await TestDevice.InMemory().StartAsync();
        await using var client = await ThreadDeviceTests.SessionAsync(device);

        var error = await Assert.ThrowsAsync<DeviceStatusException>(() => client.ResetWifiAsync());
        Assert.Equal(DeviceStatus.InternalError, error.Status);
    }

    [Fact]
    public async Task Retrying_reports_attempt_failed_with_the_attempts_remaining()
    {
        var time = new TestClock();
        await using var device = await WifiDevice.With(o => o.TimeProvider, time).With(o => o.ConnectionAttempts, 3).ConnectDelay(TimeSpan.FromSeconds(1)).StartAsync();
        await using var client = await ThreadDeviceTests.SessionAsync(device);
        await client.SetWifiConfigAsync(new WifiCredentials("myssid", "wrong-password"));
        await client.ApplyWifiConfigAsync();

        var seen = new List<WifiStatus>();
        for (var i = 0; i < 4; i++)
        {
            seen.Add(await client.GetWifiStatusAsync());
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal([null, 2u, 1u, null], seen.Select(s => s.AttemptsRemaining));
        Assert.Equal([WifiConnectionState.Connecting, WifiConnectionState.Connecting, WifiConnectionState.Connecting, WifiConnectionState.ConnectionFailed], seen.Select(s => s.State));
        Assert.Equal(WifiFailureReason.AuthError, seen[3].FailureReason);
        await client.ResetWifiAsync();
        Assert.Equal(ProvisioningState.Started, device.ProvisioningState);
    }

    [Fact]
    public void Options_refuse_thread_outside_the_netprov_flavour()
    {
        var error = Assert.Throws<ArgumentException>(() => TestDevice.InMemory().With(o => o.NetworkType, NetworkKind.Thread).Create());
        Assert.Equal("NetworkType", error.ParamName);
    }
}
