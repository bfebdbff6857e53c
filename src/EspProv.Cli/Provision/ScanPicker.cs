using System.Globalization;
using EspProv.Exceptions;
using EspProv.Provisioning;

namespace EspProv.Cli.Provision;

/// <summary>Scanning for networks and letting the user pick one; <c>scanned</c> hears every scan's result (the transcript).</summary>
internal sealed class ScanPicker(CliOutput output, ITerminal terminal, Action<IReadOnlyList<WifiNetwork>>? scanned = null)
{
    /// <summary>The exit code when <see cref="ScanAndPickAsync"/> ended the run (listed only, nothing found, nothing picked).</summary>
    public int ExitCode { get; private set; }

    /// <summary>Scans; prints the table; with <paramref name="pick"/>, asks which network to use. Null when the run ends here (<see cref="ExitCode"/>).</summary>
    public async Task<WifiNetwork?> ScanAndPickAsync(ProvisioningClient client, bool pick, CancellationToken ct)
    {
        while (true)
        {
            output.Out("==== Scanning Wi-Fi APs ====");
            var networks = ScanTable.Sort(await client.ScanAsync(cancellationToken: ct).ConfigureAwait(false));
            scanned?.Invoke(networks);
            if (networks.Count == 0)
            {
                output.Out("---- No APs found! ----");
                ExitCode = ExitCodes.ScanFailed;
                output.Fail(ExitCodes.ScanFailed, "the device's scan found no Wi-Fi network");
                return null;
            }

            if (output.Json is { } json)
            {
                foreach (var network in networks)
                {
                    json.Write(new Output.ScanEvent(network));
                }
            }
            else
            {
                ScanTable.Write(output.Writer, networks, ansi: terminal.IsInteractive);
            }

            if (!pick)
            {
                ExitCode = ExitCodes.Success;
                return null;
            }

            while (true)
            {
                var answer = terminal.ReadLine("Select AP by number (0 to rescan) : ");
                if (answer is null)
                {
                    ExitCode = ExitCodes.Usage;
                    output.Fail(ExitCodes.Usage, "no network selected");
                    return null;
                }

                if (int.TryParse(answer.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 0 && n <= networks.Count)
                {
                    if (n == 0)
                    {
                        break;
                    }

                    return networks[n - 1];
                }

                output.Out($"Enter a number from 0 to {networks.Count.ToString(CultureInfo.InvariantCulture)}");
            }
        }
    }
}
