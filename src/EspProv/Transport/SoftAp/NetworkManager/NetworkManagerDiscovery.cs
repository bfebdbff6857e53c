using System.Runtime.CompilerServices;
using System.Text;
using EspProv.Transport.Discovery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tmds.DBus.Protocol;

namespace EspProv.Transport.SoftAp.NetworkManager;

/// <summary>Settings of <see cref="NetworkManagerDiscovery"/>.</summary>
public sealed record NetworkManagerDiscoveryOptions
{
    /// <summary>The Wi-Fi interface to scan with; null = the first Wi-Fi device NetworkManager manages.</summary>
    public string? InterfaceName { get; init; }

    /// <summary>The D-Bus system bus; null = <c>DBUS_SYSTEM_BUS_ADDRESS</c>, else the standard socket.</summary>
    public string? BusAddress { get; init; }

    /// <summary>Longest wait for one D-Bus call.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock of every wait.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Each scan request is logged at Debug level.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}

/// <summary>
/// Discovery of soft-AP provisioning devices through NetworkManager (Linux): the access points NetworkManager lists on
/// the Wi-Fi interface whose SSID starts with the prefix, with a new scan requested every few seconds while it looks.
/// Each access point (BSSID) is reported once. Only scans: the interface stays on its network.
/// </summary>
public sealed class NetworkManagerDiscovery(NetworkManagerDiscoveryOptions? options = null) : IDeviceDiscovery
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan RescanEvery = TimeSpan.FromSeconds(4);
    private readonly NetworkManagerDiscoveryOptions _options = options ?? new();
    private readonly ILogger _log = (options?.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("EspProv.Join");

    /// <inheritdoc/>
    /// <exception cref="SoftApJoinException"><see cref="SoftApJoinFailure.Unavailable"/>: not Linux, no NetworkManager, no Wi-Fi interface it manages.</exception>
    public async IAsyncEnumerable<DiscoveredDevice> DiscoverAsync(DiscoveryRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var what = request.NamePrefix + "*";
        if (!OperatingSystem.IsLinux())
        {
            throw new SoftApJoinException(SoftApJoinFailure.Unavailable, what, "finding soft-AP devices needs NetworkManager (Linux)");
        }

        var time = _options.TimeProvider;
        using var bus = await NmBus.ConnectAsync(_options.BusAddress, time, _options.CallTimeout, what, cancellationToken).ConfigureAwait(false);
        var (devicePath, iface) = await new NmLookup(bus, time, _log).FindDeviceAsync(_options.InterfaceName, what, cancellationToken).ConfigureAwait(false);
        using var deadline = new CancellationTokenSource(request.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var lastScan = long.MinValue;
        while (true)
        {
            if (lastScan == long.MinValue || time.GetElapsedTime(lastScan) >= RescanEvery)
            {
                lastScan = time.GetTimestamp();
                _log.Scanning(what, iface);
                if (!await TryAsync(() => RequestScanAsync(bus, devicePath, linked.Token), deadline, cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }
            }

            var found = new List<DiscoveredDevice>();
            if (!await TryAsync(() => ListAsync(bus, devicePath, iface, request.NamePrefix, found, linked.Token), deadline, cancellationToken).ConfigureAwait(false))
            {
                yield break;
            }

            foreach (var device in found.Where(d => reported.Add(d.Address)))
            {
                yield return device;
            }

            if (!await TryAsync(() => Task.Delay(Poll, time, linked.Token), deadline, cancellationToken).ConfigureAwait(false))
            {
                yield break;
            }
        }
    }

    /// <summary>Runs one step; false when the discovery's time is up (the caller's own cancellation propagates).</summary>
    private static async Task<bool> TryAsync(Func<Task> step, CancellationTokenSource deadline, CancellationToken cancellationToken)
    {
        try
        {
            await step().ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task RequestScanAsync(NmBus bus, string devicePath, CancellationToken cancellationToken)
    {
        try
        {
            await bus.CallAsync(devicePath, NmBus.Wireless, "RequestScan", "a{sv}",
                (ref MessageWriter w) => w.WriteDictionary(new Dictionary<string, VariantValue>()), cancellationToken).ConfigureAwait(false);
        }
        catch (DBusErrorReplyException ex)
        {
            // A scan already running or just done is refused; its results arrive all the same.
            _log.ScanRefused(ex.ErrorMessage);
        }
    }

    private static async Task ListAsync(NmBus bus, string devicePath, string iface, string prefix, List<DiscoveredDevice> found, CancellationToken cancellationToken)
    {
        var aps = await bus.CallAsync(devicePath, NmBus.Wireless, "GetAllAccessPoints", null, null,
            static (m, _) => m.GetBodyReader().ReadArrayOfObjectPath(), cancellationToken).ConfigureAwait(false);
        foreach (var ap in aps)
        {
            Dictionary<string, VariantValue> props;
            try
            {
                props = await bus.GetAllAsync(ap.ToString(), NmBus.AccessPoint, cancellationToken).ConfigureAwait(false);
            }
            catch (DBusErrorReplyException)
            {
                continue; // the AP vanished between the list and the read
            }

            if (!props.TryGetValue("Ssid", out var ssidValue) || ssidValue.Type != VariantValueType.Array || ssidValue.ItemType != VariantValueType.Byte
                || NmBus.String(props, "HwAddress") is not { Length: > 0 } bssid)
            {
                continue;
            }

            string ssid;
            try
            {
                ssid = new UTF8Encoding(false, true).GetString(ssidValue.GetArray<byte>());
            }
            catch (DecoderFallbackException)
            {
                continue; // not a UTF-8 name: not a provisioning device's (firmware names are ASCII)
            }

            if (ssid.Length == 0 || !ssid.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var strength = props.TryGetValue("Strength", out var s) && s.Type == VariantValueType.Byte ? s.GetByte() : (byte)0;
            var secured = (NmBus.UInt(props, "Flags") & 1) != 0 || NmBus.UInt(props, "WpaFlags") != 0 || NmBus.UInt(props, "RsnFlags") != 0;
            found.Add(new DiscoveredDevice(ssid, bssid.ToUpperInvariant(), Dbm(strength), iface) { Secured = secured });
        }
    }

    // NetworkManager's quality = 100 - (|dBm + 40| * 100 / 60) for dBm clamped to [-100, -40]; this is its inverse.
    private static short Dbm(byte strength) => (short)(-40 - ((100 - Math.Min((int)strength, 100)) * 60 / 100));
}
