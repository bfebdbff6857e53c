using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EspProv.Transport;
using EspProv.Transport.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Cli.Transports;

/// <summary>HTTP to the device's soft AP (<c>softap</c>, esp_prov's <c>httpd</c>): <c>--softap_endpoint</c>, <c>--ca_file</c>.</summary>
internal sealed class SoftApTransportProvider : ITransportProvider
{
    public IReadOnlyList<string> Names { get; } = ["softap", "httpd"];

    public ValueTask<(TransportSetup? Setup, TransportSetupError? Error)> CreateAsync(TransportContext context, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var endpointText = context.SimulatorTarget ?? settings.Endpoint ?? ProvisionOptions.DefaultEndpoint;
        if (!DeviceAddress.TryParse(endpointText, out var address, out var endpointError))
        {
            return Failed(new TransportSetupError(ExitCodes.NoConnection, endpointError, "---- Invalid provisioning mode ----"));
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
                return Failed(new TransportSetupError(ExitCodes.Usage, $"cannot read CA file '{settings.CaFile.Name}': {ex.Message}"));
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
                return Failed(new TransportSetupError(ExitCodes.Usage, ex.Message));
            }
        }

        var transport = new HttpTransport(address, new HttpTransportOptions
        {
            Interface = settings.Interface,
            RequestTimeout = context.RequestTimeout,
            TrustedRootCertificates = roots,
            LoggerFactory = context.LoggerFactory ?? NullLoggerFactory.Instance,
        });
        return ValueTask.FromResult<(TransportSetup?, TransportSetupError?)>((new TransportSetup(transport, address.ToString()), null));
    }

    private static ValueTask<(TransportSetup?, TransportSetupError?)> Failed(TransportSetupError error) =>
        ValueTask.FromResult<(TransportSetup?, TransportSetupError?)>((null, error));
}
