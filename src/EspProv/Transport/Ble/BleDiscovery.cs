using System.Runtime.CompilerServices;
using EspProv.Exceptions;
using EspProv.Transport.Ble.Bluez;

namespace EspProv.Transport.Ble;

/// <summary>
/// Scans for BLE devices through BlueZ on Linux (the system D-Bus, <c>DBUS_SYSTEM_BUS_ADDRESS</c> honoured): name,
/// address, RSSI, service UUIDs and manufacturer data of each advertiser, for listing provisioning devices.
/// </summary>
/// <example>
/// <code>
/// var options = new BleScanOptions { NamePrefix = "PROV_", Timeout = TimeSpan.FromSeconds(3) };
/// await foreach (BleDevice device in BleDiscovery.ScanAsync(options, ct))
/// {
///     Console.WriteLine(device); // PROV_1A2B3C (24:0A:C4:1A:2B:3C, -52 dBm)
/// }
/// </code>
/// </example>
public static class BleDiscovery
{
    /// <summary>The service UUID of <c>wifi_prov_scheme_ble</c> when the application sets none
    /// (docs/ble.md#service-uuid).</summary>
    public const string DefaultServiceUuid = "1775244d-6b43-439b-877c-060f2d9bed07";

    /// <summary>The service UUID the ESP-IDF wifi_prov_mgr example sets, also esp_prov's fallback
    /// (docs/ble.md#service-uuid).</summary>
    public const string ExampleServiceUuid = "021a9004-0382-4aea-bff4-6b3f1c5adfb4";

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Scans for <see cref="BleScanOptions.Timeout"/> and yields each matching device once, when it is first heard.
    /// Discovery stops when the enumeration ends, early or not (break, exception, cancellation).
    /// </summary>
    /// <exception cref="BleTransportException"><see cref="TransportFailure.Unavailable"/>: not Linux, no system bus, BlueZ not
    /// running, no adapter, adapter powered off.</exception>
    public static async IAsyncEnumerable<BleDevice> ScanAsync(BleScanOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new BleScanOptions();
        options.Validate();
        var time = options.TimeProvider ?? TimeProvider.System;
        using var client = await OpenAsync(options.BusAddress, time, string.Empty, cancellationToken).ConfigureAwait(false);
        var adapter = BluezAdapters.Find(client, options.Adapter, string.Empty);
        await using var scan = await BluezScan.StartAsync(client, adapter, options.ServiceUuids, CallTimeout, string.Empty, cancellationToken).ConfigureAwait(false);
        using var deadline = new CancellationTokenSource(options.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            BleDevice? device;
            try
            {
                device = await scan.NextAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                yield break;
            }

            if (device is null)
            {
                yield break;
            }

            if ((options.NamePrefix is null || (device.Name?.StartsWith(options.NamePrefix, StringComparison.Ordinal) ?? false))
                && reported.Add(device.Address))
            {
                yield return device;
            }
        }
    }

    /// <summary>Scans for <see cref="BleScanOptions.Timeout"/> and returns the matching devices, strongest signal first.</summary>
    /// <exception cref="BleTransportException">As <see cref="ScanAsync"/>.</exception>
    public static async Task<IReadOnlyList<BleDevice>> ListAsync(BleScanOptions? options = null, CancellationToken cancellationToken = default)
    {
        var devices = new List<BleDevice>();
        await foreach (var device in ScanAsync(options, cancellationToken).ConfigureAwait(false))
        {
            devices.Add(device);
        }

        return [.. devices.OrderByDescending(d => d.Rssi ?? short.MinValue).ThenBy(d => d.Address, StringComparer.Ordinal)];
    }

    /// <summary>Connects to BlueZ, or says clearly why BLE is unavailable here.</summary>
    internal static Task<BluezClient> OpenAsync(string? busAddress, TimeProvider time, string endpoint, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new BleTransportException(TransportFailure.Unavailable, endpoint,
                "BLE needs BlueZ (Linux) for now: on Windows and macOS use the soft AP transport");
        }

        return BluezClient.ConnectAsync(busAddress, time, CallTimeout, endpoint, cancellationToken);
    }
}
