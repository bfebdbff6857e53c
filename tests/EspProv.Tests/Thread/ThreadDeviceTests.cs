using EspProv.Device;
using EspProv.Device.Thread;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Tests.Device.Support;
using EspProv.Tests.Support;
using EspProv.Thread;
using EspProv.Transport;
using Xunit;

namespace EspProv.Tests.Thread;

/// <summary>A real client (ProvisioningClient + ThreadClient) against the netprov flavour in Thread mode, in memory.</summary>
public sealed class ThreadDeviceTests
{
    internal static TestDevice ThreadDevice => TestDevice.InMemory().Flavor(DeviceFlavor.Netprov).With(o => o.NetworkType, NetworkKind.Thread);

    internal static ThreadDataset BuiltIn => SimulatedThreadNetwork.Default.Dataset;

    [Fact]
    public async Task Proto_ver_says_network_provisioning_thread()
    {
        await using var device = await ThreadDevice.StartAsync();
        await using var client = Client(device);

        var info = await client.GetVersionAsync();

        Assert.Equal("netprov-v1.2", info.Version);
        Assert.Equal(["thread_prov", "thread_scan"], info.Capabilities);
        Assert.Equal(new NetworkSupport(DeviceGeneration.NetworkProvisioning, NetworkKind.Thread, CanScan: true), NetworkSupport.From(info));
    }

    [Fact]
    public async Task Wifi_device_of_the_new_generation_lists_wifi_prov()
    {
        await using var device = await TestDevice.InMemory().Flavor(DeviceFlavor.Netprov).StartAsync();
        await using var client = Client(device);

        var info = await client.GetVersionAsync();

        Assert.Equal(["wifi_prov", "wifi_scan"], info.Capabilities);
        Assert.Equal(new NetworkSupport(DeviceGeneration.NetworkProvisioning, NetworkKind.Wifi, true), NetworkSupport.From(info));
    }

    [Fact]
    public async Task The_built_in_dataset_attaches_after_the_connect_delay()
    {
        var time = new TestClock();
        await using var device = await ThreadDevice.With(o => o.TimeProvider, time).ConnectDelay(TimeSpan.FromSeconds(2)).StartAsync();
        await using var client = await SessionAsync(device);

        await client.SetThreadDatasetAsync(BuiltIn);
        await client.ApplyThreadConfigAsync();
        Assert.Equal(ThreadNetworkState.Attaching, (await client.GetThreadStatusAsync()).State);
        time.Advance(TimeSpan.FromSeconds(2));
        var status = await client.GetThreadStatusAsync();

        Assert.Equal(ThreadNetworkState.Attached, status.State);
        Assert.Equal(new ThreadNetworkInfo(0x5eed, status.Network!.ExtendedPanId, 15, "EspProv-Sim"), status.Network);
        Assert.Equal("5eed5eed00c0ffee", Convert.ToHexStringLower(status.Network.ExtendedPanId.Span));
        Assert.Equal(ProvisioningState.Succeeded, device.ProvisioningState);
        Assert.Equal(1, device.AppliesReceived);
    }

    [Fact]
    public async Task A_dataset_with_the_key_and_extended_pan_id_attaches_whatever_else_it_says()
    {
        await using var device = await ThreadDevice.StartAsync();
        await using var client = await SessionAsync(device);
        var mine = new ThreadDataset { NetworkKey = BuiltIn.NetworkKey, ExtendedPanId = BuiltIn.ExtendedPanId, Channel = 20 };

        await client.SetThreadDatasetAsync(mine);
        await client.ApplyThreadConfigAsync();

        Assert.Equal(ThreadNetworkState.Attached, (await client.GetThreadStatusAsync()).State);
    }

