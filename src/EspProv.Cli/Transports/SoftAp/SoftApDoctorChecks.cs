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

    /// <summary>
    /// <c>doctor --join SSID</c> joins the device's soft AP first (a "join" check), runs the checks through the joined
    /// interface and gives the interface back (a "restore" check) before the verdict. A QR payload's name alone does
    /// not join: the doctor changes nothing unless asked.
    /// </summary>
    public static async Task<int> RunAsync(DoctorContext context, Func<ProvisionSettings, CancellationToken, Task<int>> deviceChecks, CancellationToken cancellationToken)
    {
        var report = context.Report;
        var settings = context.Doctor.Provision;
        if (settings.Join is not { Ssid: not null, FromQr: false })
        {
            return await RunChecksAsync(context with { Doctor = context.Doctor with { Provision = settings with { Join = null } } }, deviceChecks, cancellationToken).ConfigureAwait(false);
        }

        var (joined, error) = await SoftApJoin.JoinAsync(new TransportContext(settings, null, TimeSpan.FromSeconds(10), null, BusAddress: context.BusAddress), cancellationToken).ConfigureAwait(false);
        if (joined is null)
        {
            report.Add(CheckResult.Fail("join", error?.ExitCode ?? ExitCodes.NoConnection, error?.Message ?? "joining is not possible here"));
            report.SkipAll("skipped: not joined to the device's network", [.. Names, .. DoctorRunner.DeviceCheckNames]);
            return report.Verdict();
        }

        report.Add(CheckResult.Pass("join", $"joined '{joined.Ssid}' on {joined.InterfaceName} ({joined.Address})"));
        report.HoldVerdict = true;
        try
        {
            var doctor = context.Doctor with { Interface = joined.InterfaceName, Provision = settings with { Join = null, Interface = joined.InterfaceName } };
            await RunChecksAsync(context with { Doctor = doctor }, deviceChecks, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            var restored = await joined.RestoreAsync().ConfigureAwait(false);
            report.Add(restored.Restored ? CheckResult.Pass("restore", restored.Description) : CheckResult.Warn("restore", restored.Description, "run esp-prov --restore-wifi"));
            report.HoldVerdict = false;
        }

        return report.Verdict();
    }

    private static async Task<int> RunChecksAsync(DoctorContext context, Func<ProvisionSettings, CancellationToken, Task<int>> deviceChecks, CancellationToken cancellationToken)
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
