using System.Diagnostics;
using System.Globalization;
using EspProv.Cli.Output;
using EspProv.Cli.Provision;
using EspProv.Cli.Transports;
using EspProv.Exceptions;
using EspProv.Transport.Discovery;
using Microsoft.Data.Sqlite;

namespace EspProv.Cli.Batch;

/// <summary>
/// <c>esp-prov batch --discover PREFIX</c>: looks for devices whose name starts with PREFIX for
/// <c>--discover-timeout</c> seconds (or until <c>--max</c> are found), then provisions every device found as a manifest
/// batch does: the same journal, resume rules, views, summary and exit codes. A device's journal key is its name and
/// address (<c>PROV_1A2B3C@24:0A:C4:1A:2B:3C</c>: the soft AP's BSSID or the Bluetooth address). How devices are found
/// and reached is the transport's (<see cref="IDiscoverySupport"/>): soft APs one after another on one Wi-Fi interface,
/// given back its network at the end, even on Ctrl+C; BLE <c>--concurrency</c> at a time. An optional manifest gives
/// per-device values, matched by name. docs/fleet.md.
/// </summary>
internal sealed class DiscoverBatch(TextWriter output, TextWriter error, ITerminal terminal, Func<string, CancellationToken, Task<IJournal>> openJournal)
{
    public async Task<int> RunAsync(BatchSettings settings, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var prefix = settings.Discover!;
        var support = TransportFactory.Find(settings.Transport)?.Discovery
            ?? throw new InvalidOperationException($"--transport {settings.Transport} passed the --discover check without discovery");
        var rows = new Dictionary<string, ManifestEntry>(StringComparer.Ordinal);
        if (settings.ManifestPath is { } path)
        {
            Manifest manifest;
            try
            {
                manifest = await Manifest.LoadAsync(path, cancellationToken, discovered: true).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Fail(ExitCodes.Usage, $"cannot read the manifest '{path}': {(ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message)}");
            }

            foreach (var problem in manifest.Errors)
            {
                error.WriteLine($"esp-prov: {path}: {CliOutput.OneLine(problem.ToString())}");
            }

            if (!manifest.IsValid)
            {
                return Fail(ExitCodes.Usage, $"the manifest has {manifest.Errors.Count} problem(s); nothing was sent");
            }

            rows = manifest.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        }
        else if (string.IsNullOrEmpty(settings.Ssid))
        {
            return Fail(ExitCodes.Usage, "--ssid is required with --discover (or a --manifest giving each device's ssid)");
        }

        IJournal journal;
        try
        {
            journal = await openJournal(settings.JournalPath, cancellationToken).ConfigureAwait(false);
        }
        catch (JournalLockedException ex)
        {
            return Fail(ExitCodes.Usage, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SqliteException)
        {
            return Fail(ExitCodes.Usage, $"cannot open the journal '{settings.JournalPath}': {ex.Message}");
        }

        await using (journal.ConfigureAwait(false))
        {
            var json = settings.Json ? new JsonLinesWriter(output) : null;
            try
            {
                var run = support.Open(settings, line => Say(json, line), restore => ReportRestore(json, restore));
                await run.PrepareAsync(cancellationToken).ConfigureAwait(false);
                var found = await DiscoverAsync(settings, prefix, support.DeviceKind, run.Discovery, json, cancellationToken).ConfigureAwait(false);
                if (found.Count == 0)
                {
                    return Fail(ExitCodes.NoConnection, $"no {support.DeviceKind} provisioning device whose name starts with '{prefix}' found within "
                        + $"{settings.DiscoverTimeoutSeconds.ToString(CultureInfo.InvariantCulture)} s");
                }

                return await ProvisionAsync(settings, journal, found, rows, run, json, started, cancellationToken).ConfigureAwait(false);
            }
            catch (TransportException ex)
            {
                // No NetworkManager or BlueZ, no Wi-Fi or Bluetooth adapter: nothing was sent.
                return Fail(ExitCodes.NoConnection, ex.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Fail(ExitCodes.Interrupted, $"interrupted: the journal '{settings.JournalPath}' is consistent; run the same command again to resume");
            }
        }
    }

    private async Task<List<DiscoveredDevice>> DiscoverAsync(BatchSettings settings, string prefix, string kind, IDeviceDiscovery discovery, JsonLinesWriter? json,
        CancellationToken cancellationToken)
    {
        var seconds = settings.DiscoverTimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        Say(json, $"==== Looking for {kind} devices named {CliOutput.Shown(prefix)}* for {seconds} s"
            + (settings.Max is { } m ? $" (at most {m.ToString(CultureInfo.InvariantCulture)})" : string.Empty) + " ====");
        var found = new List<DiscoveredDevice>();
        await foreach (var device in discovery.DiscoverAsync(new DiscoveryRequest(prefix) { Timeout = TimeSpan.FromSeconds(settings.DiscoverTimeoutSeconds) }, cancellationToken)
            .ConfigureAwait(false))
        {
            found.Add(device);
            if (json is null)
            {
                output.WriteLine($"Found {CliOutput.Shown(device.Name)} ({device.Address}"
                    + (device.Rssi is { } r ? $", {r.ToString(CultureInfo.InvariantCulture)} dBm" : string.Empty)
                    + (device.Secured is { } s ? (s ? ", WPA2" : ", open") : string.Empty) + ")");
            }
            else
            {
                json.WriteLine("found", Key(device), w =>
                {
                    w.WriteString("name", device.Name);
                    w.WriteString("address", device.Address);
                    if (device.Rssi is { } rssi)
                    {
                        w.WriteNumber("rssi", rssi);
                    }
                });
            }

            if (found.Count == settings.Max)
            {
                break;
            }
        }

        return found;
    }

    private async Task<int> ProvisionAsync(BatchSettings settings, IJournal journal, List<DiscoveredDevice> found, Dictionary<string, ManifestEntry> rows, DiscoveryRun run,
        JsonLinesWriter? json, long started, CancellationToken cancellationToken)
    {
        var devices = found.ToDictionary(Key, StringComparer.Ordinal);
        var entries = found.Select(d => Entry(d, rows.GetValueOrDefault(d.Name), run)).ToList();
        var manifest = Manifest.FromEntries(entries);
        var problems = BatchRunner.CheckEntries(manifest, settings).ToList();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                error.WriteLine($"esp-prov: {CliOutput.OneLine(problem.Replace("line 0: ", string.Empty, StringComparison.Ordinal))}");
            }

            return Fail(ExitCodes.Usage, $"{problems.Count} device(s) cannot be provisioned with these flags; nothing was sent");
        }

        BatchRunner.WarnIncompleteDatasets(manifest, settings, output, error);
        TranscriptFiles? transcripts = null;
        if (settings.TranscriptDir is { } dir)
        {
            try
            {
                transcripts = TranscriptFiles.Plan(Directory.CreateDirectory(dir).FullName, entries.Select(e => e.Name));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                return Fail(ExitCodes.Usage, $"cannot create the transcript directory '{dir}': {ex.Message}");
            }
        }

        // The devices in range change from run to run: the journal keeps every device it has seen and adds the new ones.
        var records = (await journal.StartRunAsync(manifest, manifestChangedOk: true, cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.Name, StringComparer.Ordinal);
        var view = BatchRunner.CreateView(settings, entries.Select(e => e.Name), output, terminal);
        var errorGate = new Lock();
        var provisioner = new DeviceProvisioner(journal, settings, view, transcripts, line =>
        {
            lock (errorGate)
            {
                error.WriteLine($"esp-prov: {CliOutput.OneLine(line)}");
            }
        }, (entry, context, ct) => run.CreateAsync(devices[entry.Name], entry, context, ct));
        try
        {
            var results = await view.RunAsync(() => BatchRunner.RunDevicesAsync(manifest, records, provisioner, run.Concurrency(settings.Concurrency), cancellationToken),
                cancellationToken).ConfigureAwait(false);
            await run.FinishAsync().ConfigureAwait(false);
            var summary = new BatchSummary(results, Stopwatch.GetElapsedTime(started));
            view.Summary(summary);
            return summary.ExitCode;
        }
        catch
        {
            // Ctrl+C or a failure: e.g. the Wi-Fi interface gets its network back before esp-prov exits.
            await run.FinishAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The journal key: the name and the address, so two devices that share a name stay two devices.</summary>
    internal static string Key(DiscoveredDevice device) => $"{device.Name}@{device.Address}";

    private static ManifestEntry Entry(DiscoveredDevice device, ManifestEntry? row, DiscoveryRun run) => new()
    {
        Name = Key(device),
        Address = run.EntryAddress(device, row),
        Line = row?.Line ?? 0,
        SecVer = row?.SecVer,
        Pop = row?.Pop,
        Sec2Username = row?.Sec2Username,
        Sec2Password = row?.Sec2Password,
        Ssid = row?.Ssid,
        Passphrase = row?.Passphrase,
    };

    private void ReportRestore(JsonLinesWriter? json, NetworkRestore result)
    {
        if (json is null)
        {
            output.WriteLine(result.Line);
            return;
        }

        json.WriteLine("wifi_restore", null, w =>
        {
            w.WriteBoolean("restored", result.Restored);
            w.WriteString("description", result.Description);
        });
    }

    private void Say(JsonLinesWriter? json, string line)
    {
        if (json is null)
        {
            output.WriteLine(line);
        }
    }

    private int Fail(int code, string message)
    {
        error.WriteLine($"esp-prov: {CliOutput.OneLine(message)}");
        return code;
    }
}
