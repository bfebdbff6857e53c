using EspProv.Device;
using EspProv.Device.Ble.Peripheral;
using EspProv.Transport.Ble;
using EspProv.VirtualBluez;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Cli.Transports.Ble;

/// <summary>
/// BLE through BlueZ (<c>--transport ble</c>): <c>--service_name</c> is the device's advertised name, as in esp_prov;
/// <c>--scan_timeout</c> bounds the search, <c>--ble_adapter</c> picks the adapter. Without a name, a person at a terminal
/// picks the device from a scan.
/// </summary>
internal sealed class BleTransportProvider : ITransportProvider
{
    public IReadOnlyList<string> Names { get; } = ["ble"];

    // A batch reaches its devices in parallel over addresses; BLE devices are found by a scan, one at a time.
    public bool InBatch => false;

    public IReadOnlyList<string> DoctorCheckNames => BleDoctorChecks.Names;

    public ProvisionSettings Apply(ProvisionSettings settings) =>
        settings.ScanTimeoutSeconds is <= 0 or > 3600 || double.IsNaN(settings.ScanTimeoutSeconds)
            ? settings with { UsageError = settings.UsageError ?? "--scan_timeout must be between 0 and 3600 seconds" }
            : settings;

    // A BLE device's QR name is the name it advertises (an explicit --service_name wins).
    public ProvisionSettings WithQrName(ProvisionSettings settings, string? name, bool serviceNameGiven) =>
        serviceNameGiven ? settings : settings with { ServiceName = name ?? settings.ServiceName };

    public string DescribeTarget(ProvisionSettings settings) => $"BLE device {settings.ServiceName ?? "(any)"}";

    public async Task<int> DoctorAsync(DoctorContext context, Func<ProvisionSettings, CancellationToken, Task<int>> deviceChecks, CancellationToken cancellationToken)
    {
        var settings = context.Doctor.Provision;
        context.Report.Header($"BLE device {settings.ServiceName ?? "(any provisioning device)"}{(BleSettings.Of(settings).Adapter is { } a ? $" through {a}" : string.Empty)}");
        if (await BleDoctorChecks.RunAsync(context.Report, settings, context.BusAddress, cancellationToken).ConfigureAwait(false) is not { } device)
        {
            return context.Report.Verdict();
        }

        // A new connection for the provisioning checks, made as a provisioning run makes it.
        return await deviceChecks(settings with { ServiceName = device.Name }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The device advertises on a virtual BlueZ of its own (a private D-Bus daemon): no Bluetooth hardware or system BlueZ.</summary>
    public async Task<(SimulatedDevice Device, SimulatorTarget Target)> StartSimulatorAsync(SimulatedDeviceOptions options, ProvisionSettings settings, Action<string> print,
        CancellationToken cancellationToken)
    {
        var bluez = await VirtualBluezService.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            var ble = new BleDeviceOptions { Name = settings.ServiceName ?? BleDeviceOptions.DefaultName(), Adapter = "hci1", BusAddress = bluez.BusAddress };
            var device = await SimulatedDevice.StartBleAsync(options, ble, cancellationToken).ConfigureAwait(false);
            print($"[device] advertising over BLE as {ble.Name} on a virtual BlueZ ({bluez.BusAddress})");
            return (device, new SimulatorTarget(device.BleName!, bluez.BusAddress, bluez));
        }
        catch
        {
            await bluez.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public string? DoctorHelp => "BlueZ, the adapter, the advertisement and the provisioning service (--transport ble --service_name NAME [--ble_adapter hciX])";

    public string TransportHelp => "ble (GATT through BlueZ, Linux)";

    public ITransportFlags CreateFlags() => new BleFlags();

    public IDiscoverySupport? Discovery { get; } = new BleDiscoverySupport();

    public (string Category, string Prefix)? LogPrefix => ("EspProv.Transport.Ble.", "ble: ");

    public string SimulateHelp => "ble: a BLE peripheral through BlueZ (see docs/ble-simulator.md)";

    public ISimulateFrontEnd CreateSimulator() => new SimulateBleFrontEnd();

    public async ValueTask<(TransportSetup? Setup, TransportSetupError? Error)> CreateAsync(TransportContext context, CancellationToken cancellationToken)
    {
        var settings = context.Settings;

        var scanTimeout = TimeSpan.FromSeconds(settings.ScanTimeoutSeconds);
        var name = context.SimulatorTarget ?? settings.ServiceName;
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
            Adapter = BleSettings.Of(settings).Adapter,
            ScanTimeout = scanTimeout,
            RequestTimeout = context.RequestTimeout,
            BusAddress = context.BusAddress,
            LoggerFactory = context.LoggerFactory ?? NullLoggerFactory.Instance,
        });
        return (new TransportSetup(transport, $"BLE device {name ?? address}"), null);
    }
}
