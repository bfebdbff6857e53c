using System.Globalization;
using EspProv.Exceptions;
using EspProv.Provisioning;

namespace EspProv.Cli;

/// <summary>Scanning for networks and letting the user pick one.</summary>
internal sealed partial class ProvisionRunner
{
    /// <summary>Scans; prints the table; with <paramref name="pick"/>, asks which network to use. Null when the run ends here (<see cref="_scanExit"/>).</summary>
    private async Task<WifiNetwork?> ScanAndPickAsync(ProvisioningClient client, bool pick, CancellationToken ct)
    {
        _step = ProvisioningStep.Scan;
        while (true)
        {
            Out("==== Scanning Wi-Fi APs ====");
            var networks = ScanTable.Sort(await client.ScanAsync(cancellationToken: ct).ConfigureAwait(false));
            if (networks.Count == 0)
            {
                Out("---- No APs found! ----");
                _scanExit = ExitCodes.ScanFailed;
                Fail(ExitCodes.ScanFailed, "the device's scan found no Wi-Fi network");
                return null;
            }

            ScanTable.Write(output, networks, ansi: terminal.IsInteractive);
            if (!pick)
            {
                _scanExit = ExitCodes.Success;
                return null;
            }

            while (true)
            {
                var answer = terminal.ReadLine("Select AP by number (0 to rescan) : ");
                if (answer is null)
                {
                    _scanExit = ExitCodes.Usage;
                    Fail(ExitCodes.Usage, "no network selected");
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

                Out($"Enter a number from 0 to {networks.Count.ToString(CultureInfo.InvariantCulture)}");
            }
        }
    }
}
