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
    public const string Description = "provision many devices from a manifest, or every device in range (--discover), with a crash-safe journal (resume by running again). "
        + "Exit codes: 0 all connected; 2 no device found (--discover); 13 some failed or unknown; 64 bad manifest or flags; 130 interrupted.";

    public static Command Create(TextWriter output, TextWriter error, ITerminal terminal, Func<string, string?>? environment, string? busAddress = null)
    {
        var o = new ProvisionOptions();
        var manifest = new Option<string?>("--manifest") { Description = "the devices: CSV or JSON Lines (docs/fleet.md); a row's values override the flags (with --discover: matched by name, address optional)", HelpName = "file" };
        var discover = new Option<string?>("--discover") { Description = "provision every device in range whose name starts with this (soft AP: a Wi-Fi scan, then one after another through --join; BLE: a BLE scan)", HelpName = "prefix" };
        var discoverTimeout = new Option<double>("--discover-timeout", "--discover_timeout") { Description = "with --discover: seconds to look for devices (every device found in that time is provisioned)", DefaultValueFactory = _ => 30, HelpName = "s" };
        var max = new Option<int?>("--max") { Description = "with --discover: provision at most this many devices (discovery stops once found)", HelpName = "n" };
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

        var bleAdapter = o.TransportFlags.OfType<Transports.Ble.BleFlags>().Single().Adapter;
        var command = new Command(Name, Description)
        {
            manifest, journal, o.Ssid, o.Passphrase, o.SecVer, o.Pop, o.Sec2Username, o.Sec2Password, o.Transport, iface, concurrency, json,
            o.Timeout, o.PollInterval, retryUnknown, changedOk, transcriptDir, o.RedactNetwork,
            discover, discoverTimeout, max, o.Join.WifiInterface, o.Join.Passphrase, o.Join.PassphraseFile, bleAdapter, o.ScanTimeout,
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
            var join = Transports.SoftAp.JoinSettings.Read(result, o.Join, environment ?? Environment.GetEnvironmentVariable, out var joinError);
            var settings = new BatchSettings
            {
                ManifestPath = result.GetValue(manifest),
                Discover = result.GetValue(discover),
                DiscoverTimeoutSeconds = result.GetValue(discoverTimeout),
                Max = result.GetValue(max),
                Join = join,
                BleAdapter = result.GetValue(bleAdapter),
                ScanTimeoutSeconds = result.GetValue(o.ScanTimeout),
                BusAddress = busAddress,
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
                UsageError = secrets.UsageError ?? thread.UsageError ?? joinError,
            };
            return new BatchRunner(output, error, terminal).RunAsync(settings, cancellationToken);
        });
        command.Subcommands.Add(ReportCommand.Create(output, error));
        return command;
    }
}
