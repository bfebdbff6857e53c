using EspProv.Device;
using EspProv.Device.Ble.Peripheral;
using EspProv.Device.Thread;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Tests.Ble.Device.Support;
using EspProv.Tests.Support;
using EspProv.Thread;
using Xunit;

namespace EspProv.Tests.Thread;

/// <summary>The Thread device over the BLE front-end (Espressif's Thread example provisions over BLE), through the virtual BlueZ.</summary>
public sealed class ThreadBleTests
{
    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Thread_device_scans_and_attaches_over_ble()
    {
        await using var bed = await BleTestBed.StartAsync(
            TestDevice.Ble().Flavor(DeviceFlavor.Netprov).With(o => o.NetworkType, NetworkKind.Thread).Security(EspProv.Device.Security.DeviceSecurity2.FromPassword("wifiprov", "abcd1234")),
            BleStack.NimBle);
        await using var client = new ProvisioningClient(bed.CreateTransport());

        Assert.Contains("thread_prov", (await client.GetVersionAsync().WaitAsync(BleTestBed.Timeout)).Capabilities);
        await client.EstablishSessionAsync(new Security2("wifiprov", "abcd1234")).WaitAsync(BleTestBed.Timeout);
        Assert.Equal("EspProv-Sim", Assert.Single(await client.ScanThreadAsync().WaitAsync(BleTestBed.Timeout)).NetworkName);
        await client.SetThreadDatasetAsync(SimulatedThreadNetwork.Default.Dataset).WaitAsync(BleTestBed.Timeout);
        await client.ApplyThreadConfigAsync().WaitAsync(BleTestBed.Timeout);

        Assert.Equal(ThreadNetworkState.Attached, (await client.GetThreadStatusAsync().WaitAsync(BleTestBed.Timeout)).State);
        Assert.All(bed.Device.Requests, r => Assert.Equal("ble", r.FrontEnd));
    }
}
