using System.Diagnostics;
using EspProv.Provisioning;

namespace EspProv.Cli.Provision;

/// <summary>The limits of one device's run, shared by a single run and a batch: settings checks, the status wait and its polling.</summary>
internal static class RunLimits
{
    /// <summary>A usage error in <paramref name="settings"/>, or null when they can run.</summary>
    public static string? Validate(ProvisionSettings settings, bool interactive)
    {
        if (settings.TimeoutSeconds is <= 0 or > 86400 || double.IsNaN(settings.TimeoutSeconds))
        {
            return "--timeout must be between 0 and 86400 seconds";
        }

        if (settings.PollIntervalMs is < 1 or > 60000)
        {
            return "--poll_interval must be between 1 and 60000 ms";
        }

        if (settings.UsageError is not null)
        {
            return settings.UsageError;
        }

        if (settings.Reset && settings.Reprov)
        {
            return "--reset and --reprov exclude each other";
        }

        if (settings.Dataset is not null && settings.WifiFlag is { } wifiFlag)
        {
            return $"{wifiFlag} and a Thread dataset ({settings.DatasetSource}) exclude each other: a device takes one kind of network";
        }

        if (NetworkFit.CheckQr(settings) is { } misfit)
        {
            return misfit;
        }

        if (string.IsNullOrEmpty(settings.Ssid))
        {
            // --scan/--reset/--reprov need no SSID, a Thread device a dataset instead; otherwise a network is picked
            // from a scan, which needs a person at a terminal.
            return settings.Scan || settings.Reset || settings.Reprov || settings.Dataset is not null || interactive
                ? null
                : "--ssid is required: the SSID of the network the device should join, or --dataset_tlvs for a Thread device (without a terminal there is no scan to pick from)";
        }

        try
        {
            new WifiCredentials(settings.Ssid, settings.Passphrase ?? string.Empty).Validate();
        }
        catch (ArgumentException ex)
        {
            return ex.Message.Split(" (Parameter", 2)[0];
        }

        return null;
    }

    /// <summary>
    /// The wait for a verdict ends a little before the overall deadline, so it reports its own verdict ("outcome
    /// unknown" and why) rather than being cut off by the deadline's cancellation.
    /// </summary>
    public static TimeSpan StatusLimit(ProvisionSettings settings, long started)
    {
        var left = TimeSpan.FromSeconds(settings.TimeoutSeconds) - Stopwatch.GetElapsedTime(started);
        var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, left.Ticks / 10));
        return left - margin > TimeSpan.FromMilliseconds(1) ? left - margin : TimeSpan.FromMilliseconds(1);
    }

    /// <summary>The status polling of <paramref name="settings"/>: <c>--timeout</c>, and <c>--poll_interval</c> as the longest interval.</summary>
    public static StatusPolling Polling(ProvisionSettings settings)
    {
        var polling = StatusPolling.Default with { Timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds) };
        return settings.PollIntervalMs is { } cap ? polling with { MaxInterval = TimeSpan.FromMilliseconds(cap) } : polling;
    }
}
