using System.Diagnostics;
using EspProv.Cli.Output;
using EspProv.Cli.Provision;
using Microsoft.Data.Sqlite;

namespace EspProv.Cli.Batch;

/// <summary>
/// <c>esp-prov batch</c>: checks the manifest and flags (every problem reported, exit 64, nothing sent), opens the
/// journal (one run at a time, refusing a changed manifest), then provisions up to <c>--concurrency</c> devices at
/// once, resuming from the journal, and ends with a summary: exit 0 when every device connected, 13 otherwise,
/// 130 on Ctrl+C (the journal is consistent: every state was committed before the request that followed it).
/// </summary>
internal sealed class BatchRunner(TextWriter output, TextWriter error, ITerminal terminal, Func<string, CancellationToken, Task<IJournal>>? openJournal = null)
{
    /// <summary>The journal path that keeps the journal in memory (no file, no resume): for benchmarks and tries.</summary>
    public const string MemoryJournal = ":memory:";

    public async Task<int> RunAsync(BatchSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var started = Stopwatch.GetTimestamp();
        if (settings.Validate() is { } usage)
        {
            return Fail(ExitCodes.Usage, usage);
        }

        if (settings.Discover is not null)
        {
            return await new DiscoverBatch(output, error, terminal, openJournal ?? OpenJournalAsync).RunAsync(settings, cancellationToken).ConfigureAwait(false);
        }

        Manifest manifest;
        try
        {
            manifest = await Manifest.LoadAsync(settings.ManifestPath!, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(ExitCodes.Usage, $"cannot read the manifest '{settings.ManifestPath}': {(ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message)}");
        }

        var problems = manifest.Errors.Select(e => e.ToString()).Concat(CheckEntries(manifest, settings)).ToList();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                error.WriteLine($"esp-prov: {settings.ManifestPath}: {CliOutput.OneLine(problem)}");
            }

            return Fail(ExitCodes.Usage, $"the manifest has {problems.Count} problem(s); nothing was sent");
        }

        WarnIncompleteDatasets(manifest, settings, output, error);
        TranscriptFiles? transcripts = null;
        if (settings.TranscriptDir is { } dir)
        {
            try
            {
                transcripts = TranscriptFiles.Plan(Directory.CreateDirectory(dir).FullName, manifest.Entries.Select(e => e.Name));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                return Fail(ExitCodes.Usage, $"cannot create the transcript directory '{dir}': {ex.Message}");
            }
        }

