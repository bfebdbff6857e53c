using System.Diagnostics;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Security;

namespace EspProv.Cli.Doctor;

/// <summary>
/// The handshake with the given PoP or credentials (no Wi-Fi configuration is sent) and, with <c>--ssid</c>, whether
/// the device's own scan sees the network. Tells a scheme mismatch (the device ends the exchange on the first
/// handshake message) from rejected credentials (it ends it on the proof) from a link problem.
/// </summary>
internal static class SessionChecks
{
    /// <summary>The scheme provisioning would use, or a skipped check when the PoP or credentials it needs are missing.</summary>
    public static (ISecurity? Security, CheckResult? Skipped) Choose(ProvisionSettings settings, DeviceVersionInfo info)
    {
        var scheme = settings.SecVer ?? (info.IsJson ? info.SecurityVersion ?? (info.HasCapability("no_sec") ? 0 : 1) : 1);
        switch (scheme)
        {
            case 0:
                return (Security0.Instance, null);
            case 1:
                var pop = info.IsJson && info.HasCapability("no_pop") && settings.SecVer is null ? string.Empty : settings.Pop;
                if (info.IsJson && !info.HasCapability("no_pop") && pop.Length == 0)
                {
                    return (null, CheckResult.Warn("session", "skipped: the device needs a proof of possession (PoP) and none was given",
                        "give --pop (or --pop-file, ESP_PROV_POP): it is on the device's label or console"));
                }

                return (new Security1(pop), null);
            default:
                if (string.IsNullOrEmpty(settings.Sec2Username) || string.IsNullOrEmpty(settings.Sec2Password))
                {
                    return (null, CheckResult.Warn("session", "skipped: security 2 needs a username and password and they were not both given",
                        "give --sec2_username and --sec2_pwd (or --sec2_pwd-file, ESP_PROV_SEC2_PWD, or the device's --qr payload)"));
                }

                return (new Security2(settings.Sec2Username, settings.Sec2Password, info.SecurityPatchVersion ?? 0), null);
        }
    }

    /// <summary>Runs the handshake and classifies a failure.</summary>
    public static async Task<CheckResult> SessionAsync(ProvisioningClient client, ISecurity security, DeviceVersionInfo info, bool popGiven,
        CancellationToken cancellationToken)
    {
        var scheme = (int)security.Scheme;
        var started = Stopwatch.GetTimestamp();
        try
        {
            await client.EstablishSessionAsync(security, cancellationToken).ConfigureAwait(false);
            return CheckResult.Pass("session", $"security {scheme} session established"
                + (security.Scheme == SecurityScheme.Sec1 ? (popGiven ? " with the PoP" : " without PoP") : security.Scheme == SecurityScheme.Sec2 ? " with the username and password" : string.Empty)
                + $" in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms", Stopwatch.GetElapsedTime(started));
        }
        catch (SessionFailedException ex)
        {
            return Classify(ex, scheme, info, popGiven, Stopwatch.GetElapsedTime(started));
        }
        catch (TransportException ex)
        {
            return LinkProblem(ex.Message, Stopwatch.GetElapsedTime(started));
        }
    }

    private static CheckResult Classify(SessionFailedException ex, int scheme, DeviceVersionInfo info, bool popGiven, TimeSpan elapsed)
    {
        var closed = ex.InnerException is TransportException { Failure: TransportFailure.ClosedWithoutResponse };
        if (ex.Reason == SessionFailureReason.CredentialsRejected || ex.Reason == SessionFailureReason.DeviceNotAuthenticated)
        {
            return scheme == 2
                ? CheckResult.Fail("session", ExitCodes.SessionFailed, "the device rejected the proof (Command1): wrong username or password?",
                    "check --sec2_username and --sec2_pwd (the device's QR payload has both)", elapsed)
                : CheckResult.Fail("session", ExitCodes.SessionFailed,
                    popGiven ? "the device rejected the proof (Command1): wrong proof of possession (PoP)?" : "the device rejected the proof (Command1): it requires a proof of possession (PoP)",
                    "check --pop: it is on the device's label or console (or in its QR payload)", elapsed);
        }

        if (ex.HandshakeStage == EspProv.Security.HandshakeStage.Command0 && (closed || ex.Reason == SessionFailureReason.ProtocolError))
        {
            var advice = info.SecurityVersion is { } reported && reported != scheme
                ? $"use --sec_ver {reported}, or drop --sec_ver (esp-prov reads it from the device)"
                : "the firmware does not say which scheme it uses: try --sec_ver 0, 1 or 2";
            return CheckResult.Fail("session", ExitCodes.SessionFailed,
                $"the device ended the exchange on the first handshake message (Command0): it does not use security {scheme} (scheme mismatch)", advice, elapsed);
        }

        if (ex.Reason == SessionFailureReason.TransportError)
        {
            return LinkProblem(ex.Message, elapsed);
        }

        return CheckResult.Fail("session", ExitCodes.SessionFailed, Provision.CliOutput.OneLine(ex.Message), null, elapsed);
    }

    private static CheckResult LinkProblem(string message, TimeSpan elapsed) =>
        CheckResult.Fail("session", ExitCodes.SessionFailed, $"the link failed during the handshake: {Provision.CliOutput.OneLine(message)}",
            "this is not a PoP or password problem: move closer to the device, check that no other client is connected to it, and try again", elapsed);

    /// <summary>With <c>--ssid</c>: whether the device's own scan sees the network, and its channel and auth mode.</summary>
    public static async Task<(CheckResult Result, IReadOnlyList<WifiNetwork> Seen)> SsidAsync(ProvisioningClient client, DeviceVersionInfo info, string ssid,
        CancellationToken cancellationToken)
    {
        if (info.IsJson && !info.HasCapability("wifi_scan") || !info.IsJson)
        {
            return (CheckResult.Skip("ssid", "the device cannot scan (no wifi_scan capability), so whether it sees the network is unknown"), []);
        }

        var started = Stopwatch.GetTimestamp();
        IReadOnlyList<WifiNetwork> networks;
        try
        {
            networks = await client.ScanAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ProvisioningException ex)
        {
            return (CheckResult.Warn("ssid", $"the device's scan failed: {Provision.CliOutput.OneLine(ex.Message)}", "provisioning does not need the scan; try again to check the network"), []);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var match = networks.Where(n => n.Ssid == ssid).OrderByDescending(n => n.Rssi).FirstOrDefault();
        var shown = Provision.CliOutput.Shown(ssid);
        if (match is null)
        {
            return (CheckResult.Fail("ssid", ExitCodes.WifiConnectionFailed, $"the device does not see '{shown}' ({networks.Count} networks in its scan)",
                "a network the device cannot see is usually 5 GHz only (ESP32/ESP8266 use 2.4 GHz) or out of range; check the SSID's spelling and case, and list what it sees with esp-prov --scan", elapsed), networks);
        }

        var detail = $"the device sees '{shown}' on channel {match.Channel}, {Provision.StepWording.AuthName(match.AuthMode)}, RSSI {match.Rssi} dBm";
        return (match.Rssi < -80
            ? CheckResult.Warn("ssid", detail + ": a weak signal", "move the device closer to the access point")
            : CheckResult.Pass("ssid", detail, elapsed), networks);
    }
}
