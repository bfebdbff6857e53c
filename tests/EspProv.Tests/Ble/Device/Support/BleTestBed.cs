using System.Text;
using EspProv.Device;
using EspProv.Device.Ble.Peripheral;
using EspProv.Tests.Ble.Support;
using EspProv.Tests.Support;
using EspProv.VirtualBluez;
using Tmds.DBus.Protocol;

namespace EspProv.Tests.Ble.Device.Support;

/// <summary>
/// A simulated device registered on the virtual BlueZ's hci1 through its BLE front-end, and the C# test central on hci0
/// that has found it. <see cref="ConnectAsync"/> connects and maps endpoint names to characteristics through the 0x2901
/// descriptors, as every Espressif client does.
/// </summary>
internal sealed class BleTestBed : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    public const string Characteristic = "org.bluez.GattCharacteristic1";
    public const string Descriptor = "org.bluez.GattDescriptor1";
    public const string Device1 = "org.bluez.Device1";

    private BleTestBed(VirtualBluezService bluez, SimulatedDevice device, TestCentral central, string devicePath)
    {
        Bluez = bluez;
        Device = device;
        Central = central;
        DevicePath = devicePath;
    }

    public VirtualBluezService Bluez { get; }

    public SimulatedDevice Device { get; }

    public TestCentral Central { get; }

    /// <summary>The device as the central sees it: <c>/org/bluez/hci0/dev_…</c>.</summary>
    public string DevicePath { get; }

    /// <summary>Endpoint name → characteristic path, after <see cref="ConnectAsync"/>.</summary>
    public Dictionary<string, string> Endpoints { get; } = new(StringComparer.Ordinal);

    /// <summary>Descriptor paths in handle order, after <see cref="ConnectAsync"/>.</summary>
    public List<string> DescriptorPaths { get; } = [];

    public static async Task<BleTestBed> StartAsync(TestDevice device, BleStack stack = BleStack.NimBle, ushort mtu = 517, string name = "PROV_B1E7E5")
    {
        var bluez = await VirtualBluezService.StartAsync(new VirtualBluezOptions { RandomSeed = 11, Mtu = mtu });
        SimulatedDevice? started = null;
        try
        {
            started = await device.StartBleAsync(new BleDeviceOptions { Name = name, Adapter = "hci1", BusAddress = bluez.BusAddress, Stack = stack });
            var central = await TestCentral.StartAsync(bluez.BusAddress);
            await central.StartDiscoveryAsync();
            var path = await central.WaitForAsync(c => c.FindDevice(d => d.TryGetValue("Alias", out var a) && a.GetString() == name), "device advertised", Timeout);
            return new BleTestBed(bluez, started, central, path);
        }
        catch
        {
            if (started is not null)
            {
                await started.DisposeAsync();
            }

            await bluez.DisposeAsync();
            throw;
        }
    }

    public async Task ConnectAsync()
    {
        await Central.ConnectAsync(DevicePath);
        Endpoints.Clear();
        DescriptorPaths.Clear();
        DescriptorPaths.AddRange(Central.Paths()
            .Where(p => p.StartsWith(DevicePath + "/", StringComparison.Ordinal) && Central.Properties(p, Descriptor)?["UUID"].GetString() == "00002901-0000-1000-8000-00805f9b34fb")
            .Order(StringComparer.Ordinal));
        foreach (var desc in DescriptorPaths)
        {
            Endpoints[Encoding.Latin1.GetString(await Central.ReadAsync(desc, Descriptor))] = desc[..desc.LastIndexOf('/')];
        }
    }

    public Task DisconnectAsync() => Central.CallAsync(DevicePath, Device1, "Disconnect");

    public Task WaitConnectedAsync(bool connected) =>
        Central.WaitForAsync(c => c.Is(DevicePath, Device1, "Connected", connected) ? "" : null, connected ? "connected" : "disconnected", Timeout);

    public bool IsConnected => Central.Is(DevicePath, Device1, "Connected", true);

    public Task WriteAsync(string endpoint, byte[] value) => Central.WriteAsync(Endpoints[endpoint], Characteristic, value);

    public Task<byte[]> ReadAsync(string endpoint, ushort offset = 0) => Central.ReadAsync(Endpoints[endpoint], Characteristic, offset);

    /// <summary>Write with response, then read: one BLE exchange (docs/ble.md#requests-and-responses).</summary>
    public async Task<byte[]> ExchangeAsync(string endpoint, byte[] request)
    {
        await WriteAsync(endpoint, request);
        return await ReadAsync(endpoint);
    }

    /// <summary>The test central as a provisioning transport for <see cref="EspProv.Provisioning.ProvisioningClient"/>.</summary>
    public CentralTransport CreateTransport() => new(this);

    public async ValueTask DisposeAsync()
    {
        await Central.DisposeAsync();
        await Device.DisposeAsync();
        await Bluez.DisposeAsync();
    }
}
