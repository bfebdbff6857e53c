using EspProv.Cli.Batch;
using EspProv.Transport.Ble;
using EspProv.Transport.Discovery;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Cli.Transports.Ble;

/// <summary><c>batch --discover</c> over BLE: a BlueZ scan for the provisioning service, then <c>--concurrency</c> links at a time.</summary>
internal sealed class BleDiscoverySupport : IDiscoverySupport
{
    /// <inheritdoc />
    public string DeviceKind => "BLE";

    /// <inheritdoc />
    public DiscoveryRun Open(BatchSettings settings, Action<string> say, Action<NetworkRestore> report) => new Run(settings);

    private sealed class Run(BatchSettings settings) : DiscoveryRun
    {
        public override IDeviceDiscovery Discovery { get; } =
            new BleDeviceDiscovery(new BleScanOptions { Adapter = settings.BleAdapter, BusAddress = settings.BusAddress });

        public override int Concurrency(int concurrency) => concurrency;

        public override string EntryAddress(DiscoveredDevice device, ManifestEntry? row) => device.Address;

        public override ValueTask<(TransportSetup? Setup, TransportSetupError? Error)> CreateAsync(DiscoveredDevice device, ManifestEntry entry, TransportContext context,
            CancellationToken cancellationToken) => ValueTask.FromResult<(TransportSetup?, TransportSetupError?)>((new TransportSetup(new BleTransport(new BleTransportOptions
            {
                ServiceName = device.Name,
                Address = device.Address,
                Adapter = settings.BleAdapter,
                ScanTimeout = TimeSpan.FromSeconds(settings.ScanTimeoutSeconds),
                RequestTimeout = context.RequestTimeout,
                BusAddress = settings.BusAddress,
                LoggerFactory = NullLoggerFactory.Instance,
            }), $"BLE device {device}"), null));
    }
}
