using System.CommandLine;
using System.Text;
using EspProv.Device;
using EspProv.Device.Ble.Peripheral;
using EspProv.VirtualBluez;

namespace EspProv.Cli.Transports.Ble;

/// <summary><c>esp-prov simulate --transport ble</c>: its flags, and devices advertised through BlueZ until Ctrl+C.</summary>
internal sealed class SimulateBleFrontEnd : ISimulateFrontEnd
{
    private readonly Option<string?> _name = new("--ble_name", "--ble-name") { Description = "advertised BLE name, at most 29 bytes (default PROV_ + 6 random hex digits; with --devices N: name_1…name_N)" };
    private readonly Option<string> _serviceUuid = new("--service_uuid", "--service-uuid") { Description = "the provisioning service's 128-bit UUID", DefaultValueFactory = _ => BleDeviceOptions.ExampleServiceUuid };
    private readonly Option<string?> _adapter = new("--ble_adapter", "--ble-adapter") { Description = "BlueZ adapter to register on (default: the first powered one with GattManager1)", HelpName = "hciN" };
    private readonly Option<string> _stack = new("--ble_stack", "--ble-stack") { Description = "firmware BLE stack to imitate: nimble (a protocol error fails the write) or bluedroid (it drops the link; 481-byte values)", DefaultValueFactory = _ => "nimble", HelpName = "nimble|bluedroid" };
    private readonly Option<bool> _virtualBluez = new("--virtual-bluez") { Description = "with --transport ble: run a software BlueZ on a private bus (no Bluetooth needed) and print DBUS_SYSTEM_BUS_ADDRESS=… for clients" };

    public IEnumerable<Option> Options => [_name, _serviceUuid, _adapter, _stack, _virtualBluez];

    public void Check(ParseResult result, bool chosen, DeviceFlavor flavor, int count)
    {
        if (chosen && flavor == DeviceFlavor.Esp8266)
        {
            throw new FormatException("the ESP8266 has no BLE: --flavor esp8266 works only with --transport softap");
        }

        if (!chosen && result.GetValue(_virtualBluez))
        {
            throw new FormatException("--virtual-bluez goes with --transport ble");
        }
    }

    public async Task<int> RunAsync(SimulateRun run, ParseResult result, CancellationToken cancellationToken)
    {
        var settings = new SimulateBleSettings(result.GetValue(_name), result.GetValue(_serviceUuid)!, result.GetValue(_adapter),
            SimulateBleSettings.ParseStack(result.GetValue(_stack)), result.GetValue(_virtualBluez));
        run.PrintDataset();
        try
        {
            await using var ble = await SimulateBle.StartAsync(settings, run.Count, run.Options, cancellationToken).ConfigureAwait(false);
            await run.ServeAsync(() =>
            {
                for (var i = 0; i < ble.Devices.Count; i++)
                {
                    run.Output.WriteLine($"{run.Prefix(i)}advertising {ble.Devices[i].BleName} on {ble.Devices[i].Ble!.AdapterPath}");
                }

                if (run.Count == 1)
                {
                    run.PrintLabel(ble.Devices[0].BleName!, "ble", "BLE");
                }

                if (ble.BusAddress is { } bus)
                {
                    // Alone on its line and unquoted, so scripts can eval or grep it.
                    run.Output.WriteLine($"DBUS_SYSTEM_BUS_ADDRESS={bus}");
                }

                return Task.CompletedTask;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (BleUnavailableException ex)
        {
            // No system bus or BlueZ, no adapter.
            await run.Error.WriteLineAsync($"esp-prov simulate: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.NoConnection;
        }

        return ExitCodes.Success;
    }
}

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
    private VirtualBluezService? _bluez;

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
                run._bluez = await VirtualBluezService.StartAsync(new VirtualBluezOptions { PeripheralAdapters = count }, cancellationToken).ConfigureAwait(false);
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