    [Fact]
    public async Task A_valid_dataset_of_an_unknown_network_ends_in_network_not_found_after_the_attach_timeout()
    {
        var time = new TestClock();
        await using var device = await ThreadDevice.With(o => o.TimeProvider, time).With(o => o.AttachTimeout, TimeSpan.FromSeconds(3)).StartAsync();
        await using var client = await SessionAsync(device);

        await client.SetThreadDatasetAsync(ThreadDataset.CreateActive());
        await client.ApplyThreadConfigAsync();
        time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.Equal(ThreadNetworkState.Attaching, (await client.GetThreadStatusAsync()).State);
        time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Equal(new ThreadStatus(ThreadNetworkState.AttachingFailed, ThreadFailureReason.NetworkNotFound, null), await client.GetThreadStatusAsync());
        Assert.Equal(ProvisioningState.Failed, device.ProvisioningState);
    }

    [Fact]
    public async Task A_malformed_dataset_fails_at_apply_and_reports_dataset_invalid()
    {
        await using var device = await ThreadDevice.StartAsync();
        await using var client = await SessionAsync(device);

        // Sent as raw bytes: the library refuses to build a malformed ThreadDataset.
        await SendRawDatasetAsync(client, Convert.FromHexString("0102123405"));
        var error = await Assert.ThrowsAsync<DeviceStatusException>(() => client.ApplyThreadConfigAsync());

        Assert.Equal(DeviceStatus.InternalError, error.Status);
        Assert.Equal(ProvisioningStep.ApplyConfig, error.Step);
        Assert.Equal(new ThreadStatus(ThreadNetworkState.AttachingFailed, ThreadFailureReason.DatasetInvalid, null), await client.GetThreadStatusAsync());
        Assert.Equal(0, device.AppliesReceived);
    }

    [Fact]
    public async Task Apply_without_a_dataset_and_a_second_apply_are_refused()
    {
        await using var device = await ThreadDevice.StartAsync();
        await using var client = await SessionAsync(device);

        await Assert.ThrowsAsync<DeviceStatusException>(() => client.ApplyThreadConfigAsync());
        await client.SetThreadDatasetAsync(BuiltIn);
        await client.ApplyThreadConfigAsync();
        await client.SetThreadDatasetAsync(BuiltIn);
        await Assert.ThrowsAsync<DeviceStatusException>(() => client.ApplyThreadConfigAsync());
        Assert.Equal(1, device.AppliesReceived);
    }

    [Fact]
    public async Task Wifi_requests_to_a_thread_device_get_invalid_argument()
    {
        await using var device = await ThreadDevice.StartAsync();
        await using var client = await SessionAsync(device);

        var set = await Assert.ThrowsAsync<DeviceStatusException>(() => client.SetWifiConfigAsync(new WifiCredentials("myssid", "mypassword")));
        var status = await Assert.ThrowsAsync<DeviceStatusException>(() => client.GetWifiStatusAsync());
        var scan = await Assert.ThrowsAsync<DeviceStatusException>(() => client.ScanAsync());
        var reset = await Assert.ThrowsAsync<DeviceStatusException>(() => client.ResetWifiAsync());

        Assert.All(new[] { set, status, scan, reset }, e => Assert.Equal(DeviceStatus.InvalidArgument, e.Status));
        Assert.Null(device.PendingCredentials);
    }

    [Fact]
    public async Task Thread_requests_to_a_wifi_device_get_invalid_argument()
    {
        await using var device = await TestDevice.InMemory().Flavor(DeviceFlavor.Netprov).StartAsync();
        await using var client = await SessionAsync(device);

        var set = await Assert.ThrowsAsync<DeviceStatusException>(() => client.SetThreadDatasetAsync(BuiltIn));
        var scan = await Assert.ThrowsAsync<DeviceStatusException>(() => client.ScanThreadAsync());
        var reset = await Assert.ThrowsAsync<DeviceStatusException>(() => client.ResetThreadAsync());

        Assert.All(new[] { set, scan, reset }, e => Assert.Equal(DeviceStatus.InvalidArgument, e.Status));
        Assert.Null(device.ThreadStatus);
    }

