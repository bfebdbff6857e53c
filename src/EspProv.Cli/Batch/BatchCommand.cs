using System.CommandLine;

namespace EspProv.Cli.Batch;

/// <summary>
/// <c>esp-prov batch</c> and <c>esp-prov batch report</c>: the flags, parsed into <see cref="BatchSettings"/>. The
/// provisioning flags are the single run's own (<see cref="ProvisionOptions"/>), so names, aliases and secret
/// files/variables behave the same.
/// </summary>
internal static class BatchCommand
{
    public const string Name = "batch";
    public const string Description = "provision many devices from a manifest, with a crash-safe journal (resume by running again). "
        + "Exit codes: 0 all connected; 13 some failed or unknown; 64 bad manifest or flags; 130 interrupted.";

    public static Command Create(TextWriter output, TextWriter error, ITerminal terminal, Func<string, string?>? environment)
    {
        var o = new ProvisionOptions();
        var manifest = new Option<string>("--manifest") { Description = "the devices: CSV or JSON Lines (docs/fleet.md); a row's values override the flags", Required = true, HelpName = "file" };
        var journal = new Option<string>("--journal") { Description = "the run's journal (SQLite), created if missing; rerun with the same journal to resume", Required = true, HelpName = "run.db" };
        var concurrency = new Option<int>("--concurrency") { Description = "devices provisioned at once (soft AP: one Wi-Fi interface per device, see --interface)", DefaultValueFactory = _ => BatchSettings.DefaultConcurrency, HelpName = "n" };
        var json = new Option<bool>("--json") { Description = "JSON Lines on stdout: step and result events per device, then a summary event" };
        var retryUnknown = new Option<bool>("--retry-unknown") { Description = "send the config again to devices whose outcome is unknown (they may have applied it)" };
        var changedOk = new Option<bool>("--manifest-changed-ok") { Description = "go on with a journal made for a different manifest (its new devices are added)" };
        var transcriptDir = new Option<string?>("--transcript-dir")
        {
            Description = "write one transcript per device to this directory (created if missing), named after the manifest's device name; "
                + "the --transcript document: exchanges by size, steps, outcome, never a secret",
            HelpName = "dir",
        };
        var iface = new Option<string?>("--interface") { Description = "network interface to bind device connections to (a manifest column overrides it)", HelpName = "name" };

        var command = new Command(Name, Description)
        {
            manifest, journal, o.Ssid, o.Passphrase, o.SecVer, o.Pop, o.Sec2Username, o.Sec2Password, o.Transport, iface, concurrency, json,
            o.Timeout, o.PollInterval, retryUnknown, changedOk, transcriptDir, o.RedactNetwork,
        };
        foreach (var option in o.Secrets.All.Concat(o.Dataset.All))
        {
            command.Options.Add(option);
        }

        command.SetAction((result, cancellationToken) =>
        {
            // Secrets from files and variables exactly as a single run reads them.
            var secrets = SecretSources.Apply(new ProvisionSettings
            {
                Passphrase = result.GetValue(o.Passphrase),
                Pop = result.GetValue(o.Pop) ?? string.Empty,
                Sec2Password = result.GetValue(o.Sec2Password),
            }, result, o, environment);
            var thread = o.Dataset.Apply(new ProvisionSettings { Ssid = result.GetValue(o.Ssid) }, result, environment ?? Environment.GetEnvironmentVariable);
            var settings = new BatchSettings
            {
                ManifestPath = result.GetValue(manifest)!,
                JournalPath = result.GetValue(journal)!,
                Ssid = result.GetValue(o.Ssid),
                Passphrase = secrets.Passphrase,
                SecVer = result.GetValue(o.SecVer),
                Pop = secrets.Pop,
                Sec2Username = result.GetValue(o.Sec2Username),
                Sec2Password = secrets.Sec2Password,
                Transport = result.GetValue(o.Transport),
                Interface = result.GetValue(iface),
                Concurrency = result.GetValue(concurrency),
                Json = result.GetValue(json),
                TimeoutSeconds = result.GetValue(o.Timeout),
                PollIntervalMs = result.GetValue(o.PollInterval),
                RetryUnknown = result.GetValue(retryUnknown),
                ManifestChangedOk = result.GetValue(changedOk),
                TranscriptDir = result.GetValue(transcriptDir),
                RedactNetwork = result.GetValue(o.RedactNetwork),
                Dataset = thread.Dataset,
                DatasetSource = thread.DatasetSource,
                UsageError = secrets.UsageError ?? thread.UsageError,
            };
            return new BatchRunner(output, error, terminal).RunAsync(settings, cancellationToken);
        });
        command.Subcommands.Add(ReportCommand.Create(output, error));
        return command;
    }
}
