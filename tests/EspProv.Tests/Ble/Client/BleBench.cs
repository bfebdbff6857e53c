using EspProv.Device;
using EspProv.Device.Ble.Peripheral;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Provisioning;
using EspProv.Tests.Logging;
using EspProv.Tests.Support;
using EspProv.Transport.Ble;
using EspProv.VirtualBluez;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Tests.Ble.Client;

/// <summary>
/// A virtual BlueZ on its own private bus with one simulated BLE device advertising on hci1, and the options a central
/// on hci0 needs to reach it. Each test gets its own, so tests run in parallel.
/// </summary>
internal sealed class BleBench : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private BleBench(VirtualBluezService bluez, SimulatedDevice device, string name)
    {
        Bluez = bluez;
        Device = device;
        Name = name;
    }

    public VirtualBluezService Bluez { get; }

    public SimulatedDevice Device { get; }

    public string Name { get; }

    public static async Task<BleBench> StartAsync(IDeviceSecurity? security = null, BleStack stack = BleStack.NimBle, bool autoStop = true,
        SimulatedNetwork[]? networks = null, string name = "PROV_C11E47", TimeSpan? connectDelay = null, int peripheralAdapters = 1)
    {
        var bluez = await VirtualBluezService.StartAsync(new VirtualBluezOptions { PeripheralAdapters = peripheralAdapters });
        try
        {
            var device = await TestDevice.Ble().Security(security ?? new DeviceSecurity1("abcd1234"))
                .ConnectDelay(connectDelay ?? TimeSpan.FromMilliseconds(30)).AutoStop(autoStop).Networks(networks ?? [SimulatedNetwork.Default])
                .StartBleAsync(new BleDeviceOptions { Name = name, Adapter = "hci1", Stack = stack, BusAddress = bluez.BusAddress });
            return new BleBench(bluez, device, name);
        }
        catch
        {
            await bluez.DisposeAsync();
            throw;
        }
    }

    public BleTransportOptions Options(string? name = null, TimeSpan? scanTimeout = null, List<string>? trace = null, TimeProvider? time = null) => new()
    {
        TimeProvider = time,
        ServiceName = name ?? Name,
        BusAddress = Bluez.BusAddress,
        ScanTimeout = scanTimeout ?? Timeout,
        LoggerFactory = trace is null ? NullLoggerFactory.Instance : new CapturingLoggerFactory(line => { lock (trace) { trace.Add(line); } }),
    };

    public (BleTransport Transport, ProvisioningClient Client) Connect(BleTransportOptions? options = null)
    {
        var transport = new BleTransport(options ?? Options());
        return (transport, new ProvisioningClient(transport, ownsTransport: true));
    }

    public async ValueTask DisposeAsync()
    {
        await Device.DisposeAsync();
        await Bluez.DisposeAsync();
    }
}