    [Fact]
    public async Task Scan_lists_the_simulated_networks_strongest_first_on_the_mask()
    {
        var other = new SimulatedThreadNetwork(ThreadDataset.CreateActive(new ThreadDatasetParts { Channel = 20, NetworkName = "Neighbours" })) { Rssi = -30, Lqi = 250 };
        var far = new SimulatedThreadNetwork(ThreadDataset.CreateActive(new ThreadDatasetParts { Channel = 25, NetworkName = "Far" })) { Rssi = -90, Lqi = 40 };
        await using var device = await ThreadDevice.With(o => o.ThreadNetworks, (IReadOnlyList<SimulatedThreadNetwork>)[SimulatedThreadNetwork.Default, other, far]).StartAsync();
        await using var client = await SessionAsync(device);

        var all = await client.ScanThreadAsync();
        var some = await client.ScanThreadAsync(channelMask: (1u << 15) | (1u << 25));

        Assert.Equal(["Neighbours", "EspProv-Sim", "Far"], all.Select(n => n.NetworkName));
        Assert.Equal((ushort)0x5eed, all[1].PanId);
        Assert.Equal(-45, all[1].Rssi);
        Assert.Equal(220, all[1].Lqi);
        Assert.Equal(8, all[1].ExtendedAddress.Length);
        Assert.Equal("5eed5eed00c0ffee", Convert.ToHexStringLower(all[1].ExtendedPanId.Span));
        Assert.Equal(["EspProv-Sim", "Far"], some.Select(n => n.NetworkName));
    }

    [Fact]
    public async Task Reset_answers_success_in_provisioning_mode_and_after_a_failure_but_not_while_attaching()
    {
        var time = new TestClock();
        await using var device = await ThreadDevice.With(o => o.TimeProvider, time).With(o => o.AttachTimeout, TimeSpan.FromSeconds(3)).StartAsync();
        await using var client = await SessionAsync(device);

        await client.ResetThreadAsync();
        await client.SetThreadDatasetAsync(ThreadDataset.CreateActive());
        await client.ApplyThreadConfigAsync();
        await Assert.ThrowsAsync<DeviceStatusException>(() => client.ResetThreadAsync());
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(ThreadFailureReason.NetworkNotFound, (await client.GetThreadStatusAsync()).FailureReason);
        await client.ResetThreadAsync();
        await client.SetThreadDatasetAsync(BuiltIn);
        await client.ApplyThreadConfigAsync();

        Assert.Equal(ThreadNetworkState.Attached, (await client.GetThreadStatusAsync()).State);
        Assert.Equal(2, device.AppliesReceived);
    }

    [Fact]
    public async Task Reprovision_needs_auto_stop_off()
    {
        await using var on = await ThreadDevice.StartAsync();
        await using var onClient = await SessionAsync(on);
        await Assert.ThrowsAsync<DeviceStatusException>(() => onClient.ReprovisionThreadAsync());

        await using var off = await ThreadDevice.AutoStop(false).StartAsync();
        await using var client = await SessionAsync(off);
        await client.SetThreadDatasetAsync(BuiltIn);
        await client.ApplyThreadConfigAsync();
        Assert.Equal(ThreadNetworkState.Attached, (await client.GetThreadStatusAsync()).State);
        await client.ReprovisionThreadAsync();

        Assert.Equal(ProvisioningState.Started, off.ProvisioningState);
        Assert.Equal(ThreadNetworkState.Attaching, (await client.GetThreadStatusAsync()).State);
    }