        IJournal journal;
        try
        {
            journal = await (openJournal ?? OpenJournalAsync)(settings.JournalPath, cancellationToken).ConfigureAwait(false);
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
            IReadOnlyList<DeviceRecord> records;
            try
            {
                records = await journal.StartRunAsync(manifest, settings.ManifestChangedOk, cancellationToken).ConfigureAwait(false);
            }
            catch (ManifestChangedException ex)
            {
                return Fail(ExitCodes.Usage, ex.Message);
            }

            var view = CreateView(settings, manifest.Entries.Select(e => e.Name), output, terminal);
            var byName = records.ToDictionary(r => r.Name, StringComparer.Ordinal);
            var errorGate = new Lock();
            var provisioner = new DeviceProvisioner(journal, settings, view, transcripts, line =>
            {
                lock (errorGate)
                {
                    error.WriteLine($"esp-prov: {CliOutput.OneLine(line)}");
                }
            });
            try
            {
                var results = await view.RunAsync(() => RunDevicesAsync(manifest, byName, provisioner, settings.Concurrency, cancellationToken), cancellationToken).ConfigureAwait(false);
                var summary = new BatchSummary(results, Stopwatch.GetElapsedTime(started));
                view.Summary(summary);
                return summary.ExitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Every committed state stands; the devices in flight resume from it on the next run.
                return Fail(ExitCodes.Interrupted, $"interrupted: the journal '{settings.JournalPath}' is consistent; run the same command again to resume");
            }
        }
    }

    internal static async Task<IReadOnlyList<DeviceResult>> RunDevicesAsync(Manifest manifest, Dictionary<string, DeviceRecord> records,
        DeviceProvisioner provisioner, int concurrency, CancellationToken cancellationToken)
    {
        var results = new DeviceResult[manifest.Entries.Count];
        var indexed = manifest.Entries.Select((entry, index) => (entry, index));
        await Parallel.ForEachAsync(indexed, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (item, ct) => results[item.index] = await provisioner.RunAsync(item.entry, records[item.entry.Name], ct).ConfigureAwait(false)).ConfigureAwait(false);
        return results;
    }

    internal static IBatchView CreateView(BatchSettings settings, IEnumerable<string> names, TextWriter output, ITerminal terminal)
    {
        if (settings.Json)
        {
            return new JsonBatchView(new JsonLinesWriter(output));
        }

        if (!terminal.IsInteractive)
        {
            return new PlainBatchView(output);
        }

        var live = new LiveBatchView(output);
        live.Expect(names);
        return live;
    }

    /// <summary>
    /// A Thread dataset that is not a complete active dataset is sent (a device may learn the rest from the network),
    /// but each device's is said before anything is sent: on stderr, or as <c>warning</c> events under <c>--json</c>.
    /// </summary>
    internal static void WarnIncompleteDatasets(Manifest manifest, BatchSettings settings, TextWriter output, TextWriter error)
    {
        var json = settings.Json ? new JsonLinesWriter(output) : null;
        foreach (var entry in manifest.Entries)
        {
            var device = settings.ForDevice(entry);
            if (DatasetOptions.Incomplete(device.Dataset, device.DatasetSource) is not { } message)
            {
                continue;
            }

            if (json is null)
            {
                error.WriteLine($"esp-prov: warning: device '{CliOutput.OneLine(entry.Name)}': {message}");
            }
            else
            {
                json.WriteLine("warning", entry.Name, w => w.WriteString("message", message));
            }
        }
    }

    /// <summary>What the manifest parser cannot know: each device needs an SSID (its row's or <c>--ssid</c>) or a Thread dataset.</summary>
    internal static IEnumerable<string> CheckEntries(Manifest manifest, BatchSettings settings)
    {
        foreach (var entry in manifest.Entries)
        {
            var device = settings.ForDevice(entry);
            if (string.IsNullOrEmpty(device.Ssid) && device.Dataset is null)
            {
                yield return $"line {entry.Line}: device '{entry.Name}' has no ssid (give the column or --ssid), nor a Thread dataset (dataset_tlvs, --dataset-file)";
                continue;
            }

            string? problem = null;
            try
            {
                if (device.Dataset is null)
                {
                    new EspProv.Provisioning.WifiCredentials(device.Ssid!, device.Passphrase ?? string.Empty).Validate();
                }
            }
            catch (ArgumentException ex)
            {
                problem = $"line {entry.Line}: device '{entry.Name}': {ex.Message.Split(" (Parameter", 2)[0]}";
            }

            if (problem is null && device.Interface is { } name)
            {
                try
                {
                    EspProv.Transport.InterfaceBinding.Find(name);
                }
                catch (EspProv.Transport.UnknownNetworkInterfaceException ex)
                {
                    problem = $"line {entry.Line}: device '{entry.Name}': {ex.Message}";
                }
            }

            if (problem is not null)
            {
                yield return problem;
            }
        }
    }

    internal static async Task<IJournal> OpenJournalAsync(string path, CancellationToken cancellationToken) =>
        path == MemoryJournal ? new InMemoryJournal() : await SqliteJournal.OpenAsync(path, cancellationToken).ConfigureAwait(false);

    private int Fail(int code, string message)
    {
        error.WriteLine($"esp-prov: {CliOutput.OneLine(message)}");
        return code;
    }
}
