using EspProv.Transport.SoftAp;
using EspProv.Transport.SoftAp.NetworkManager;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Cli.Transports.SoftAp;

/// <summary>
/// <c>--join</c> for the CLI: acts on a note a dead run left, joins the device's soft AP through NetworkManager and
/// turns its failures into one line and exit code 2; <c>--restore-wifi</c>. docs/join.md.
/// </summary>
internal static class SoftApJoin
{
    /// <param name="busAddress">The system bus when not the standard one (tests; the same bus BlueZ is looked for on).</param>
    public static NetworkManagerJoiner Joiner(ILoggerFactory? logging, string? busAddress = null) => new(new NetworkManagerJoinerOptions
    {
        BusAddress = busAddress,
        RestoreNotePath = JoinRestoreNote.DefaultPath(),
        LoggerFactory = logging ?? NullLoggerFactory.Instance,
    });

    /// <summary>Joins the run's <see cref="JoinSettings.Ssid"/>; null connection and null error = nothing to join here.</summary>
    public static async Task<(ISoftApConnection? Connection, TransportSetupError? Error)> JoinAsync(TransportContext context, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var join = settings.Join!;
        var print = context.Print ?? (_ => { });
        var joiner = Joiner(context.LoggerFactory, context.BusAddress);
        if (await RestoreLeftoverAsync(joiner, print, cancellationToken).ConfigureAwait(false) is { } leftoverError && !join.FromQr)
        {
            return (null, leftoverError);
        }

        print($"Joining Wi-Fi network '{Provision.CliOutput.Shown(join.Ssid!)}'" + (join.WifiInterface is { } i ? $" on {i}" : string.Empty));
        try
        {
            var connection = await joiner.JoinAsync(new SoftApJoinRequest(join.Ssid!)
            {
                Passphrase = join.Passphrase,
                InterfaceName = join.WifiInterface,
                ScanTimeout = TimeSpan.FromSeconds(settings.ScanTimeoutSeconds),
                // Association and DHCP take a few seconds on real radios; a slow or busy machine gets half of --timeout.
                JoinTimeout = TimeSpan.FromSeconds(Math.Max(30, settings.TimeoutSeconds / 2)),
            }, cancellationToken).ConfigureAwait(false);
            print($"Joined '{Provision.CliOutput.Shown(connection.Ssid)}' on {connection.InterfaceName} ({connection.Address})");
            return (connection, null);
        }
        catch (SoftApJoinException ex) when (join.FromQr && ex.Reason == SoftApJoinFailure.Unavailable)
        {
            // A QR payload's name is a hint: where joining is not possible the user joins by hand, as before --join.
            print($"Device soft AP (from the QR payload): '{Provision.CliOutput.Shown(join.Ssid!)}': join this Wi-Fi network before provisioning ({ex.Message})");
            return (null, null);
        }
        catch (SoftApJoinException ex)
        {
            if (ex.Restore is { } restored)
            {
                Report(restored, print);
            }

            return (null, new TransportSetupError(ExitCodes.NoConnection, ex.Message, "---- Failed to join the device's Wi-Fi network ----"));
        }
    }

    /// <summary><c>--restore-wifi</c>: acts on the note of a run that did not end; exit 0 when restored or nothing to do.</summary>
    public static async Task<int> RestoreAsync(TextWriter output, TextWriter error, bool verbose, string? busAddress, CancellationToken cancellationToken)
    {
        using var logging = verbose ? Output.LineLoggerProvider.ForRun(output.WriteLine) : null;
        var joiner = Joiner(logging, busAddress);
        try
        {
            if (await joiner.RestoreFromNoteAsync(cancellationToken).ConfigureAwait(false) is not { } result)
            {
                await output.WriteLineAsync("Nothing to restore: no --join run left a Wi-Fi interface on a device's network").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            await (result.Restored ? output : error).WriteLineAsync(result.Restored ? $"Restored: {result.Description}" : $"esp-prov: {result.Description}").ConfigureAwait(false);
            return result.Restored ? ExitCodes.Success : ExitCodes.NoConnection;
        }
        catch (SoftApJoinException ex)
        {
            await error.WriteLineAsync($"esp-prov: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.NoConnection;
        }
    }

    /// <summary>Prints how the join's restore went (a warning when the previous network is not back).</summary>
    public static void Report(SoftApRestoreResult result, Action<string> print) => print(Line(result));

    /// <summary>The line that says how the join's restore went.</summary>
    public static string Line(SoftApRestoreResult result) =>
        result.Restored ? $"Wi-Fi restored: {result.Description}" : $"Warning: {result.Description}";

    private static async Task<TransportSetupError?> RestoreLeftoverAsync(NetworkManagerJoiner joiner, Action<string> print, CancellationToken cancellationToken)
    {
        try
        {
            if (await joiner.RestoreFromNoteAsync(cancellationToken).ConfigureAwait(false) is { } result)
            {
                print("A previous --join run did not end; restoring its Wi-Fi interface first");
                Report(result, print);
            }

            return null;
        }
        catch (SoftApJoinException ex)
        {
            return new TransportSetupError(ExitCodes.NoConnection, ex.Message, "---- Failed to join the device's Wi-Fi network ----");
        }
    }
}
