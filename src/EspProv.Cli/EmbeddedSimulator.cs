using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;

namespace EspProv.Cli;

/// <summary>
/// The device behind <c>--simulate</c>: an in-process simulated device (ESP-IDF flavour, connect delay 500 ms) on a
/// free loopback port, configured from the run's own flags so that the run provisions it end to end. Its log lines
/// are printed with a <c>[device]</c> prefix.
/// </summary>
internal sealed class EmbeddedSimulator : IAsyncDisposable
{
    private readonly SimulatedDevice _device;

    private EmbeddedSimulator(SimulatedDevice device) => _device = device;

    /// <summary>The endpoint to provision (host:port on loopback).</summary>
    public string Endpoint => $"{_device.EndPoint.Address}:{_device.EndPoint.Port}";

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
            Log = line => print("[device] " + line),
        };
        var device = await SimulatedDevice.StartAsync(options, cancellationToken).ConfigureAwait(false);
        return new EmbeddedSimulator(device);
    }

    public ValueTask DisposeAsync() => _device.DisposeAsync();
}
