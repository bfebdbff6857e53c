using System.Diagnostics;
using EspProv.Exceptions;
using Microsoft.Extensions.Logging;
using Tmds.DBus.Protocol;

namespace EspProv.Transport.Ble.Bluez;

/// <summary>A connected device and its provisioning endpoints (name → characteristic path).</summary>
internal sealed class BleLink(string devicePath, string serviceUuid, Dictionary<string, string> endpoints)
{
    public string DevicePath { get; } = devicePath;

    public string ServiceUuid { get; } = serviceUuid;

    public Dictionary<string, string> Endpoints { get; } = endpoints;

    /// <summary>Set when a request showed the link is gone or unusable (BlueZ's Connected=false may still be on its way).</summary>
    public bool Broken { get; set; }

    /// <summary>What the cache says (a Connected=false signal may still be on its way).</summary>
    public bool IsUpCached(BluezClient client) => !Broken && client.Is(DevicePath, BluezApi.Device, "Connected", true);

    /// <summary>
    /// Asks BlueZ rather than trusting the cache: a Connected=false signal may still be on its way, and a request on a
    /// dead link would be lost. One local D-Bus round trip, the BLE form of HTTP's check for an idle-closed socket.
    /// </summary>
    public async Task<bool> IsUpAsync(BluezClient client, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!IsUpCached(client))
        {
            return false;
        }

        try
        {
            return await client.CallAsync(DevicePath, BluezApi.Properties, "Get", "ss", (ref MessageWriter w) =>
            {
                w.WriteString(BluezApi.Device);
                w.WriteString("Connected");
            }, ReadBool, timeout, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DBusExceptionBase or TimeoutException)
        {
            return false;
        }
    }

    private static bool ReadBool(Message message, object? state)
    {
        var value = message.GetBodyReader().ReadVariantValue();
        while (value.Type == VariantValueType.Variant)
        {
            value = value.GetVariantValue();
        }

        return value.Type == VariantValueType.Bool && value.GetBool();
    }
}

/// <summary>Finding the wanted device by scanning, connecting to it, and disconnecting (docs/ble.md#bluez-central-role;
/// not the steps of docs/ble.md#esp_prov-over-ble).</summary>
internal static class BleConnector
{
    /// <summary>Attempts at a link (connect, service discovery, endpoint map) before the last one's error is reported.</summary>
    public const int ConnectAttempts = 3;

    /// <summary>The wait before the second attempt; it doubles before each further one.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DisconnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Finds the device and opens a link to it, retrying a connection that fails or drops while it is being set up (real
    /// devices and BlueZ do that now and then: esp_prov and Espressif's phone libraries retry too) up to
    /// <see cref="ConnectAttempts"/> times with a short backoff; the scan and each attempt keep their own timeouts and the
    /// caller's token bounds the whole. Every attempt starts from a scan that hears the device, unless BlueZ has it
    /// connected already: BlueZ remembers a device after a connection, and connecting to one that no longer advertises
    /// waits for nothing. A device not found, an unusable adapter or a device without the service is not retried.
    /// </summary>
    public static async Task<(BleDevice Device, BleLink Link)> OpenAsync(BluezClient client, string adapter, BleDevice? known, BleTransportOptions options,
        TimeProvider time, string endpoint, ILogger logger, CancellationToken cancellationToken)
    {
        var backoff = FirstBackoff;
        for (var attempt = 1; ; attempt++)
        {
            var device = known is not null && client.Is(known.ObjectPath, BluezApi.Device, "Connected", true)
                ? known
                : await FindAsync(client, adapter, options, time, endpoint, logger, cancellationToken).ConfigureAwait(false);
            known = device;
            logger.BleConnecting(device, attempt, ConnectAttempts);
            try
            {
                return (device, await ConnectAsync(client, device, options, time, endpoint, logger, cancellationToken).ConfigureAwait(false));
            }
            catch (BleTransportException ex) when (attempt < ConnectAttempts && ex.Failure == TransportFailure.ConnectionRefused)
            {
                logger.BleConnectRetry(device, attempt, ConnectAttempts, ex.Message, (long)backoff.TotalMilliseconds);
            }

            await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
            backoff *= 2;
        }
    }

