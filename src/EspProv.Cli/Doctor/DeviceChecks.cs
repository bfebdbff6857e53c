using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Transport;
using EspProv.Transport.Http;

namespace EspProv.Cli.Doctor;

/// <summary>The checks that talk to the device: TCP connect, the version answer and what it says of the firmware.</summary>
internal static class DeviceChecks
{
    /// <summary>Opens (and closes) one TCP connection, bound to <c>--interface</c> when given.</summary>
    public static async Task<CheckResult> TcpAsync(DeviceAddress address, IPAddress[] targets, string? interfaceName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        SocketException? last = null;
        foreach (var target in targets)
        {
            using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            try
            {
                if (interfaceName is not null)
                {
                    InterfaceBinding.Bind(socket, interfaceName);
                }

                await socket.ConnectAsync(new IPEndPoint(target, address.Port), limit.Token).ConfigureAwait(false);
                return CheckResult.Pass("tcp", $"connected to {target}:{address.Port} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms", Stopwatch.GetElapsedTime(started));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = new SocketException((int)SocketError.TimedOut);
            }
            catch (SocketException ex)
            {
                last = ex;
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        return last?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => CheckResult.Fail("tcp", ExitCodes.NoConnection,
                $"{address.Authority} refused the connection: something is there, but nothing listens on port {address.Port}",
                "check the port of --softap_endpoint, and that the device is in provisioning mode (its provisioning service may have stopped)", elapsed),
            SocketError.TimedOut => CheckResult.Fail("tcp", ExitCodes.NoConnection,
                $"no answer from {address.Authority} within {timeout.TotalSeconds:0.#} s",
                "join the device's soft AP, make sure it is in provisioning mode (it stops after a successful provisioning), and see the checks above", elapsed),
            _ => CheckResult.Fail("tcp", ExitCodes.NoConnection,
                $"cannot connect to {address.Authority}: {Provision.CliOutput.OneLine(last?.Message ?? "no address")}",
                "join the device's soft AP and see the checks above", elapsed),
        };
    }

    /// <summary>Asks <c>proto-ver</c> and checks the answer as provisioning would (a plain answer must match <c>--proto_ver</c>, default V0.1).</summary>
    public static async Task<(CheckResult Result, DeviceVersionInfo? Info)> VersionAsync(ProvisioningClient client, string? protoVer, CancellationToken cancellationToken)
    {
        var expected = protoVer ?? ProvisionOptions.DefaultProtoVer;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var info = await client.GetVersionAsync(cancellationToken).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if ((protoVer is not null || !info.IsJson) && !info.Matches(expected))
            {
                return (CheckResult.Fail("proto_ver", ExitCodes.VersionMismatch,
                    $"the device answers version '{Provision.CliOutput.Shown(info.Version ?? info.Raw)}', expected '{Provision.CliOutput.Shown(expected)}'",
                    info.IsJson ? "drop --proto_ver, or give the version the firmware reports" : "give the device's version with --proto_ver", elapsed), info);
            }

            return (CheckResult.Pass("proto_ver", $"the device answered in {elapsed.TotalMilliseconds:0} ms ({(info.IsJson ? "JSON" : "plain text")})", elapsed), info);
        }
        catch (TransportException ex)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var status = (ex as HttpTransportException)?.StatusCode;
            return (ex.Failure switch
            {
                TransportFailure.EndpointNotFound or TransportFailure.Rejected => CheckResult.Fail("proto_ver", ExitCodes.VersionMismatch,
                    $"an HTTP server answers{(status is { } s ? $" with status {s}" : string.Empty)}, but it is not a provisioning device (no /proto-ver)",
                    "this is another web server (a router, a printer?): check --softap_endpoint, and that this computer is on the device's soft AP, not on another network that uses the same addresses", elapsed),
                TransportFailure.MalformedReply => CheckResult.Fail("proto_ver", ExitCodes.VersionMismatch,
                    "something answers on that port, but not in HTTP", "check the port of --softap_endpoint (and http:// versus https://)", elapsed),
                _ => CheckResult.Fail("proto_ver", ExitCodes.VersionMismatch,
                    $"no version answer: {Provision.CliOutput.OneLine(ex.Message)}", "make sure the device is in provisioning mode, then try again", elapsed),
            }, null);
        }
        catch (ProvisioningException ex)
        {
            return (CheckResult.Fail("proto_ver", ExitCodes.VersionMismatch, $"bad version answer: {Provision.CliOutput.OneLine(ex.Message)}", null, Stopwatch.GetElapsedTime(started)), null);
        }
    }

    /// <summary>What the version answer says of the firmware: family, version, capabilities, security scheme.</summary>
    public static CheckResult Firmware(DeviceVersionInfo info, ProvisionSettings settings)
    {
        var secVer = settings.SecVer;
        var support = NetworkSupport.From(info);
        if (Provision.NetworkFit.Check(settings, support) is { } misfit)
        {
            return CheckResult.Fail("firmware", ExitCodes.Usage, misfit,
                support.Network == NetworkKind.Thread
                    ? "a Thread device joins with its network's dataset: 'ot-ctl dataset active -x' on the border router prints it; or omit the Wi-Fi flags to pick a network from the device's scan on a terminal"
                    : "drop the Thread dataset and give the Wi-Fi network with --ssid and --passphrase");
        }

        if (!info.IsJson)
        {
            return CheckResult.Pass("firmware", $"legacy firmware (ESP8266 RTOS SDK example), version '{Provision.CliOutput.Shown(info.Raw)}': it does not report its security scheme"
                + (secVer is null ? " (security 1 is assumed; give --sec_ver 0 for a device without security)" : string.Empty));
        }

        var version = info.Version ?? "?";
        var family = support.Generation == DeviceGeneration.NetworkProvisioning
            ? $"network_provisioning (ESP-IDF 6), a {(support.Network == NetworkKind.Thread ? "Thread" : "Wi-Fi")} device"
            : info.SecurityVersion is not null ? "wifi_prov_mgr (ESP-IDF 5.x), a Wi-Fi device"
            : "wifi_prov_mgr (ESP-IDF 4.x or ESP8266 RTOS SDK 3.3+), a Wi-Fi device";
        var scheme = info.SecurityVersion ?? (info.HasCapability("no_sec") ? 0 : 1);
        var schemeText = info.SecurityVersion is not null
            ? $"security {scheme}" + (scheme == 2 ? $" (patch {info.SecurityPatchVersion ?? 0})" : string.Empty)
            : $"security {scheme} (from its capabilities)";
        if (scheme == 1)
        {
            schemeText += info.HasCapability("no_pop") ? " without PoP" : " with PoP";
        }

        var detail = $"{family}, version '{Provision.CliOutput.Shown(version)}', {schemeText}, capabilities [{Provision.CliOutput.Shown(string.Join(", ", info.Capabilities))}]";
        if (secVer is { } given && given != scheme && info.SecurityVersion is not null)
        {
            return CheckResult.Warn("firmware", detail + $"; but --sec_ver {given} was given", $"drop --sec_ver (esp-prov reads it from the device), or use --sec_ver {scheme}");
        }

        return CheckResult.Pass("firmware", detail);
    }
}
