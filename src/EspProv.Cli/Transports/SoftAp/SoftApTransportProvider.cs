using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EspProv.Device;
using EspProv.Transport;
using EspProv.Transport.Http;
using EspProv.Transport.SoftAp;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Cli.Transports.SoftAp;

/// <summary>
/// HTTP to the device's soft AP (<c>softap</c>, esp_prov's <c>httpd</c>): <c>--softap_endpoint</c>, <c>--ca_file</c>;
/// with <c>--join</c> it first joins the device's network (SoftAp/SoftApJoin) and binds to the joined interface.
/// </summary>
internal sealed class SoftApTransportProvider : ITransportProvider
{
    public IReadOnlyList<string> Names { get; } = ["softap", "httpd"];

    public bool InBatch => true;

    public IReadOnlyList<string> DoctorCheckNames => SoftApDoctorChecks.Names;

    public ProvisionSettings Apply(ProvisionSettings settings)
    {
        // esp_prov takes --service_name as the device's address for softap: it must agree with --softap_endpoint.
        if (settings.ServiceName is null)
        {
            return settings;
        }

        if (settings.Endpoint is not null && !string.Equals(settings.Endpoint, settings.ServiceName, StringComparison.OrdinalIgnoreCase))
        {
            return settings with { UsageError = $"--service_name {settings.ServiceName} and --softap_endpoint {settings.Endpoint} disagree: give one of them" };
        }

        return settings with { Endpoint = settings.ServiceName };
    }

    // A soft-AP device's QR name is the Wi-Fi network to join before provisioning.
    public ProvisionSettings WithQrName(ProvisionSettings settings, string? name, bool serviceNameGiven) => settings with { DeviceName = name };

    public string DescribeTarget(ProvisionSettings settings) => settings.Endpoint ?? ProvisionOptions.DefaultEndpoint;

    public Task<int> DoctorAsync(DoctorContext context, Func<ProvisionSettings, CancellationToken, Task<int>> deviceChecks, CancellationToken cancellationToken) =>
        SoftApDoctorChecks.RunAsync(context, deviceChecks, cancellationToken);

    public async Task<(SimulatedDevice Device, SimulatorTarget Target)> StartSimulatorAsync(SimulatedDeviceOptions options, ProvisionSettings settings, Action<string> print,
        CancellationToken cancellationToken)
    {
        var device = await SimulatedDevice.StartAsync(options, new HttpDeviceOptions { Port = 0 }, cancellationToken).ConfigureAwait(false);
        return (device, new SimulatorTarget($"{device.EndPoint.Address}:{device.EndPoint.Port}"));
    }

    public string? DoctorHelp => "local interfaces and route (soft AP)";

    public string TransportHelp => "softap or httpd (HTTP to the device's soft AP, the default)";

    // --softap_endpoint, --ca_file and --interface are esp_prov's and shared with batch; --join has its own (JoinOptions).
    public ITransportFlags CreateFlags() => new NoFlags();

    public IDiscoverySupport? Discovery { get; } = new SoftApDiscoverySupport();

    public (string Category, string Prefix)? LogPrefix => ("EspProv.Transport.Http.", "http: ");

    public string SimulateHelp => "softap: HTTP on --listen";

    public ISimulateFrontEnd CreateSimulator() => new SimulateSoftAp();

    public async ValueTask<(TransportSetup? Setup, TransportSetupError? Error)> CreateAsync(TransportContext context, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var endpointText = context.SimulatorTarget ?? settings.Endpoint ?? ProvisionOptions.DefaultEndpoint;
        if (!DeviceAddress.TryParse(endpointText, out var address, out var endpointError))
        {
            return (null, new TransportSetupError(ExitCodes.NoConnection, endpointError, "---- Invalid provisioning mode ----"));
        }

        X509Certificate2Collection? roots = null;
        if (settings.CaFile is not null)
        {
            try
            {
                roots = [];
                roots.ImportFromPemFile(settings.CaFile.FullName);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
            {
                return (null, new TransportSetupError(ExitCodes.Usage, $"cannot read CA file '{settings.CaFile.Name}': {ex.Message}"));
            }
        }

        if (settings.Interface is { } name)
        {
            try
            {
                InterfaceBinding.Find(name);
            }
            catch (UnknownNetworkInterfaceException ex)
            {
                return (null, new TransportSetupError(ExitCodes.Usage, ex.Message));
            }
        }

        ISoftApConnection? joined = null;
        if (settings.Join?.Ssid is not null && context.SimulatorTarget is null)
        {
            (joined, var joinError) = await SoftApJoin.JoinAsync(context, cancellationToken).ConfigureAwait(false);
            if (joinError is not null)
            {
                return (null, joinError);
            }
        }

        IProvisioningTransport transport = new HttpTransport(address, new HttpTransportOptions
        {
            Interface = joined?.InterfaceName ?? settings.Interface,
            RequestTimeout = context.RequestTimeout,
            TrustedRootCertificates = roots,
            LoggerFactory = context.LoggerFactory ?? NullLoggerFactory.Instance,
        });
        if (joined is not null)
        {
            transport = new JoinedTransport(transport, joined, context.Print ?? (_ => { }));
        }

        return (new TransportSetup(transport, address.ToString()), null);
    }
}

/// <summary>No flags of its own.</summary>
internal sealed class NoFlags : ITransportFlags
{
    public IEnumerable<System.CommandLine.Option> All => [];

    public ProvisionSettings Read(System.CommandLine.ParseResult result, ProvisionSettings settings) => settings;
}
