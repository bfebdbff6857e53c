using System.Diagnostics;
using System.Globalization;
using EspProv.Cli.Output;
using EspProv.Cli.Provision;
using EspProv.Cli.Transports;
using EspProv.Cli.Transports.SoftAp;
using EspProv.Exceptions;
using EspProv.Transport.Ble;
using EspProv.Transport.Discovery;
using EspProv.Transport.SoftAp;
using EspProv.Transport.SoftAp.NetworkManager;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Cli.Batch;

/// <summary>
/// <c>esp-prov batch --discover PREFIX</c>: looks for devices whose name starts with PREFIX for
/// <c>--discover-timeout</c> seconds (or until <c>--max</c> are found), then provisions every device found as a manifest
/// batch does: the same journal, resume rules, views, summary and exit codes. A device's journal key is its name and
/// address (<c>PROV_1A2B3C@24:0A:C4:1A:2B:3C</c>: the soft AP's BSSID or the Bluetooth address). Soft AP: one device
/// after another on one Wi-Fi interface (<see cref="SoftApHop"/>), given back its network at the end, even on Ctrl+C;
/// BLE: <c>--concurrency</c> at a time. An optional manifest gives per-device values, matched by name. docs/fleet.md.
/// </summary>
internal sealed class DiscoverBatch(TextWriter output, TextWriter error, ITerminal terminal, Func<string, CancellationToken, Task<IJournal>> openJournal)
{
    public async Task<int> RunAsync(BatchSettings settings, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var prefix = settings.Discover!;
        var ble = TransportFactory.Find(settings.Transport)?.Names[0] == "ble";
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
            var joiner = ble ? null : SoftApJoin.Joiner(null, settings.BusAddress);
            var json = settings.Json ? new JsonLinesWriter(output) : null;
            try
            {
                if (joiner is not null && await joiner.RestoreFromNoteAsync(cancellationToken).ConfigureAwait(false) is { } leftover)
                {
                    Say(json, "A previous --join run did not end; restoring its Wi-Fi interface first");
                    ReportRestore(json, leftover);
                }

                var found = await DiscoverAsync(settings, prefix, ble, json, cancellationToken).ConfigureAwait(false);
                if (found.Count == 0)
                {
                    return Fail(ExitCodes.NoConnection, $"no {(ble ? "BLE" : "soft-AP")} provisioning device whose name starts with '{prefix}' found within "
                        + $"{settings.DiscoverTimeoutSeconds.ToString(CultureInfo.InvariantCulture)} s");
                }

                return await ProvisionAsync(settings, journal, found, rows, ble, joiner, json, started, cancellationToken).ConfigureAwait(false);
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

    private async Task<List<DiscoveredDevice>> DiscoverAsync(BatchSettings settings, string prefix, bool ble, JsonLinesWriter? json, CancellationToken cancellationToken)
    {
        IDeviceDiscovery discovery = ble
            ? new BleDeviceDiscovery(new BleScanOptions { Adapter = settings.BleAdapter, BusAddress = settings.BusAddress })
            : new NetworkManagerDiscovery(new NetworkManagerDiscoveryOptions { InterfaceName = settings.Join?.WifiInterface, BusAddress = settings.BusAddress });
        var seconds = settings.DiscoverTimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        Say(json, $"==== Looking for {(ble ? "BLE" : "soft-AP")} devices named {CliOutput.Shown(prefix)}* for {seconds} s"
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

    private async Task<int> ProvisionAsync(BatchSettings settings, IJournal journal, List<DiscoveredDevice> found, Dictionary<string, ManifestEntry> rows, bool ble,
        NetworkManagerJoiner? joiner, JsonLinesWriter? json, long started, CancellationToken cancellationToken)
    {
        var devices = found.ToDictionary(Key, StringComparer.Ordinal);
        var entries = found.Select(d => Entry(d, rows.GetValueOrDefault(d.Name), ble)).ToList();
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
        var hop = joiner is null ? null : new SoftApHop(joiner, settings.Join, settings.ScanTimeoutSeconds);
        var errorGate = new Lock();
        var provisioner = new DeviceProvisioner(journal, settings, view, transcripts, line =>
        {
            lock (errorGate)
            {
                error.WriteLine($"esp-prov: {CliOutput.OneLine(line)}");
            }
        }, (entry, context, ct) => hop is not null
            ? hop.CreateAsync(devices[entry.Name].Name, devices[entry.Name].Address, entry.Address, context, ct)
            : ValueTask.FromResult<(TransportSetup?, TransportSetupError?)>((BleSetup(devices[entry.Name], settings, context), null)));
        try
        {
            // One Wi-Fi interface carries one soft AP at a time; BLE links run side by side.
            var results = await view.RunAsync(() => BatchRunner.RunDevicesAsync(manifest, records, provisioner, hop is null ? settings.Concurrency : 1, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            await RestoreAsync(hop, json).ConfigureAwait(false);
            var summary = new BatchSummary(results, Stopwatch.GetElapsedTime(started));
            view.Summary(summary);
            return summary.ExitCode;
        }
        catch
        {
            // Ctrl+C or a failure: the Wi-Fi interface gets its network back before esp-prov exits.
            await RestoreAsync(hop, json).ConfigureAwait(false);
            throw;
        }
    }

    private async Task RestoreAsync(SoftApHop? hop, JsonLinesWriter? json)
    {
        if (hop is not null && await hop.RestoreAsync().ConfigureAwait(false) is { } restored)
        {
            ReportRestore(json, restored);
        }
    }

    /// <summary>The journal key: the name and the address, so two devices that share a name stay two devices.</summary>
    internal static string Key(DiscoveredDevice device) => $"{device.Name}@{device.Address}";

    private static ManifestEntry Entry(DiscoveredDevice device, ManifestEntry? row, bool ble) => new()
    {
        Name = Key(device),
        Address = ble ? device.Address : row?.Address is { Length: > 0 } address ? address : ProvisionOptions.DefaultEndpoint,
        Line = row?.Line ?? 0,
        SecVer = row?.SecVer,
        Pop = row?.Pop,
        Sec2Username = row?.Sec2Username,
        Sec2Password = row?.Sec2Password,
        Ssid = row?.Ssid,
        Passphrase = row?.Passphrase,
    };

    private static TransportSetup BleSetup(DiscoveredDevice device, BatchSettings settings, TransportContext context) => new(new BleTransport(new BleTransportOptions
    {
        ServiceName = device.Name,
        Address = device.Address,
        Adapter = settings.BleAdapter,
        ScanTimeout = TimeSpan.FromSeconds(settings.ScanTimeoutSeconds),
        RequestTimeout = context.RequestTimeout,
        BusAddress = settings.BusAddress,
        LoggerFactory = NullLoggerFactory.Instance,
    }), $"BLE device {device}");

    private void ReportRestore(JsonLinesWriter? json, SoftApRestoreResult result)
    {
        if (json is null)
        {
            SoftApJoin.Report(result, output.WriteLine);
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
