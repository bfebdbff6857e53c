using System.Net;
using System.Net.Sockets;
using EspProv.Cli.Transports;
using EspProv.Provisioning;
using EspProv.Transport;
using EspProv.Transport.Http;

namespace EspProv.Cli.Doctor;

/// <summary>The doctor's own flags, beside the provisioning ones it shares.</summary>
/// <param name="Interface"><c>--interface</c>: the interface the device should be reached through.</param>
/// <param name="Json"><c>--json</c>: JSON Lines instead of text.</param>
internal sealed record DoctorSettings(ProvisionSettings Provision, string? Interface, bool Json);

/// <summary>
/// <c>esp-prov doctor</c>: runs the checks of the chosen transport in order, each printed as it ends, then one verdict.
/// Exit 0 when provisioning would work (warnings and skips do not change that), else the provisioning exit code of the
/// first failing step. Sends no Wi-Fi configuration.
/// </summary>
internal sealed class DoctorRunner(DoctorReport report, INetworkInfo network, Func<IProvisioningTransport, IProvisioningTransport>? wrapTransport = null,
    Action<DeviceVersionInfo>? versionReceived = null)
{
    private static readonly string[] DeviceCheckNames = ["tcp", "proto_ver", "firmware", "session", "ssid"];

    public async Task<int> RunAsync(DoctorSettings doctor, CancellationToken cancellationToken)
    {
        var settings = doctor.Provision;
        if (UsageError(doctor) is { } usage)
        {
            report.Add(CheckResult.Fail("usage", ExitCodes.Usage, usage));
            return report.Verdict();
        }

        var endpoint = settings.Endpoint ?? ProvisionOptions.DefaultEndpoint;
        if (!DeviceAddress.TryParse(endpoint, out var address, out var endpointError))
        {
            report.Add(CheckResult.Fail("endpoint", ExitCodes.NoConnection, endpointError, "give --softap_endpoint as host[:port] or http(s)://host[:port]"));
            return report.Verdict();
        }

        report.Header($"soft AP device at {address}");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        try
        {
            return await RunChecksAsync(doctor, address, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var next = DeviceCheckNames.FirstOrDefault(n => report.Checks.All(c => c.Name != n)) ?? "ssid";
            report.Add(CheckResult.Fail(next, next switch { "tcp" => ExitCodes.NoConnection, "proto_ver" or "firmware" => ExitCodes.VersionMismatch, "ssid" => ExitCodes.WifiConnectionFailed, _ => ExitCodes.SessionFailed },
                $"timed out after {settings.TimeoutSeconds:0.#} s", "give more time with --timeout, or see the checks above"));
            return report.Verdict();
        }
    }

    private async Task<int> RunChecksAsync(DoctorSettings doctor, DeviceAddress address, CancellationToken cancellationToken)
    {
        var settings = doctor.Provision;
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
            report.SkipAll("skipped: no address to check", DeviceCheckNames);
            return report.Verdict();
        }

        var isDefault = address.Host == DeviceAddress.Default.Host;
        foreach (var check in await new NetworkChecks(network).RunAsync(targets[0], isDefault, doctor.Interface, settings.DeviceName, cancellationToken).ConfigureAwait(false))
        {
            report.Add(check);
        }

        var requestTimeout = TimeSpan.FromSeconds(Math.Min(30, Math.Max(0.5, settings.TimeoutSeconds / 2)));
        var tcp = await DeviceChecks.TcpAsync(address, targets, doctor.Interface, TimeSpan.FromSeconds(Math.Min(5, requestTimeout.TotalSeconds)), cancellationToken).ConfigureAwait(false);
        report.Add(tcp);
        if (tcp.Status == CheckStatus.Failed)
        {
            report.SkipAll("skipped: needs a connection to the device", "proto_ver", "firmware", "session", "ssid");
            return report.Verdict();
        }

        var (setup, setupError) = await TransportFactory.CreateAsync(new Transports.TransportContext(settings, null, requestTimeout, null), cancellationToken).ConfigureAwait(false);
        if (setupError is not null)
        {
            report.Add(CheckResult.Fail("proto_ver", setupError.ExitCode, setupError.Message));
            return report.Verdict();
        }

        await using var transport = wrapTransport?.Invoke(setup!.Transport) ?? setup!.Transport;
        await using var client = new ProvisioningClient(transport);
        var (version, info) = await DeviceChecks.VersionAsync(client, settings.ProtoVer, cancellationToken).ConfigureAwait(false);
        report.Add(version);
        if (info is not null)
        {
            versionReceived?.Invoke(info);
        }

        if (info is null || version.Status == CheckStatus.Failed)
        {
            report.SkipAll("skipped: needs the device's version answer", info is null ? ["firmware", "session", "ssid"] : ["session", "ssid"]);
            return report.Verdict();
        }

        report.Add(DeviceChecks.Firmware(info, settings.SecVer));
        var (security, skipped) = SessionChecks.Choose(settings, info);
        if (security is null)
        {
            report.Add(skipped!);
            report.Add(CheckResult.Skip("ssid", "skipped: needs a session"));
            return report.Verdict();
        }

        var session = await SessionChecks.SessionAsync(client, security, info, settings.Pop.Length > 0, cancellationToken).ConfigureAwait(false);
        report.Add(session);
        if (session.Status == CheckStatus.Failed)
        {
            report.Add(CheckResult.Skip("ssid", "skipped: needs a session"));
        }
        else if (string.IsNullOrEmpty(settings.Ssid))
        {
            report.Add(CheckResult.Skip("ssid", "no --ssid given: whether the device sees your network was not checked", "add --ssid <your network> to check it"));
        }
        else
        {
            report.Add((await SessionChecks.SsidAsync(client, info, settings.Ssid, cancellationToken).ConfigureAwait(false)).Result);
        }

        return report.Verdict();
    }

    private static string? UsageError(DoctorSettings doctor)
    {
        var settings = doctor.Provision;
        if (settings.TimeoutSeconds is <= 0 or > 86400 || double.IsNaN(settings.TimeoutSeconds))
        {
            return "--timeout must be between 0 and 86400 seconds";
        }

        if (settings.SecVer is < 0 or > 2)
        {
            return $"invalid security version {settings.SecVer}: use 0, 1 or 2";
        }

        if (settings.UsageError is not null)
        {
            return settings.UsageError;
        }

        if (doctor.Interface is { } name)
        {
            try
            {
                InterfaceBinding.Find(name);
            }
            catch (UnknownNetworkInterfaceException ex)
            {
                return ex.Message;
            }
        }

        return null;
    }
}
