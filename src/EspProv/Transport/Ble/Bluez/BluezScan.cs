using System.Threading.Channels;
using EspProv.Exceptions;
using Tmds.DBus.Protocol;

namespace EspProv.Transport.Ble.Bluez;

/// <summary>
/// One discovery session on an adapter: LE only, with an optional UUID filter. Reports the devices BlueZ announces while
/// it runs (InterfacesAdded, or PropertiesChanged with RSSI: BlueZ's signal for the first advertisement after a start),
/// not devices merely cached from earlier (docs/ble.md#bluez-central-role, #a-bluez-stand-in-for-bleak). Disposing
/// stops discovery and clears the filter.
/// </summary>
internal sealed class BluezScan : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    private readonly BluezClient _client;
    private readonly string _adapter;
    private readonly Channel<string> _seen = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private bool _started;

    private BluezScan(BluezClient client, string adapter)
    {
        _client = client;
        _adapter = adapter;
        _client.Changed += OnChanged;
    }

    /// <summary>Sets the filter and starts discovery. NotReady (powered off) and other refusals → Unavailable.</summary>
    public static async Task<BluezScan> StartAsync(BluezClient client, string adapter, IReadOnlyList<string> uuids, TimeSpan callTimeout, string endpoint, CancellationToken cancellationToken)
    {
        var scan = new BluezScan(client, adapter);
        try
        {
            var filter = new Dictionary<string, VariantValue> { ["Transport"] = "le", ["DuplicateData"] = false };
            if (uuids.Count > 0)
            {
                filter["UUIDs"] = VariantValue.Array(uuids.Select(u => u.ToLowerInvariant()).ToArray());
            }

            // Both go out at once: D-Bus keeps one connection's messages in order, so BlueZ applies the filter first.
            var setFilter = client.CallAsync(adapter, BluezApi.Adapter, "SetDiscoveryFilter", "a{sv}", (ref MessageWriter w) => w.WriteDictionary(filter),
                callTimeout, cancellationToken);
            var start = client.CallAsync(adapter, BluezApi.Adapter, "StartDiscovery", null, null, callTimeout, cancellationToken);
            scan._started = true;
            await Task.WhenAll(setFilter, start).ConfigureAwait(false);

            // BlueZ runs one discovery per adapter: while another client's scan is on (a batch's other links), a device
            // already heard is not reported again until its RSSI changes. Its RSSI property says it is heard now (BlueZ
            // clears it when discovery stops, so a device BlueZ only remembers has none): it counts as seen.
            foreach (var path in client.PathsWith(BluezApi.Device, adapter))
            {
                if (client.Properties(path, BluezApi.Device)?.ContainsKey("RSSI") == true)
                {
                    scan._seen.Writer.TryWrite(path);
                }
            }

            return scan;
        }
        catch (DBusErrorReplyException ex)
        {
            await scan.DisposeAsync().ConfigureAwait(false);
            throw ex.ErrorName == "org.bluez.Error.NotReady"
                ? BluezAdapters.PoweredOff(adapter, endpoint, ex.ErrorName, ex)
                : new BleTransportException(TransportFailure.Unavailable, endpoint,
                    $"Bluetooth adapter {BluezAdapters.ShortName(adapter)} refused to scan ({ex.ErrorName}: {ex.ErrorMessage})", ex.ErrorName, ex);
        }
        catch (TimeoutException ex)
        {
            await scan.DisposeAsync().ConfigureAwait(false);
            throw new BleTransportException(TransportFailure.Unavailable, endpoint, "BlueZ did not start a scan in time", innerException: ex);
        }
        catch
        {
            await scan.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The next device report (a device may be reported again); false once <paramref name="cancellationToken"/> fires.</summary>
    public async Task<BleDevice?> NextAsync(CancellationToken cancellationToken)
    {
        while (await _seen.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_seen.Reader.TryRead(out var path))
            {
                if (BluezAdapters.ReadDevice(_client, path) is { } device)
                {
                    return device;
                }
            }
        }

        return null;
    }

    private void OnChanged(string path, string iface, IReadOnlyCollection<string> keys)
    {
        if (iface == BluezApi.Device && keys.Contains("RSSI") && path.StartsWith(_adapter + "/", StringComparison.Ordinal))
        {
            _seen.Writer.TryWrite(path);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Changed -= OnChanged;
        _seen.Writer.TryComplete();
        if (!_started)
        {
            return;
        }

        _started = false;
        // Best effort, never cancelled by the caller: a scan left running drains the radio and the battery of a laptop.
        try
        {
            var stop = _client.CallAsync(_adapter, BluezApi.Adapter, "StopDiscovery", null, null, StopTimeout, CancellationToken.None);
            var clear = _client.CallAsync(_adapter, BluezApi.Adapter, "SetDiscoveryFilter", "a{sv}",
                (ref MessageWriter w) => w.WriteDictionary(new Dictionary<string, VariantValue>()), StopTimeout, CancellationToken.None);
            await Task.WhenAll(stop, clear).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DBusExceptionBase or TimeoutException or ObjectDisposedException)
        {
            // The bus or BlueZ is gone: BlueZ ends a client's discovery when the client leaves the bus.
        }
    }
}
