using System.Diagnostics;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Thread;

namespace EspProv.Cli.Doctor;

/// <summary>
/// A Thread device's last check, <c>dataset</c>, in place of Wi-Fi's <c>ssid</c>: whether the given dataset is a
/// complete active dataset and, when the device can scan, whether it hears that network. The dataset is never sent.
/// </summary>
internal static class ThreadChecks
{
    private const string Name = "dataset";

    /// <summary>The dataset's completeness, read here only.</summary>
    public static CheckResult Completeness(ProvisionSettings settings)
    {
        if (settings.Dataset is not { } dataset)
        {
            return CheckResult.Skip(Name, "no --dataset_tlvs given: the dataset was not checked",
                "add --dataset_tlvs <hex> (or --dataset-file) to check it; 'ot-ctl dataset active -x' on the border router prints it");
        }

        if (Provision.DatasetOptions.MissingFields(dataset) is { } missing)
        {
            return CheckResult.Warn(Name, $"the dataset ({settings.DatasetSource}) is not a complete active dataset: it lacks {missing}",
                "give the whole output of 'ot-ctl dataset active -x' (a partial dataset is sent with a warning, and the device may not attach)");
        }

        return CheckResult.Pass(Name, $"a complete active dataset for {Describe(dataset)}; it was not sent");
    }

    /// <summary>Completeness, then whether the device's own Thread scan hears the dataset's network (by extended PAN ID).</summary>
    public static async Task<CheckResult> DatasetAsync(ProvisioningClient client, DeviceVersionInfo info, ProvisionSettings settings, CancellationToken cancellationToken)
    {
        var completeness = Completeness(settings);
        if (settings.Dataset?.ExtendedPanId is not { } extendedPanId || completeness.Status == CheckStatus.Skipped)
        {
            return completeness;
        }

        if (!NetworkSupport.From(info).CanScan)
        {
            return completeness with { Detail = completeness.Detail + "; the device cannot scan (no thread_scan capability), so whether it hears the network is unknown" };
        }

        var started = Stopwatch.GetTimestamp();
        IReadOnlyList<ThreadNetwork> networks;
        try
        {
            networks = await client.ScanThreadAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ProvisioningException ex)
        {
            return CheckResult.Warn(Name, $"{completeness.Detail}; the device's Thread scan failed: {Provision.CliOutput.OneLine(ex.Message)}", "provisioning does not need the scan; try again to check the network");
        }

        var match = networks.Where(n => n.ExtendedPanId.Span.SequenceEqual(extendedPanId.Span)).OrderByDescending(n => n.Rssi).FirstOrDefault();
        if (match is null)
        {
            return CheckResult.Fail(Name, ExitCodes.WifiConnectionFailed,
                $"the device does not hear the dataset's network ({Describe(settings.Dataset)}; {networks.Count} Thread networks in its scan)",
                "check that the dataset is this network's (ot-ctl dataset active -x on its border router), and that a Thread router is in range", Stopwatch.GetElapsedTime(started));
        }

        var heard = $"{completeness.Detail}; the device hears it on channel {match.Channel}, RSSI {match.Rssi} dBm, LQI {match.Lqi}";
        return completeness.Status == CheckStatus.Warning ? completeness with { Detail = heard } : CheckResult.Pass(Name, heard, Stopwatch.GetElapsedTime(started));
    }

    private static string Describe(ThreadDataset dataset) =>
        $"'{Provision.CliOutput.Shown(dataset.NetworkName ?? "?")}' (PAN ID {(dataset.PanId is { } pan ? $"0x{pan:x4}" : "?")}, channel {dataset.Channel?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"})";
}
