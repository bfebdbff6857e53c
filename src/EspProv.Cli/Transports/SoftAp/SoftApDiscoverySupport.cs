using EspProv.Cli.Batch;
using EspProv.Cli.Provision;
using EspProv.Transport.Discovery;
using EspProv.Transport.SoftAp;
using EspProv.Transport.SoftAp.NetworkManager;

namespace EspProv.Cli.Transports.SoftAp;

/// <summary>
/// <c>batch --discover</c> over soft APs: a NetworkManager Wi-Fi scan, then one device after another on one interface
/// (<see cref="SoftApHop"/>), the interface given back its network once at the end.
/// </summary>
internal sealed class SoftApDiscoverySupport : IDiscoverySupport
{
    /// <inheritdoc />
    public string DeviceKind => "soft-AP";

    /// <inheritdoc />
    public DiscoveryRun Open(BatchSettings settings, Action<string> say, Action<NetworkRestore> report) => new Run(settings, say, report);

    private static NetworkRestore Restore(SoftApRestoreResult result) => new(result.Restored, result.Description, SoftApJoin.Line(result));

    private sealed class Run : DiscoveryRun
    {
        private readonly NetworkManagerJoiner _joiner;
        private readonly SoftApHop _hop;
        private readonly Action<string> _say;
        private readonly Action<NetworkRestore> _report;

        public Run(BatchSettings settings, Action<string> say, Action<NetworkRestore> report)
        {
            _joiner = SoftApJoin.Joiner(null, settings.BusAddress);
            _hop = new SoftApHop(_joiner, settings.Join, settings.ScanTimeoutSeconds);
            _say = say;
            _report = report;
            Discovery = new NetworkManagerDiscovery(new NetworkManagerDiscoveryOptions
            {
                InterfaceName = settings.Join?.WifiInterface,
                BusAddress = settings.BusAddress,
            });
        }

        public override IDeviceDiscovery Discovery { get; }

        // One Wi-Fi interface carries one soft AP at a time.
        public override int Concurrency(int concurrency) => 1;

        public override async Task PrepareAsync(CancellationToken cancellationToken)
        {
            if (await _joiner.RestoreFromNoteAsync(cancellationToken).ConfigureAwait(false) is { } leftover)
            {
                _say("A previous --join run did not end; restoring its Wi-Fi interface first");
                _report(Restore(leftover));
            }
        }

        public override string EntryAddress(DiscoveredDevice device, ManifestEntry? row) =>
            row?.Address is { Length: > 0 } address ? address : ProvisionOptions.DefaultEndpoint;

        public override ValueTask<(TransportSetup? Setup, TransportSetupError? Error)> CreateAsync(DiscoveredDevice device, ManifestEntry entry, TransportContext context,
            CancellationToken cancellationToken) => _hop.CreateAsync(device.Name, device.Address, entry.Address, context, cancellationToken);

        public override async Task FinishAsync()
        {
            if (await _hop.RestoreAsync().ConfigureAwait(false) is { } restored)
            {
                _report(Restore(restored));
            }
        }
    }
}
