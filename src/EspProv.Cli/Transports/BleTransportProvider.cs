using EspProv.Transport.Ble;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Cli.Transports;

/// <summary>
/// BLE through BlueZ (<c>--transport ble</c>): <c>--service_name</c> is the device's advertised name, as in esp_prov;
/// <c>--scan_timeout</c> bounds the search, <c>--ble_adapter</c> picks the adapter. Without a name, a person at a terminal
/// picks the device from a scan.
/// </summary>
internal sealed class BleTransportProvider : ITransportProvider
{
    public const string Name = "ble";

    public IReadOnlyList<string> Names { get; } = [Name];

    public async ValueTask<(TransportSetup? Setup, TransportSetupError? Error)> CreateAsync(TransportContext context, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        if (settings.ScanTimeoutSeconds is <= 0 or > 3600 || double.IsNaN(settings.ScanTimeoutSeconds))
        {
            return (null, new TransportSetupError(ExitCodes.Usage, "--scan_timeout must be between 0 and 3600 seconds"));
        }

        var scanTimeout = TimeSpan.FromSeconds(settings.ScanTimeoutSeconds);
        string? name = context.SimulatorTarget ?? settings.ServiceName;
        string? address = null;
        if (name is null)
        {
            if (context.Terminal is not { IsInteractive: true } terminal || context.Print is null)
            {
                return (null, new TransportSetupError(ExitCodes.Usage,
                    "--service_name is required with --transport ble: the name the device advertises, e.g. PROV_1A2B3C (without a terminal there is no device list to pick from)"));
            }

            var (picked, error) = await BleDevicePicker.PickAsync(context, terminal, cancellationToken).ConfigureAwait(false);
            if (picked is null)
            {
                return (null, error);
            }

            (name, address) = (picked.Name, picked.Address);
        }

        var transport = new BleTransport(new BleTransportOptions
        {
            ServiceName = name,
            Address = address,
            Adapter = settings.BleAdapter,
            ScanTimeout = scanTimeout,
            RequestTimeout = context.RequestTimeout,
            BusAddress = context.BusAddress,
            LoggerFactory = context.LoggerFactory ?? NullLoggerFactory.Instance,
        });
        return (new TransportSetup(transport, $"BLE device {name ?? address}"), null);
    }
}
