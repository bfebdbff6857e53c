using System.Diagnostics;
using EspProv.Cli.Doctor;
using EspProv.Exceptions;
using EspProv.Transport;
using EspProv.Transport.Ble;

namespace EspProv.Cli.Transports.Ble;

/// <summary>
/// The BLE half of <c>esp-prov doctor</c> (<c>--transport ble</c>): BlueZ reachable, the adapter present and powered,
/// the device advertising (with its RSSI), and its provisioning service and endpoint descriptors found on a trial
/// connection, which is closed again. A failure is the exit code the provisioning run's connect step ends with (2).
/// </summary>
internal static class BleDoctorChecks
{
    /// <summary>The BLE checks in order, for skipping and for the timeout message.</summary>
    public static readonly string[] Names = ["bluez", "adapter", "advertising", "gatt"];

    /// <summary>An advertisement weaker than this is reported as a warning: GATT requests start to time out near it.</summary>
    private const short WeakRssi = -85;

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Runs the checks; returns the device to provision (name and address), or null when a check failed.</summary>
    public static async Task<BleDevice?> RunAsync(DoctorReport report, ProvisionSettings settings, string? busAddress, CancellationToken cancellationToken)
    {
        BleHost client;
        var started = Stopwatch.GetTimestamp();
        try
        {
            client = await BleHost.OpenAsync(busAddress, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
        catch (BleTransportException ex)
        {
            report.Add(CheckResult.Fail("bluez", ExitCodes.NoConnection, ex.Message,
                OperatingSystem.IsLinux()
                    ? "start BlueZ (systemctl start bluetooth) and check that this user may use the system bus; in a container, share the host's /run/dbus"
                    : "use the soft AP transport on this system (--transport softap)", Stopwatch.GetElapsedTime(started)));
            report.SkipAll("skipped: needs BlueZ", [.. Names.Skip(1), .. DoctorRunner.DeviceCheckNames]);
            return null;
        }

        using (client)
        {
            var adapters = client.Adapters();
            report.Add(CheckResult.Pass("bluez", $"BlueZ answers on {client.BusAddress} and lists {adapters.Count} adapter(s)"
                + (adapters.Count > 0 ? $": {string.Join(", ", adapters.Select(a => a.Name))}" : string.Empty), Stopwatch.GetElapsedTime(started)));
            var wanted = BleSettings.Of(settings).Adapter is { } w ? ShortName(w) : null;
            if (adapters.FirstOrDefault(a => a.Powered && (wanted is null || a.Name == wanted)) is not { } adapter)
            {
                report.Add(adapters.Count == 0
                    ? CheckResult.Fail("adapter", ExitCodes.NoConnection, "BlueZ is running but lists no Bluetooth adapter",
                        "plug in or enable a Bluetooth adapter (rfkill list; rfkill unblock bluetooth); in a VM or container, pass the adapter through")
                    : wanted is not null && !adapters.Any(a => a.Name == wanted)
                        ? CheckResult.Fail("adapter", ExitCodes.NoConnection, $"no Bluetooth adapter {BleSettings.Of(settings).Adapter} (BlueZ has {string.Join(", ", adapters.Select(a => a.Name))})",
                            "drop --ble_adapter, or give one of the adapters listed")
                        : CheckResult.Fail("adapter", ExitCodes.NoConnection,
                            $"Bluetooth adapter {wanted ?? adapters[0].Name} is powered off (or blocked)",
                            "bluetoothctl power on (and rfkill unblock bluetooth if it stays off)"));
                report.SkipAll("skipped: needs a powered adapter", [.. Names.Skip(2), .. DoctorRunner.DeviceCheckNames]);
                return null;
            }

            report.Add(CheckResult.Pass("adapter", $"{adapter.Name} ({adapter.Address ?? "no address"}) is powered"));
            var device = await AdvertisingAsync(report, client, adapter.Name, settings, busAddress, cancellationToken).ConfigureAwait(false);
            if (device is null)
            {
                report.SkipAll("skipped: needs the device's advertisement", [.. Names.Skip(3), .. DoctorRunner.DeviceCheckNames]);
                return null;
            }

            var gatt = await GattAsync(client, device, cancellationToken).ConfigureAwait(false);
            report.Add(gatt);
            if (gatt.Status == CheckStatus.Failed)
            {
                report.SkipAll("skipped: needs the provisioning service", DoctorRunner.DeviceCheckNames);
                return null;
            }

            return device;
        }
    }

    private static string ShortName(string adapter) => adapter[(adapter.LastIndexOf('/') + 1)..];

    private static async Task<BleDevice?> AdvertisingAsync(DoctorReport report, BleHost client, string adapter, ProvisionSettings settings,
        string? busAddress, CancellationToken cancellationToken)
    {
        var scanTimeout = TimeSpan.FromSeconds(Math.Clamp(settings.ScanTimeoutSeconds is > 0 ? settings.ScanTimeoutSeconds : 10, 0.1, 3600));
        var started = Stopwatch.GetTimestamp();
        BleDevice device;
        if (settings.ServiceName is not { } name)
        {
            // No name: list what advertises, and go on with the one provisioning device when there is exactly one.
            IReadOnlyList<BleDevice> all;
            try
            {
                all = await BleDiscovery.ListAsync(new BleScanOptions { Timeout = scanTimeout, Adapter = adapter, BusAddress = busAddress },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (BleTransportException ex)
            {
                report.Add(CheckResult.Fail("advertising", ExitCodes.NoConnection, $"the scan failed: {ex.Message}", "see the adapter check above", Stopwatch.GetElapsedTime(started)));
                return null;
            }

            var candidates = all.Where(d => d.LooksLikeProvisioningDevice && d.Name is not null).ToList();
            if (candidates.Count != 1)
            {
                report.Add(candidates.Count == 0
                    ? CheckResult.Fail("advertising", ExitCodes.NoConnection, $"no provisioning device advertises ({all.Count} other BLE device(s) heard in {scanTimeout.TotalSeconds:0.#} s)",
                        "put the device in provisioning mode (it stops advertising once provisioned or while a phone is connected) and bring it closer", Stopwatch.GetElapsedTime(started))
                    : CheckResult.Fail("advertising", ExitCodes.Usage, $"no --service_name, and {candidates.Count} provisioning devices advertise: {string.Join(", ", candidates.Take(8))}",
                        "give the one to check with --service_name NAME", Stopwatch.GetElapsedTime(started)));
                return null;
            }

            device = candidates[0];
            report.Add(CheckResult.Warn("advertising", $"no --service_name: the only provisioning device advertising is {device}; checking it",
                $"give --service_name {device.Name} to check this device and no other"));
            return device;
        }

        try
        {
            device = await client.FindAsync(adapter, new BleTransportOptions { ServiceName = name, ScanTimeout = scanTimeout }, cancellationToken).ConfigureAwait(false);
        }
        catch (BleTransportException ex)
        {
            report.Add(CheckResult.Fail("advertising", ExitCodes.NoConnection, ex.Message, ex.Failure == TransportFailure.DeviceNotFound
                ? "check --service_name (exact and case-sensitive, e.g. PROV_1A2B3C); the device advertises only in provisioning mode and stops once provisioned or while a phone is connected to it; bring it closer, or give more time with --scan_timeout"
                : "see the adapter check above", Stopwatch.GetElapsedTime(started)));
            return null;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var detail = $"{device.Name} advertises as {device.Address}, RSSI {(device.Rssi is { } r ? $"{r} dBm" : "unknown")}; heard after {elapsed.TotalMilliseconds:0} ms";
        report.Add(device.Rssi < WeakRssi
            ? CheckResult.Warn("advertising", detail + ": a weak signal", "bring the device closer to this computer: requests may time out")
            : CheckResult.Pass("advertising", detail, elapsed));
        return device;
    }

    /// <summary>One trial connection: the provisioning service, its endpoints and how they are named; disconnected again.</summary>
    private static async Task<CheckResult> GattAsync(BleHost client, BleDevice device, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        BleServiceInfo service;
        try
        {
            service = await client.ProbeAsync(device, CallTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (BleTransportException ex)
        {
            return CheckResult.Fail("gatt", ExitCodes.NoConnection, ex.Message, ex.Failure == TransportFailure.EndpointNotFound
                ? "this device advertises but serves no provisioning service: is it the right device, and is its firmware in provisioning mode?"
                : "another central (a phone, another esp-prov) may be connected to it: disconnect that one or restart the device, then try again",
                Stopwatch.GetElapsedTime(started));
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var detail = $"connected in {elapsed.TotalMilliseconds:0} ms; service {service.ServiceUuid}, endpoints [{string.Join(", ", service.Endpoints)}], "
            + $"{service.NamedByDescriptor} of {service.Endpoints.Count} named by 0x2901 descriptors";
        if (!service.Endpoints.Contains(Endpoints.ProtoVer) || !service.Endpoints.Contains(Endpoints.Session))
        {
            return CheckResult.Fail("gatt", ExitCodes.NoConnection, $"{detail}: no proto-ver or prov-session endpoint",
                "the service is not a provisioning service (or its descriptors are unreadable): check the firmware", elapsed);
        }

        return service.Endpoints.Contains(Endpoints.Config)
            ? CheckResult.Pass("gatt", detail, elapsed)
            : CheckResult.Warn("gatt", $"{detail}: no prov-config endpoint, so the Wi-Fi configuration could not be sent", "check the firmware's provisioning endpoints");
    }
}
