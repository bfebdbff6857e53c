using System.Net;
using System.Net.Sockets;
using EspProv.Cli.Doctor;
using EspProv.Transport.Http;

namespace EspProv.Cli.Transports.SoftAp;

/// <summary>
/// The soft AP half of <c>esp-prov doctor</c>: the endpoint parses and resolves, this computer's network can reach it
/// (interface, joined soft AP, address), and a TCP connection opens. A failure is the exit code of the provisioning
/// run's connect step (2).
/// </summary>
internal static class SoftApDoctorChecks
{
    public static readonly string[] Names = ["tcp"];

    public static async Task<int> RunAsync(DoctorContext context, Func<ProvisionSettings, CancellationToken, Task<int>> deviceChecks, CancellationToken cancellationToken)
    {
        var report = context.Report;
        var settings = context.Doctor.Provision;
        if (!DeviceAddress.TryParse(settings.Endpoint ?? ProvisionOptions.DefaultEndpoint, out var address, out var endpointError))
        {
            report.Add(CheckResult.Fail("endpoint", ExitCodes.NoConnection, endpointError, "give --softap_endpoint as host[:port] or http(s)://host[:port]"));
            return report.Verdict();
        }

        report.Header($"soft AP device at {address}");
        IPAddress[] targets;
        try
        {
            targets = IPAddress.TryParse(address.Host, out var literal) ? [literal]
                : [.. (await Dns.GetHostAddressesAsync(address.Host, cancellationToken).ConfigureAwait(false)).OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)];
        }
        catch (SocketException ex)
        {
            report.Add(CheckResult.Fail("endpoint", ExitCodes.NoConnection, $"cannot resolve '{address.Host}': {Provision.CliOutput.OneLine(ex.Message)}",
                "give the device's IP address (192.168.4.1 on its soft AP)"));
            report.SkipAll("skipped: no address to check", [.. Names, .. DoctorRunner.DeviceCheckNames]);
            return report.Verdict();
        }

        var isDefault = address.Host == DeviceAddress.Default.Host;
        foreach (var check in await new NetworkChecks(context.Network).RunAsync(targets[0], isDefault, context.Doctor.Interface, settings.DeviceName, cancellationToken).ConfigureAwait(false))
        {
            report.Add(check);
        }

        var requestTimeout = TimeSpan.FromSeconds(Math.Min(30, Math.Max(0.5, settings.TimeoutSeconds / 2)));
        var tcp = await DeviceChecks.TcpAsync(address, targets, context.Doctor.Interface, TimeSpan.FromSeconds(Math.Min(5, requestTimeout.TotalSeconds)), cancellationToken).ConfigureAwait(false);
        report.Add(tcp);
        if (tcp.Status == CheckStatus.Failed)
        {
            report.SkipAll("skipped: needs a connection to the device", DoctorRunner.DeviceCheckNames);
            return report.Verdict();
        }

        return await deviceChecks(settings, cancellationToken).ConfigureAwait(false);
    }
}
