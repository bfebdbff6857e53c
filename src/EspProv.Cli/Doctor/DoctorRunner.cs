using System.Net;
using System.Net.Sockets;
using EspProv.Cli.Transports;
using EspProv.Exceptions;
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
/// <remarks><paramref name="bleBusAddress"/>: the D-Bus bus BlueZ is on when not the system bus (tests, the virtual BlueZ).</remarks>
internal sealed class DoctorRunner(DoctorReport report, INetworkInfo network, Func<IProvisioningTransport, IProvisioningTransport>? wrapTransport = null,
    Action<DeviceVersionInfo>? versionReceived = null, string? bleBusAddress = null, Action<IReadOnlyList<WifiNetwork>>? scanned = null)
{
    /// <summary>The checks that talk to the provisioning service, after the transport's own checks.</summary>
    public static readonly string[] DeviceCheckNames = ["proto_ver", "firmware", "session", "ssid"];

    private static readonly string[] SoftApCheckNames = ["tcp"];

    public async Task<int> RunAsync(DoctorSettings doctor, CancellationToken cancellationToken)
    {
        var settings = doctor.Provision;
        if (UsageError(doctor) is { } usage)
        {
            report.Add(CheckResult.Fail("usage", ExitCodes.Usage, usage));
            return report.Verdict();
        }

        var ble = settings.IsBle;
        var endpoint = settings.Endpoint ?? ProvisionOptions.DefaultEndpoint;
        DeviceAddress? address = null;
        if (!ble)
        {
            if (!DeviceAddress.TryParse(endpoint, out var parsed, out var endpointError))
            {
                report.Add(CheckResult.Fail("endpoint", ExitCodes.NoConnection, endpointError, "give --softap_endpoint as host[:port] or http(s)://host[:port]"));
                return report.Verdict();
            }

            address = parsed;
        }

        report.Header(ble ? $"BLE device {settings.ServiceName ?? "(any provisioning device)"}{(settings.BleAdapter is { } a ? $" through {a}" : string.Empty)}" : $"soft AP device at {address}");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        try
        {
            return ble
                ? await RunBleChecksAsync(settings, deadline.Token).ConfigureAwait(false)
                : await RunJoinedAsync(doctor, address!, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var next = (ble ? BleChecks.Names : SoftApCheckNames).Concat(DeviceCheckNames).FirstOrDefault(n => report.Checks.All(c => c.Name != n)) ?? "ssid";
            report.Add(CheckResult.Fail(next, next switch { "tcp" or "bluez" or "adapter" or "advertising" or "gatt" => ExitCodes.NoConnection, "proto_ver" or "firmware" => ExitCodes.VersionMismatch, "ssid" => ExitCodes.WifiConnectionFailed, _ => ExitCodes.SessionFailed },
                $"timed out after {settings.TimeoutSeconds:0.#} s", "give more time with --timeout, or see the checks above"));
            return report.Verdict();
        }
    }

    private async Task<int> RunBleChecksAsync(ProvisionSettings settings, CancellationToken cancellationToken)
    {
        if (await BleChecks.RunAsync(report, settings, bleBusAddress, cancellationToken).ConfigureAwait(false) is not { } device)
        {
            return report.Verdict();
        }

        // A new connection for the provisioning checks, made as a provisioning run makes it.
        return await RunDeviceChecksAsync(settings with { ServiceName = device.Name }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>doctor --join SSID</c>: joins the device's soft AP first (a "join" check), runs the soft-AP checks through the
    /// joined interface, and gives the interface back (a "restore" check). A QR payload's name alone does not join:
    /// the doctor changes nothing unless asked.
    /// </summary>
    private async Task<int> RunJoinedAsync(DoctorSettings doctor, DeviceAddress address, CancellationToken cancellationToken)
    {
        var settings = doctor.Provision;
        if (settings.Join is not { Ssid: not null, FromQr: false })
        {
            return await RunSoftApChecksAsync(doctor with { Provision = settings with { Join = null } }, address, cancellationToken).ConfigureAwait(false);
        }

        var (joined, error) = await Transports.SoftAp.SoftApJoin.JoinAsync(new Transports.TransportContext(settings, null, TimeSpan.FromSeconds(10), null, BusAddress: bleBusAddress), cancellationToken).ConfigureAwait(false);
        if (joined is null)
        {
            report.Add(CheckResult.Fail("join", error?.ExitCode ?? ExitCodes.NoConnection, error?.Message ?? "joining is not possible here"));
            report.SkipAll("skipped: not joined to the device's network", [.. SoftApCheckNames, .. DeviceCheckNames]);
            return report.Verdict();
        }

        report.Add(CheckResult.Pass("join", $"joined '{joined.Ssid}' on {joined.InterfaceName} ({joined.Address})"));
        report.HoldVerdict = true;
        try
        {
            await RunSoftApChecksAsync(doctor with { Interface = joined.InterfaceName, Provision = settings with { Join = null, Interface = joined.InterfaceName } },
                address, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            var restored = await joined.RestoreAsync().ConfigureAwait(false);
            report.Add(restored.Restored ? CheckResult.Pass("restore", restored.Description) : CheckResult.Warn("restore", restored.Description, "run esp-prov --restore-wifi"));
            report.HoldVerdict = false;
        }

        return report.Verdict();
    }

    private async Task<int> RunSoftApChecksAsync(DoctorSettings doctor, DeviceAddress address, CancellationToken cancellationToken)
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
            report.SkipAll("skipped: no address to check", [.. SoftApCheckNames, .. DeviceCheckNames]);
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
            report.SkipAll("skipped: needs a connection to the device", DeviceCheckNames);
            return report.Verdict();
        }

        return await RunDeviceChecksAsync(settings, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The version, firmware, session and <c>--ssid</c> checks, the same over every transport.</summary>
    private async Task<int> RunDeviceChecksAsync(ProvisionSettings settings, CancellationToken cancellationToken)
    {
        var requestTimeout = TimeSpan.FromSeconds(Math.Min(30, Math.Max(0.5, settings.TimeoutSeconds / 2)));
        var (setup, setupError) = await TransportFactory.CreateAsync(new Transports.TransportContext(settings, null, requestTimeout, null, BusAddress: bleBusAddress), cancellationToken).ConfigureAwait(false);
        if (setupError is not null)
        {
            report.Add(CheckResult.Fail("proto_ver", setupError.ExitCode, setupError.Message));
            return report.Verdict();
        }

        await using var transport = wrapTransport?.Invoke(setup!.Transport) ?? setup!.Transport;
        try
        {
            await transport.PrepareAsync(Endpoints.ProtoVer, cancellationToken).ConfigureAwait(false);
        }
        catch (TransportException ex)
        {
            // Provisioning's connect step (exit 2) fails although the checks above passed: the device left, or another client took it.
            report.Add(CheckResult.Fail("connect", ExitCodes.NoConnection, $"connect failed: {Provision.CliOutput.OneLine(ex.Message)}",
                "the device answered a moment ago: make sure no other client (a phone) is connected to it, then try again"));
            report.SkipAll("skipped: needs a connection to the device", DeviceCheckNames);
            return report.Verdict();
        }

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
            var (check, seen) = await SessionChecks.SsidAsync(client, info, settings.Ssid, cancellationToken).ConfigureAwait(false);
            scanned?.Invoke(seen);
            report.Add(check);
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

        if (settings.IsBle && (settings.ScanTimeoutSeconds is <= 0 or > 3600 || double.IsNaN(settings.ScanTimeoutSeconds)))
        {
            return "--scan_timeout must be between 0 and 3600 seconds";
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
