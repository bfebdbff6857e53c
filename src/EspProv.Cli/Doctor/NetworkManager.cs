using System.Text;
using Tmds.DBus.Protocol;

namespace EspProv.Cli.Doctor;

/// <summary>
/// Reads the Wi-Fi networks NetworkManager has active, over the system D-Bus: each active connection's device name and
/// its access point's SSID. Null when there is no system bus or no NetworkManager on it (the check is then skipped).
/// </summary>
internal static class NetworkManager
{
    private const string Service = "org.freedesktop.NetworkManager";
    private const string Properties = "org.freedesktop.DBus.Properties";
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);

    public static ValueTask<IReadOnlyList<WifiLink>?> WifiLinksAsync(CancellationToken cancellationToken) =>
        OperatingSystem.IsLinux() && DBusAddress.System is { } address
            ? WifiLinksAsync(address, cancellationToken)
            : ValueTask.FromResult<IReadOnlyList<WifiLink>?>(null);

    /// <summary>The same, from the NetworkManager on the bus at <paramref name="address"/> (tests serve a fake one on a private bus).</summary>
    internal static async ValueTask<IReadOnlyList<WifiLink>?> WifiLinksAsync(string address, CancellationToken cancellationToken)
    {

        try
        {
            using var connection = new DBusConnection(address);
            await connection.ConnectAsync().AsTask().WaitAsync(CallTimeout, cancellationToken).ConfigureAwait(false);
            var root = await GetAllAsync(connection, "/org/freedesktop/NetworkManager", Service, cancellationToken).ConfigureAwait(false);
            var links = new List<WifiLink>();
            foreach (var active in Paths(root, "ActiveConnections"))
            {
                var props = await GetAllAsync(connection, active, Service + ".Connection.Active", cancellationToken).ConfigureAwait(false);
                if (!props.TryGetValue("Type", out var type) || type.Type != VariantValueType.String || type.GetString() != "802-11-wireless")
                {
                    continue;
                }

                var device = Paths(props, "Devices").FirstOrDefault();
                var name = device is null ? "?" : await InterfaceNameAsync(connection, device, cancellationToken).ConfigureAwait(false);
                var ssid = props.TryGetValue("SpecificObject", out var ap) && ap.Type == VariantValueType.ObjectPath && ap.GetObjectPathAsString() is { Length: > 1 } apPath
                    ? await SsidAsync(connection, apPath, cancellationToken).ConfigureAwait(false)
                    : null;
                // Without an access point (rare), the connection's name is usually the SSID.
                ssid ??= props.TryGetValue("Id", out var id) && id.Type == VariantValueType.String ? id.GetString() : "?";
                links.Add(new WifiLink(name, ssid));
            }

            return links;
        }
        catch (Exception ex) when (ex is DBusErrorReplyException or DBusConnectionException or DBusMessageException or DBusUnexpectedValueException or DBusReadException or TimeoutException or IOException or System.Net.Sockets.SocketException
            or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }

    private static async Task<string> InterfaceNameAsync(DBusConnection connection, string device, CancellationToken cancellationToken)
    {
        var props = await GetAllAsync(connection, device, Service + ".Device", cancellationToken).ConfigureAwait(false);
        return props.TryGetValue("Interface", out var v) && v.Type == VariantValueType.String ? v.GetString() : "?";
    }

    private static async Task<string?> SsidAsync(DBusConnection connection, string accessPoint, CancellationToken cancellationToken)
    {
        var props = await GetAllAsync(connection, accessPoint, Service + ".AccessPoint", cancellationToken).ConfigureAwait(false);
        return props.TryGetValue("Ssid", out var v) && v.Type == VariantValueType.Array && v.ItemType == VariantValueType.Byte
            ? Encoding.UTF8.GetString(v.GetArray<byte>())
            : null;
    }

    private static List<string> Paths(Dictionary<string, VariantValue> props, string name)
    {
        var paths = new List<string>();
        if (props.TryGetValue(name, out var v) && v.Type == VariantValueType.Array && v.ItemType == VariantValueType.ObjectPath)
        {
            for (var i = 0; i < v.Count; i++)
            {
                paths.Add(v.GetItem(i).GetObjectPathAsString());
            }
        }

        return paths;
    }

    private static Task<Dictionary<string, VariantValue>> GetAllAsync(DBusConnection connection, string path, string iface, CancellationToken cancellationToken)
    {
        var writer = connection.GetMessageWriter();
        MessageBuffer message;
        try
        {
            writer.WriteMethodCallHeader(Service, path, Properties, "GetAll", "s", MessageFlags.None);
            writer.WriteString(iface);
            message = writer.CreateMessage();
        }
        finally
        {
            writer.Dispose();
        }

        return connection.CallMethodAsync(message, static (m, _) => m.GetBodyReader().ReadDictionaryOfStringToVariantValue(), null)
            .WaitAsync(CallTimeout, cancellationToken);
    }
}
