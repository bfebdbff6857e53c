using System.Text;
using Microsoft.Extensions.Logging;
using Tmds.DBus.Protocol;

namespace EspProv.Transport.SoftAp.NetworkManager;

/// <summary>Finds the Wi-Fi device to join with and the device's access point (scanning until it is listed).</summary>
internal sealed class NmLookup(NmBus bus, TimeProvider time, ILogger log)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RescanEvery = TimeSpan.FromSeconds(4);
    private readonly NmBus _bus = bus;
    private readonly TimeProvider _time = time;
    private readonly ILogger _log = log;

    public async Task<(string Path, bool Secured, string? KeyManagement)> FindAccessPointAsync(string devicePath, string iface,
        SoftApJoinRequest request, CancellationToken cancellationToken)
    {
        var time = _time;
        using var deadline = new CancellationTokenSource(request.ScanTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var wanted = Encoding.UTF8.GetBytes(request.Ssid);
        var lastScan = long.MinValue;
        try
        {
            while (true)
            {
                var aps = await _bus.CallAsync(devicePath, NmBus.Wireless, "GetAllAccessPoints", null, null,
                    static (m, _) => m.GetBodyReader().ReadArrayOfObjectPath(), linked.Token).ConfigureAwait(false);
                (string Path, Dictionary<string, VariantValue> Props, byte Strength)? best = null;
                foreach (var ap in aps)
                {
                    Dictionary<string, VariantValue> props;
                    try
                    {
                        props = await _bus.GetAllAsync(ap.ToString(), NmBus.AccessPoint, linked.Token).ConfigureAwait(false);
                    }
                    catch (DBusErrorReplyException)
                    {
                        continue; // the AP vanished between the list and the read
                    }

                    var strength = props.TryGetValue("Strength", out var s) && s.Type == VariantValueType.Byte ? s.GetByte() : (byte)0;
                    if (props.TryGetValue("Ssid", out var ssid) && ssid.Type == VariantValueType.Array && ssid.ItemType == VariantValueType.Byte
                        && ssid.GetArray<byte>().AsSpan().SequenceEqual(wanted) && (best is null || strength > best.Value.Strength)
                        && (request.Bssid is null || string.Equals(NmBus.String(props, "HwAddress"), request.Bssid, StringComparison.OrdinalIgnoreCase)))
                    {
                        best = (ap.ToString(), props, strength);
                    }
                }

                if (best is { } found)
                {
                    return Security(found.Path, found.Props, request.Ssid, found.Strength);
                }

                if (time.GetElapsedTime(lastScan) >= RescanEvery || lastScan == long.MinValue)
                {
                    _log.Scanning(request.Ssid, iface);
                    lastScan = time.GetTimestamp();
                    try
                    {
                        await _bus.CallAsync(devicePath, NmBus.Wireless, "RequestScan", "a{sv}",
                            (ref MessageWriter w) => w.WriteDictionary(new Dictionary<string, VariantValue>()), linked.Token).ConfigureAwait(false);
                    }
                    catch (DBusErrorReplyException ex)
                    {
                        // A scan already running or just done is refused; its results arrive all the same.
                        _log.ScanRefused(ex.ErrorMessage);
                    }
                }

                await Task.Delay(Poll, time, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new SoftApJoinException(SoftApJoinFailure.NetworkNotFound, request.Ssid,
                $"no Wi-Fi network named '{request.Ssid}' in range (scanned {request.ScanTimeout.TotalSeconds:0.#} s on {iface})");
        }
    }

    private (string, bool, string?) Security(string path, Dictionary<string, VariantValue> props, string ssid, byte strength)
    {
        // NM80211ApFlags privacy = 0x1; NM80211ApSecurityFlags key-mgmt-psk = 0x100, -802.1x = 0x200, -sae = 0x400.
        uint flags = NmBus.UInt(props, "Flags"), wpa = NmBus.UInt(props, "WpaFlags"), rsn = NmBus.UInt(props, "RsnFlags");
        var keyManagement = ((wpa | rsn) & 0x100) != 0 ? "wpa-psk" : ((wpa | rsn) & 0x400) != 0 ? "sae" : null;
        var secured = (flags & 1) != 0 || wpa != 0 || rsn != 0;
        if (secured && keyManagement is null)
        {
            throw new SoftApJoinException(SoftApJoinFailure.JoinFailed, ssid,
                $"the network '{ssid}' uses {(((wpa | rsn) & 0x200) != 0 ? "WPA Enterprise (802.1X)" : "WEP")}, which a device's soft AP does not: is it the right network?");
        }

        _log.Found(ssid, keyManagement ?? "open", strength);
        return (path, secured, keyManagement);
    }

    public async Task<(string Path, string Interface)> FindDeviceAsync(string? wanted, string ssid, CancellationToken cancellationToken)
    {
        var devices = await _bus.CallAsync(NmBus.RootPath, NmBus.Service, "GetDevices", null, null,
            static (m, _) => m.GetBodyReader().ReadArrayOfObjectPath(), cancellationToken).ConfigureAwait(false);
        var wifi = new List<string>();
        foreach (var path in devices)
        {
            var props = await _bus.GetAllAsync(path.ToString(), NmBus.Device, cancellationToken).ConfigureAwait(false);
            var name = NmBus.String(props, "Interface") ?? "?";
            var isWifi = NmBus.UInt(props, "DeviceType") == 2; // NM_DEVICE_TYPE_WIFI
            var managed = props.TryGetValue("Managed", out var m) && m.Type == VariantValueType.Bool && m.GetBool();
            if (isWifi && managed)
            {
                wifi.Add(name);
            }

            if (wanted is null ? isWifi && managed : name == wanted)
            {
                if (!isWifi || !managed)
                {
                    throw new SoftApJoinException(SoftApJoinFailure.Unavailable, ssid,
                        $"{name} is not a Wi-Fi interface NetworkManager manages" + (wifi.Count > 0 ? $" (Wi-Fi: {string.Join(", ", wifi)})" : string.Empty));
                }

                _log.UsingDevice(name);
                return (path.ToString(), name);
            }
        }

        throw new SoftApJoinException(SoftApJoinFailure.Unavailable, ssid, wanted is null
            ? "NetworkManager manages no Wi-Fi interface"
            : $"NetworkManager has no interface named {wanted}" + (wifi.Count > 0 ? $" (Wi-Fi: {string.Join(", ", wifi)})" : string.Empty));
    }
}
