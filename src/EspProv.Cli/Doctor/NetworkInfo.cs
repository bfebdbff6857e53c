using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace EspProv.Cli.Doctor;

/// <summary>An IPv4 address of a local interface with its prefix length.</summary>
internal sealed record LocalAddress(IPAddress Address, int PrefixLength)
{
    /// <summary>The default soft AP of Espressif firmware: the device is 192.168.4.1, clients get 192.168.4.2 and up.</summary>
    public static IPNetwork SoftAp { get; } = new(IPAddress.Parse("192.168.4.0"), 24);

    /// <summary>The subnet this address is on (its host bits cleared).</summary>
    public IPNetwork Network
    {
        get
        {
            var bytes = Address.GetAddressBytes();
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] &= (byte)(0xff << (8 - Math.Clamp(PrefixLength - (i * 8), 0, 8)));
            }

            return new IPNetwork(new IPAddress(bytes), PrefixLength);
        }
    }

    /// <summary>True when <paramref name="other"/> is in this address's subnet.</summary>
    public bool Contains(IPAddress other) => Network.Contains(other);

    public override string ToString() => $"{Address}/{PrefixLength}";
}

/// <summary>A local network interface as the doctor needs it.</summary>
internal sealed record LocalInterface(string Name, bool IsUp, bool IsLoopback, bool IsWireless, IReadOnlyList<LocalAddress> Addresses);

/// <summary>A Wi-Fi interface joined to a network, as the OS reports it.</summary>
internal sealed record WifiLink(string Interface, string Ssid);

/// <summary>
/// What the OS knows about the local network, behind an interface so the doctor's checks are tested with injected data
/// and never change the machine's network.
/// </summary>
internal interface INetworkInfo
{
    /// <summary>The local interfaces with their IPv4 addresses.</summary>
    IReadOnlyList<LocalInterface> Interfaces();

    /// <summary>The local address the kernel would send from to reach <paramref name="destination"/>; null when there is no route.</summary>
    IPAddress? RouteSource(IPAddress destination);

    /// <summary>The Wi-Fi networks the interfaces are joined to; null when the OS cannot tell (no NetworkManager).</summary>
    ValueTask<IReadOnlyList<WifiLink>?> WifiLinksAsync(CancellationToken cancellationToken);
}

/// <summary>The machine's own network data: .NET's interface list, the kernel's route choice, NetworkManager on Linux.</summary>
internal sealed class SystemNetworkInfo(Func<CancellationToken, ValueTask<IReadOnlyList<WifiLink>?>>? wifiLinks = null) : INetworkInfo
{
    public IReadOnlyList<LocalInterface> Interfaces() =>
    [
        .. NetworkInterface.GetAllNetworkInterfaces().Select(nic => new LocalInterface(
            nic.Name,
            nic.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown,
            nic.NetworkInterfaceType == NetworkInterfaceType.Loopback,
            IsWireless(nic),
            [.. nic.GetIPProperties().UnicastAddresses
                .Where(a => a.Address.AddressFamily == AddressFamily.InterNetwork)
                .Select(a => new LocalAddress(a.Address, a.PrefixLength))])),
    ];

    /// <summary>
    /// Connecting a UDP socket sends nothing but makes the kernel pick the route and source address, so its local
    /// endpoint is the address (and so the interface) packets to the device would leave from.
    /// </summary>
    public IPAddress? RouteSource(IPAddress destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        try
        {
            using var socket = new Socket(destination.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            socket.Connect(new IPEndPoint(destination, 9));
            return (socket.LocalEndPoint as IPEndPoint)?.Address;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    public ValueTask<IReadOnlyList<WifiLink>?> WifiLinksAsync(CancellationToken cancellationToken) =>
        wifiLinks?.Invoke(cancellationToken) ?? ValueTask.FromResult<IReadOnlyList<WifiLink>?>(null);

    // .NET reports Linux Wi-Fi interfaces as Ethernet; the kernel marks them with a "wireless" directory in sysfs.
    private static bool IsWireless(NetworkInterface nic) =>
        nic.NetworkInterfaceType == NetworkInterfaceType.Wireless80211
        || (OperatingSystem.IsLinux() && Directory.Exists($"/sys/class/net/{nic.Name}/wireless"));
}
