using System.CommandLine;

namespace EspProv.Cli;

/// <summary>
/// The esp-prov command line: a thin System.CommandLine layer. Parse errors become one line and exit code 64;
/// each action maps to an exit code. Output writers are injected so tests run it in-process.
/// </summary>
internal sealed class CliApp
{
    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly ITerminal _terminal;
    private readonly Func<string, string?>? _environment;

    /// <param name="environment">Reads an environment variable (secrets, <see cref="SecretSources"/>); tests inject one.</param>
    public CliApp(TextWriter output, TextWriter error, ITerminal? terminal = null, Func<string, string?>? environment = null)
    {
        _terminal = terminal ?? new ConsoleTerminal();
        _environment = environment;
        // Device log lines arrive from the simulator's threads while the flow writes progress.
        _out = TextWriter.Synchronized(output);
        _err = TextWriter.Synchronized(error);
    }

    /// <summary>The bus BlueZ is on, when not the system bus: tests point runs at their own virtual BlueZ.</summary>
    internal string? BleBusAddress { get; init; }

    /// <summary>
    /// Builds the command tree for <paramref name="args"/>. A subcommand whose name is not among the arguments cannot be
    /// what they run, so it gets only its name and description (for the root's help) and none of its options or
    /// types: a plain provisioning run or <c>--help</c> does not build the simulator's, doctor's or batch's command
    /// (docs/design.md, "Start-up"). A response file (<c>@file</c>) may name any command, so it builds them all.
    /// </summary>
    public RootCommand BuildRoot(IReadOnlyList<string> args)
    {
        var options = new ProvisionOptions();
        var root = new RootCommand(
            "esp-prov: provision Espressif devices (ESP8266, ESP32) with Wi-Fi credentials over their soft-AP HTTP server or BLE.\n"
            + "Same flags, defaults and step order as Espressif's esp_prov, plus distinct exit codes and a built-in simulated device.\n\n"
            + "Exit codes: 0 connected; 1 bad security version; 2 bad endpoint / no connection; 3 version check failed; 4 session failed;\n"
            + "5 custom config failed; 6 set config failed; 7 apply failed; 8 device could not join the network; 9 timed out or\n"
            + "outcome unknown while waiting for status; 10 custom data failed; 11 scan failed or found nothing; 12 the device refused\n"
            + "or does not support a prov-ctrl command; 13 (batch) a device failed or is unknown; 64 usage error; 70 internal error; 130 interrupted.");
        foreach (var option in options.All)
        {
            root.Options.Add(option);
        }

        root.SetAction((parseResult, cancellationToken) => parseResult.GetValue(options.Join.RestoreWifi)
            ? Transports.SoftAp.SoftApJoin.RestoreAsync(_out, _err, parseResult.GetValue(options.Verbose), BleBusAddress, cancellationToken)
            : new Provision.ProvisionRunner(_out, _err, _terminal) { BleBusAddress = BleBusAddress }.RunAsync(ProvisionSettings.From(parseResult, options, _environment), cancellationToken));
        var all = args.Any(a => a.StartsWith('@'));
        root.Subcommands.Add(all || args.Contains(SimulateCommand.Name)
            ? SimulateCommand.Create(_out, _err)
            : new Command(SimulateCommand.Name, SimulateCommand.Description));
        root.Subcommands.Add(all || args.Contains(Doctor.DoctorCommand.Name)
            ? Doctor.DoctorCommand.Create(_out, _err, _environment, bleBusAddress: BleBusAddress)
            : new Command(Doctor.DoctorCommand.Name, Doctor.DoctorCommand.Description));
        root.Subcommands.Add(all || args.Contains(Batch.BatchCommand.Name)
            ? Batch.BatchCommand.Create(_out, _err, _terminal, _environment, BleBusAddress)
            : new Command(Batch.BatchCommand.Name, Batch.BatchCommand.Description));
        root.Subcommands.Add(all || args.Contains(Web.WebCommand.Name)
            ? Web.WebCommand.Create(_out, _err)
            : new Command(Web.WebCommand.Name, Web.WebCommand.Description));
        return root;
    }

    /// <summary>
    /// <c>--pop=</c> means an empty value, as in esp_prov's argparse; System.CommandLine would take the next argument
    /// instead, so the empty value is passed as its own token.
    /// </summary>
    internal static string[] ExpandEmptyValues(string[] args) =>
        [.. args.SelectMany(a => a.Length > 3 && a.StartsWith("--", StringComparison.Ordinal) && a.EndsWith('=') && a.IndexOf('=', StringComparison.Ordinal) == a.Length - 1
            ? new[] { a[..^1], string.Empty }
            : [a])];

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var expanded = ExpandEmptyValues(args);
        var parseResult = BuildRoot(expanded).Parse(expanded);
        if (parseResult.Errors.Count > 0)
        {
            await _err.WriteLineAsync($"esp-prov: {parseResult.Errors[0].Message}").ConfigureAwait(false);
            await _err.WriteLineAsync("Run 'esp-prov --help' for the options.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var config = new InvocationConfiguration
        {
            Output = _out,
            Error = _err,
            // Our actions report their own errors as one line; a stack trace must never reach the user.
            EnableDefaultExceptionHandler = false,
            // Ctrl+C cancels the run, which then still gives a joined Wi-Fi interface back (up to 30 s): wait for it.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(45),
        };
        try
        {
            return await parseResult.InvokeAsync(config, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _err.WriteLineAsync("esp-prov: interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
#pragma warning disable CA1031 // the last line of defence: any bug becomes one line and a non-zero exit, never a trace
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await _err.WriteLineAsync($"esp-prov: internal error: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.InternalError;
        }
    }
}
