using System.Runtime.CompilerServices;
using EspProv.Transport.Discovery;

namespace EspProv.Transport.Ble;

/// <summary>
/// Discovery of BLE provisioning devices through BlueZ: a scan (<see cref="BleDiscovery.ScanAsync"/>) reporting the
/// advertisers whose name starts with the prefix and that advertise a provisioning service UUID (Espressif's default
/// or example UUID, or <see cref="BleScanOptions.ServiceUuids"/>). Other BLE devices in range (headphones, a lamp
/// whose name happens to match) are not reported.
/// </summary>
/// <param name="options">Adapter, bus, clock and extra service UUIDs; its timeout and prefix are the request's.</param>
public sealed class BleDeviceDiscovery(BleScanOptions? options = null) : IDeviceDiscovery
{
    private readonly BleScanOptions _options = options ?? new BleScanOptions();

    /// <inheritdoc/>
    /// <exception cref="BleTransportException">Not Linux, no system bus, BlueZ not running, no adapter, adapter powered off.</exception>
    public async IAsyncEnumerable<DiscoveredDevice> DiscoverAsync(DiscoveryRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var scan = new BleScanOptions
        {
            Timeout = request.Timeout,
            NamePrefix = request.NamePrefix,
            Adapter = _options.Adapter,
            BusAddress = _options.BusAddress,
            TimeProvider = _options.TimeProvider,
        };
        string[] uuids = [BleDiscovery.DefaultServiceUuid, BleDiscovery.ExampleServiceUuid, .. _options.ServiceUuids.Select(u => u.ToLowerInvariant())];
        await foreach (var device in BleDiscovery.ScanAsync(scan, cancellationToken).ConfigureAwait(false))
        {
            if (device.Name is { } name && device.ServiceUuids.Any(uuids.Contains))
            {
                yield return new DiscoveredDevice(name, device.Address.ToUpperInvariant(), device.Rssi, device.Adapter);
            }
        }
    }
}