    /// <summary>Scans until the wanted device is heard (not a fixed time) or the scan timeout; discovery always stops.</summary>
    public static async Task<BleDevice> FindAsync(BluezClient client, string adapter, BleTransportOptions options, TimeProvider time,
        string endpoint, ILogger logger, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var wanted = options.ServiceName ?? options.Address!;
        logger.BleScanning(BluezAdapters.ShortName(adapter), wanted, Math.Round(options.ScanTimeout.TotalSeconds, 1));
        string[] uuids = options.ServiceUuid is { } u ? [u] : [];
        var seen = new Dictionary<string, BleDevice>(StringComparer.Ordinal);
        await using (var scan = await BluezScan.StartAsync(client, adapter, uuids, CallTimeout, endpoint, cancellationToken).ConfigureAwait(false))
        {
            using var deadline = new CancellationTokenSource(options.ScanTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
            while (true)
            {
                BleDevice? device;
                try
                {
                    device = await scan.NextAsync(linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                if (device is null)
                {
                    break;
                }

                seen[device.Address] = device;
                if (Matches(device, options))
                {
                    logger.BleFound(device, (long)time.GetElapsedTime(started).TotalMilliseconds);
                    return device;
                }
            }
        }

        var candidates = seen.Values.Where(d => d.LooksLikeProvisioningDevice).OrderByDescending(d => d.Rssi ?? short.MinValue).Select(d => d.ToString()).ToList();
        var others = candidates.Count > 0
            ? $"provisioning devices seen: {string.Join(", ", candidates.Take(8))}"
            : seen.Count > 0 ? $"no provisioning device seen ({seen.Count} other BLE device(s))" : "no BLE device seen at all";
        throw new BleTransportException(TransportFailure.DeviceNotFound, endpoint,
            $"no BLE device named {wanted} within {options.ScanTimeout.TotalSeconds:0.#} s; {others}");
    }

    private static bool Matches(BleDevice device, BleTransportOptions options) =>
        (options.ServiceName is null || string.Equals(device.Name, options.ServiceName, StringComparison.Ordinal))
        && (options.Address is null || string.Equals(device.Address, options.Address, StringComparison.OrdinalIgnoreCase));

    /// <summary>Connects, waits for ServicesResolved and maps the endpoints, within the connect timeout. On failure nothing stays connected.</summary>
    public static async Task<BleLink> ConnectAsync(BluezClient client, BleDevice device, BleTransportOptions options, TimeProvider time,
        string endpoint, ILogger logger, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var path = device.ObjectPath;
        using var deadline = new CancellationTokenSource(options.ConnectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            await CallConnectAsync(client, device, endpoint, linked.Token).ConfigureAwait(false);
            var settled = await client.WaitForAsync(
                () => client.Is(path, BluezApi.Device, "ServicesResolved", true) || client.Is(path, BluezApi.Device, "Connected", false),
                Timeout.InfiniteTimeSpan, linked.Token).ConfigureAwait(false);
            if (!settled || !client.Is(path, BluezApi.Device, "ServicesResolved", true))
            {
                throw new BleTransportException(TransportFailure.ConnectionRefused, endpoint, $"{device} dropped the link during service discovery");
            }

            var resolved = await GattEndpoints.ResolveAsync(client, path, device.ServiceUuids, options.ServiceUuid, Timeout.InfiniteTimeSpan, linked.Token)
                .ConfigureAwait(false)
                ?? throw new BleTransportException(TransportFailure.EndpointNotFound, endpoint,
                    $"{device} has no provisioning service (none advertised, and no service with proto-ver and prov-session characteristics)");
            if (logger.IsEnabled(LogLevel.Debug))
            {
                logger.BleConnected(device, (long)time.GetElapsedTime(started).TotalMilliseconds, resolved.Uuid, string.Join(", ", resolved.Endpoints.Keys.Order(StringComparer.Ordinal)));
            }

            return new BleLink(path, resolved.Uuid, resolved.Endpoints);
        }
        catch (Exception ex)
        {
            await DisconnectAsync(client, path).ConfigureAwait(false);
            if (ex is OperationCanceledException && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new BleTransportException(TransportFailure.ConnectionRefused, endpoint,
                    $"no connection to {device} within {options.ConnectTimeout.TotalSeconds:0.#} s", innerException: ex);
            }

            if (ex is DBusErrorReplyException reply)
            {
                throw new BleTransportException(TransportFailure.ConnectionRefused, endpoint,
                    $"could not connect to {device} ({reply.ErrorName}: {reply.ErrorMessage})", reply.ErrorName, reply);
            }

            throw;
        }
    }

    private static async Task CallConnectAsync(BluezClient client, BleDevice device, string endpoint, CancellationToken cancellationToken)
    {
        // BlueZ aborts an LE connection attempt now and then ("le-connection-abort-by-local"): OpenAsync's attempts retry it.
        try
        {
            await client.CallAsync(device.ObjectPath, BluezApi.Device, "Connect", null, null, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }
        catch (DBusErrorReplyException ex) when (ex.ErrorName == "org.bluez.Error.NotReady")
        {
            throw new BleTransportException(TransportFailure.Unavailable, endpoint,
                $"Bluetooth adapter {device.Adapter} is powered off: bluetoothctl power on", ex.ErrorName, ex);
        }
    }

    /// <summary>Disconnects (BlueZ replies once the link is down; a device that is not connected succeeds at once). Best effort, never cancelled.</summary>
    public static async Task DisconnectAsync(BluezClient client, string devicePath)
    {
        try
        {
            await client.CallAsync(devicePath, BluezApi.Device, "Disconnect", null, null, DisconnectTimeout, CancellationToken.None).ConfigureAwait(false);
            await client.WaitForAsync(() => !client.Is(devicePath, BluezApi.Device, "Connected", true), DisconnectTimeout, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DBusExceptionBase or TimeoutException or ObjectDisposedException)
        {
            Debug.WriteLine($"BLE disconnect of {devicePath}: {ex.Message}");
        }
    }
}
