using EspProv.Device;
using EspProv.Device.Ble.Peripheral;
using EspProv.Device.Ble.VirtualBluez;
using EspProv.Device.Security;
using EspProv.Device.Wifi;

namespace EspProv.Cli;

/// <summary>
/// The device behind <c>--simulate</c>: an in-process simulated device (ESP-IDF flavour, connect delay 500 ms) on a
/// free loopback port, configured from the run's own flags so that the run provisions it end to end. Its log lines
/// are printed with a <c>[device]</c> prefix. With <c>--transport ble</c> the device advertises on a virtual BlueZ of its
/// own (a private D-Bus daemon), so no Bluetooth hardware or system BlueZ is involved.
/// </summary>
internal sealed class EmbeddedSimulator : IAsyncDisposable
{
    private readonly SimulatedDevice _device;
    private readonly VirtualBluez? _bluez;

    private EmbeddedSimulator(SimulatedDevice device, VirtualBluez? bluez = null)
    {
        _device = device;
        _bluez = bluez;
    }

    /// <summary>The target to provision: host:port on loopback, or the advertised BLE name.</summary>
    public string Endpoint => _device.BleName ?? $"{_device.EndPoint.Address}:{_device.EndPoint.Port}";

    /// <summary>The virtual BlueZ's bus, for a BLE device; null over HTTP.</summary>
    public string? BusAddress => _bluez?.BusAddress;

    public static async Task<EmbeddedSimulator> StartAsync(ProvisionSettings settings, Action<string> print, CancellationToken cancellationToken)
    {
        IDeviceSecurity security = (settings.SecVer ?? 1) switch
        {
            0 => new DeviceSecurity0(),
            2 => DeviceSecurity2.FromPassword(settings.Sec2Username ?? "wifiprov", settings.Sec2Password ?? "abcd1234"),
            _ => new DeviceSecurity1(settings.Pop),
        };
        var options = new SimulatedDeviceOptions
        {
            Port = 0,
            Flavor = DeviceFlavor.Idf,
            Security = security,
            ConnectDelay = TimeSpan.FromMilliseconds(500),
            Networks = [new SimulatedNetwork(settings.Ssid ?? "myssid", settings.Passphrase ?? string.Empty)],
            LoggerFactory = Output.LineLoggerProvider.WithPrefix(print, "[device] "),
        };
        if (!settings.IsBle)
        {
            var device = await SimulatedDevice.StartAsync(options, cancellationToken).ConfigureAwait(false);
            return new EmbeddedSimulator(device);
        }

        var bluez = await VirtualBluez.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            var ble = new BleDeviceOptions { Name = settings.ServiceName ?? BleDeviceOptions.DefaultName(), Adapter = "hci1", BusAddress = bluez.BusAddress };
            var device = await SimulatedDevice.StartBleAsync(options, ble, cancellationToken).ConfigureAwait(false);
            print($"[device] advertising over BLE as {ble.Name} on a virtual BlueZ ({bluez.BusAddress})");
            return new EmbeddedSimulator(device, bluez);
        }
        catch
        {
            await bluez.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _device.DisposeAsync().ConfigureAwait(false);
        if (_bluez is not null)
        {
            await _bluez.DisposeAsync().ConfigureAwait(false);
        }
    }
}
