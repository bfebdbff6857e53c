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

    public async Task<int> RunAsync(DoctorSettings doctor, CancellationToken cancellationToken)
    {
        var settings = doctor.Provision;
        if (UsageError(doctor) is { } usage)
        {
            report.Add(CheckResult.Fail("usage", ExitCodes.Usage, usage));
            return report.Verdict();
        }

        var provider = TransportFactory.For(settings);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        try
        {
            return await provider.DoctorAsync(new DoctorContext(report, doctor, network, bleBusAddress), RunDeviceChecksAsync, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var next = provider.DoctorCheckNames.Concat(DeviceCheckNames).FirstOrDefault(n => report.Checks.All(c => c.Name != n)) ?? "ssid";
            var code = provider.DoctorCheckNames.Contains(next) ? ExitCodes.NoConnection
                : next switch { "proto_ver" or "firmware" => ExitCodes.VersionMismatch, "ssid" => ExitCodes.WifiConnectionFailed, _ => ExitCodes.SessionFailed };
            report.Add(CheckResult.Fail(next, code, $"timed out after {settings.TimeoutSeconds:0.#} s", "give more time with --timeout, or see the checks above"));
            return report.Verdict();
        }
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

        var firmware = DeviceChecks.Firmware(info, settings);
        report.Add(firmware);
        var thread = NetworkSupport.From(info).Network == NetworkKind.Thread;
        var last = thread ? "dataset" : "ssid";
        if (firmware.Status == CheckStatus.Failed)
        {
            report.SkipAll("skipped: the flags do not fit the device", ["session", last]);
            return report.Verdict();
        }

        var (security, skipped) = SessionChecks.Choose(settings, info);
        if (security is null)
        {
            report.Add(skipped!);
            report.Add(thread ? ThreadChecks.Completeness(settings) : CheckResult.Skip("ssid", "skipped: needs a session"));
            return report.Verdict();
        }

        var session = await SessionChecks.SessionAsync(client, security, info, settings.Pop.Length > 0, cancellationToken).ConfigureAwait(false);
        report.Add(session);
        if (thread)
        {
            report.Add(session.Status == CheckStatus.Failed
                ? ThreadChecks.Completeness(settings)
                : await ThreadChecks.DatasetAsync(client, info, settings, cancellationToken).ConfigureAwait(false));
        }
        else if (session.Status == CheckStatus.Failed)
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