    [Fact]
    public async Task Reading_attached_stops_the_device_a_second_later()
    {
        var time = new TestClock();
        await using var device = await ThreadDevice.With(o => o.TimeProvider, time).StartAsync();
        await using var client = await SessionAsync(device);
        await client.SetThreadDatasetAsync(BuiltIn);
        await client.ApplyThreadConfigAsync();
        await client.GetThreadStatusAsync();

        time.Advance(TimeSpan.FromSeconds(1));

        await device.Stopped.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ProvisioningState.Stopped, device.ProvisioningState);
    }

    [Fact]
    public async Task Rearm_serves_one_thread_flow_after_another()
    {
        await using var device = await ThreadDevice.With(o => o.Rearm, true).StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await using var client = await SessionAsync(device);
            await client.SetThreadDatasetAsync(BuiltIn);
            await client.ApplyThreadConfigAsync();
            Assert.Equal(ThreadNetworkState.Attached, (await client.GetThreadStatusAsync()).State);
        }

        Assert.Equal(3, device.AppliesReceived);
        Assert.Equal(ProvisioningState.Started, device.ProvisioningState);
    }

    [Fact]
    public async Task The_device_never_logs_the_network_key_or_the_pskc()
    {
        using var loggers = new EspProv.Tests.Logging.CapturingLoggerFactory();
        await using var device = await ThreadDevice.With(o => o.LoggerFactory, (Microsoft.Extensions.Logging.ILoggerFactory)loggers).StartAsync();
        await using var client = await SessionAsync(device);
        await client.SetThreadDatasetAsync(BuiltIn);
        await client.ApplyThreadConfigAsync();
        await client.GetThreadStatusAsync();

        var text = string.Join('\n', loggers.Lines);
        Assert.Contains("attached to 'EspProv-Sim'", text, StringComparison.Ordinal);
        foreach (var form in SecretForms.OfBytes(BuiltIn.NetworkKey!.Value.ToArray()).Concat(SecretForms.OfBytes(BuiltIn.Pskc!.Value.ToArray())))
        {
            Assert.DoesNotContain(form, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Every_security_scheme_carries_the_thread_flow(int scheme)
    {
        var device = scheme switch
        {
            0 => ThreadDevice.Security(EspProv.Device.Security.DeviceSecurity0.Instance),
            1 => ThreadDevice,
            _ => ThreadDevice.Security(EspProv.Device.Security.DeviceSecurity2.FromPassword("wifiprov", "abcd1234")),
        };
        ISecurity security = scheme switch
        {
            0 => Security0.Instance,
            1 => new Security1(SimulatedDeviceOptions.DefaultPop),
            _ => new Security2("wifiprov", "abcd1234"),
        };
        await using var started = await device.StartAsync();
        await using var client = Client(started);
        await client.EstablishSessionAsync(security);

        await client.SetThreadDatasetAsync(BuiltIn);
        await client.ApplyThreadConfigAsync();

        Assert.Equal(ThreadNetworkState.Attached, (await client.GetThreadStatusAsync()).State);
    }

    internal static ProvisioningClient Client(SimulatedDevice device) => new(device.CreateInMemoryTransport(), ownsTransport: true);

    internal static async Task<ProvisioningClient> SessionAsync(SimulatedDevice device, ISecurity? security = null)
    {
        var client = Client(device);
        await client.EstablishSessionAsync(security ?? new Security1(SimulatedDeviceOptions.DefaultPop));
        return client;
    }

    private static async Task SendRawDatasetAsync(ProvisioningClient client, byte[] dataset)
    {
        var request = new EspProv.Protocol.Network.NetworkConfigPayload
        {
            Msg = EspProv.Protocol.Network.NetworkConfigMsgType.TypeCmdSetThreadConfig,
            CmdSetThreadConfig = new() { Dataset = Google.Protobuf.ByteString.CopyFrom(dataset) },
        };
        var reply = await client.SendDataAsync(Endpoints.Config, Google.Protobuf.MessageExtensions.ToByteArray(request));
        Assert.Equal(EspProv.Protocol.Status.Success, EspProv.Protocol.Network.NetworkConfigPayload.Parser.ParseFrom(reply).RespSetThreadConfig.Status);
    }
}
