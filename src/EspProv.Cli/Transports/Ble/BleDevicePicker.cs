using System.Globalization;
using EspProv.Exceptions;
using EspProv.Transport.Ble;

namespace EspProv.Cli.Transports.Ble;

/// <summary>Lists the advertising provisioning devices and lets the user pick one (esp_prov's "Select device by number").</summary>
internal static class BleDevicePicker
{
    /// <summary>esp_prov scans 5 s for its list; the phone apps 5–6 s.</summary>
    private static readonly TimeSpan ListScan = TimeSpan.FromSeconds(5);

    public static async Task<(BleDevice? Device, TransportSetupError? Error)> PickAsync(TransportContext context, ITerminal terminal, CancellationToken cancellationToken)
    {
        var print = context.Print!;
        while (true)
        {
            print("==== Scanning for BLE provisioning devices ====");
            IReadOnlyList<BleDevice> devices;
            try
            {
                var all = await BleDiscovery.ListAsync(new BleScanOptions
                {
                    Timeout = TimeSpan.FromSeconds(Math.Min(context.Settings.ScanTimeoutSeconds, ListScan.TotalSeconds)),
                    Adapter = BleSettings.Of(context.Settings).Adapter,
                    BusAddress = context.BusAddress,
                }, cancellationToken).ConfigureAwait(false);
                devices = [.. all.Where(d => d.LooksLikeProvisioningDevice && d.Name is not null)];
            }
            catch (TransportException ex)
            {
                return (null, new TransportSetupError(ExitCodes.NoConnection, ex.Message, "---- Failed to establish connection ----"));
            }

            if (devices.Count == 0)
            {
                return (null, new TransportSetupError(ExitCodes.NoConnection, "no BLE provisioning device is advertising (is it in provisioning mode and in range?)", "---- No devices found! ----"));
            }

            print($"{"S.N.",-5} {"Name",-30} {"Address",-18} RSSI");
            for (var i = 0; i < devices.Count; i++)
            {
                var d = devices[i];
                print($"{(i + 1).ToString(CultureInfo.InvariantCulture),-5} {d.Name,-30} {d.Address,-18} {(d.Rssi is { } r ? r.ToString(CultureInfo.InvariantCulture) : "?")}");
            }

            while (true)
            {
                var answer = terminal.ReadLine("Select device by number (0 to rescan) : ");
                if (answer is null)
                {
                    return (null, new TransportSetupError(ExitCodes.Usage, "no device selected"));
                }

                if (int.TryParse(answer.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 0 && n <= devices.Count)
                {
                    if (n == 0)
                    {
                        break;
                    }

                    return (devices[n - 1], null);
                }

                print($"Enter a number from 0 to {devices.Count.ToString(CultureInfo.InvariantCulture)}");
            }
        }
    }
}
