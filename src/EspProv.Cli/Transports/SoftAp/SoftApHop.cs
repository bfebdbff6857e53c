using EspProv.Transport;
using EspProv.Transport.Http;
using EspProv.Transport.SoftAp;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Cli.Transports.SoftAp;

/// <summary>
/// <c>batch --discover</c> over soft AP: one Wi-Fi interface goes from one device's network to the next
/// (<see cref="ISoftApJoiner.JoinNextAsync"/>), and is given back its own network once, at the end
/// (<see cref="RestoreAsync"/>). A failed join restores the interface; the next device then joins afresh.
/// Used one device at a time.
/// </summary>
internal sealed class SoftApHop(ISoftApJoiner joiner, JoinSettings? join, double scanTimeoutSeconds)
{
    private ISoftApConnection? _current;

    /// <summary>Joins <paramref name="ssid"/> (the access point <paramref name="bssid"/>) and returns an HTTP transport to the device bound to the joined interface.</summary>
    public async ValueTask<(TransportSetup? Setup, TransportSetupError? Error)> CreateAsync(string ssid, string? bssid, string endpoint, TransportContext context,
        CancellationToken cancellationToken)
    {
        if (!DeviceAddress.TryParse(endpoint, out var address, out var endpointError))
        {
            return (null, new TransportSetupError(ExitCodes.Usage, endpointError));
        }

        var request = new SoftApJoinRequest(ssid)
        {
            Bssid = bssid,
            Passphrase = join?.Passphrase,
            InterfaceName = join?.WifiInterface,
            ScanTimeout = TimeSpan.FromSeconds(scanTimeoutSeconds),
            JoinTimeout = TimeSpan.FromSeconds(Math.Max(30, context.Settings.TimeoutSeconds / 2)),
        };
        var current = _current;
        _current = null;
        try
        {
            _current = current is null
                ? await joiner.JoinAsync(request, cancellationToken).ConfigureAwait(false)
                : await joiner.JoinNextAsync(current, request, cancellationToken).ConfigureAwait(false);
        }
        catch (SoftApJoinException ex)
        {
            // The interface is back on its own network (or the warning says why not): the next device joins afresh.
            return (null, new TransportSetupError(ExitCodes.NoConnection, ex.Restore is { Restored: false } r ? $"{ex.Message}; {r.Description}" : ex.Message));
        }

        var transport = new HttpTransport(address, new HttpTransportOptions
        {
            Interface = _current.InterfaceName,
            RequestTimeout = context.RequestTimeout,
            LoggerFactory = context.LoggerFactory ?? NullLoggerFactory.Instance,
        });
        return (new TransportSetup(transport, $"{ssid} ({address})"), null);
    }

    /// <summary>Gives the interface back what it had before the first join; null when no join is held.</summary>
    public async Task<SoftApRestoreResult?> RestoreAsync()
    {
        var current = _current;
        _current = null;
        return current is null ? null : await current.RestoreAsync().ConfigureAwait(false);
    }
}
