using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;

namespace EspProv.Cli;

/// <summary>
/// The device behind <c>--simulate</c>: an in-process simulated device (ESP-IDF flavour, or a network_provisioning
/// Thread device when the run has a Thread dataset; connect delay 500 ms) on a
/// free loopback port, configured from the run's own flags so that the run provisions it end to end. Its log lines
/// are printed with a <c>[device]</c> prefix. The run's transport provider serves it
/// (<see cref="Transports.ITransportProvider.StartSimulatorAsync"/>): over BLE it advertises on a virtual BlueZ of its own.
/// </summary>
internal sealed class EmbeddedSimulator : IAsyncDisposable
{
    private readonly SimulatedDevice _device;
    private readonly Transports.SimulatorTarget _target;

    private EmbeddedSimulator(SimulatedDevice device, Transports.SimulatorTarget target)
    {
        _device = device;
        _target = target;
    }

    /// <summary>The target to provision (host:port on loopback, the advertised BLE name, ...).</summary>
    public string Endpoint => _target.Target;

    /// <summary>A private BlueZ's bus, when the transport needs one.</summary>
    public string? BusAddress => _target.BusAddress;

    public static async Task<EmbeddedSimulator> StartAsync(ProvisionSettings settings, Action<string> print, CancellationToken cancellationToken)
    {
        IDeviceSecurity security = (settings.SecVer ?? 1) switch
        {
            0 => new DeviceSecurity0(),
            2 => DeviceSecurity2.FromPassword(settings.Sec2Username ?? "wifiprov", settings.Sec2Password ?? "abcd1234"),
            _ => new DeviceSecurity1(settings.Pop),
        };
        // A dataset asks for a Thread device (network_provisioning), whose networks are the built-in one and the
        // dataset's own when it names one; the run then provisions it as a real Thread device.
        var thread = settings.Dataset is not null;
        List<EspProv.Device.Thread.SimulatedThreadNetwork> threadNetworks = [EspProv.Device.Thread.SimulatedThreadNetwork.Default];
        if (settings.Dataset is { } given && given.Contains(EspProv.Thread.ThreadDatasetField.NetworkName) && given.Contains(EspProv.Thread.ThreadDatasetField.Channel)
            && given.Contains(EspProv.Thread.ThreadDatasetField.PanId) && given.Contains(EspProv.Thread.ThreadDatasetField.ExtendedPanId) && given.Contains(EspProv.Thread.ThreadDatasetField.NetworkKey))
        {
            threadNetworks.Add(new EspProv.Device.Thread.SimulatedThreadNetwork(given));
        }

        var options = new SimulatedDeviceOptions
        {
            Flavor = thread ? DeviceFlavor.Netprov : DeviceFlavor.Idf,
            NetworkType = thread ? Provisioning.NetworkKind.Thread : Provisioning.NetworkKind.Wifi,
            ThreadNetworks = threadNetworks,
            Security = security,
            ConnectDelay = TimeSpan.FromMilliseconds(500),
            Networks = [new SimulatedNetwork(settings.Ssid ?? "myssid", settings.Passphrase ?? string.Empty)],
            LoggerFactory = Output.LineLoggerProvider.WithPrefix(print, "[device] "),
        };
        var (device, target) = await Transports.TransportFactory.For(settings).StartSimulatorAsync(options, settings, print, cancellationToken).ConfigureAwait(false);
        return new EmbeddedSimulator(device, target);
    }

    public async ValueTask DisposeAsync()
    {
        await _device.DisposeAsync().ConfigureAwait(false);
        if (_target.Resources is { } resources)
        {
            await resources.DisposeAsync().ConfigureAwait(false);
        }
    }
}
