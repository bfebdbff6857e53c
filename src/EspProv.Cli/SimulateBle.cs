using System.Text;
using EspProv.Device;
using EspProv.Device.Ble.Peripheral;
using EspProv.Device.Ble.VirtualBluez;

namespace EspProv.Cli;

/// <summary>The BLE settings of <c>esp-prov simulate --transport ble</c>, parsed and checked.</summary>
internal sealed record SimulateBleSettings(string? Name, string ServiceUuid, string? Adapter, BleStack Stack, bool VirtualBluez)
{
    public static BleStack ParseStack(string? text) => text?.ToLowerInvariant() switch
    {
        "nimble" => BleStack.NimBle,
        "bluedroid" => BleStack.Bluedroid,
        var other => throw new FormatException($"--ble_stack must be nimble or bluedroid, not '{other}'"),
    };
}

/// <summary>
/// Starts simulated devices as BLE peripherals: on the virtual BlueZ (one peripheral adapter per device, hci1…hciN) or
/// on the system bus's BlueZ (one device on a real adapter, docs/ble.md#bluez-peripheral-role).
/// </summary>
internal sealed class SimulateBle : IAsyncDisposable
{
    private readonly List<SimulatedDevice> _devices = [];
    private VirtualBluez? _bluez;

    public IReadOnlyList<SimulatedDevice> Devices => _devices;

    /// <summary>The virtual BlueZ's bus address, when it runs.</summary>
    public string? BusAddress => _bluez?.BusAddress;

    public static async Task<SimulateBle> StartAsync(SimulateBleSettings ble, int count, Func<int, SimulatedDeviceOptions> options, CancellationToken cancellationToken)
    {
        if (count > 1 && !ble.VirtualBluez)
        {
            throw new FormatException("--devices above 1 over BLE needs --virtual-bluez (a real adapter carries one device)");
        }

        if (count > 1 && ble.Adapter is not null)
        {
            throw new FormatException("--ble_adapter names one adapter; --devices above 1 uses hci1…hciN of the virtual BlueZ");
        }

        var names = Names(ble.Name, count);
        var run = new SimulateBle();
        try
        {
            if (ble.VirtualBluez)
            {
                run._bluez = await VirtualBluez.StartAsync(new VirtualBluezOptions { PeripheralAdapters = count }, cancellationToken).ConfigureAwait(false);
            }

            for (var i = 0; i < count; i++)
            {
                var bleOptions = new BleDeviceOptions
                {
                    Name = names[i],
                    ServiceUuid = ble.ServiceUuid,
                    Stack = ble.Stack,
                    Adapter = run._bluez is { } bluez ? bluez.PeripheralAdapters[i].Name : ble.Adapter,
                    BusAddress = run._bluez?.BusAddress,
                };
                run._devices.Add(await SimulatedDevice.StartBleAsync(options(i), bleOptions, cancellationToken).ConfigureAwait(false));
            }

            return run;
        }
        catch
        {
            await run.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Distinct names: the given one (with <c>_1</c>, <c>_2</c>… for several devices) or firmware-like random ones.</summary>
    private static string[] Names(string? name, int count)
    {
        if (name is not null)
        {
            var names = count == 1 ? [name] : Enumerable.Range(1, count).Select(i => $"{name}_{i}").ToArray();
            foreach (var n in names)
            {
                if (n.Length == 0 || Encoding.UTF8.GetByteCount(n) > BleDeviceOptions.MaxNameBytes)
                {
                    throw new FormatException($"--ble_name must be 1 to {BleDeviceOptions.MaxNameBytes} bytes (firmware's limit), '{n}' is {Encoding.UTF8.GetByteCount(n)}");
                }
            }

            return names;
        }

        var random = new HashSet<string>(StringComparer.Ordinal);
        while (random.Count < count)
        {
            random.Add(BleDeviceOptions.DefaultName());
        }

        return [.. random];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var device in _devices)
        {
            await device.DisposeAsync().ConfigureAwait(false);
        }

        if (_bluez is not null)
        {
            await _bluez.DisposeAsync().ConfigureAwait(false);
        }
    }
}
