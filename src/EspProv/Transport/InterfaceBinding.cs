using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;

namespace EspProv.Transport;

/// <summary>
/// Binds a socket to a network interface by name (<c>--interface</c>), for a computer on several networks: joined to
/// the device's soft AP on one interface and to the site's LAN on another, both possibly using 192.168.4.x.
/// On Linux the socket is bound to the device itself (<c>SO_BINDTODEVICE</c>), so every packet leaves through it
/// whatever the routing table says; elsewhere it is bound to the interface's first address as its local endpoint.
/// </summary>
public static class InterfaceBinding
{
    // <sys/socket.h> on Linux (asm-generic/socket.h): SOL_SOCKET = 1, SO_BINDTODEVICE = 25.
    private const int SolSocket = 1;
    private const int SoBindToDevice = 25;

    // Linux IFNAMSIZ is 16 including the terminating NUL.
    private const int MaxLinuxNameBytes = 15;

    /// <summary>Finds the interface with this exact name.</summary>
    /// <exception cref="UnknownNetworkInterfaceException">No interface has that name.</exception>
    public static NetworkInterface Find(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var all = NetworkInterface.GetAllNetworkInterfaces();
        return all.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.Ordinal))
            ?? throw new UnknownNetworkInterfaceException(name, all.Select(i => i.Name).Order(StringComparer.Ordinal).ToArray());
    }

    /// <summary>
    /// Binds an unconnected socket to the named interface; call before <c>Connect</c>.
    /// </summary>
    /// <exception cref="UnknownNetworkInterfaceException">No interface has that name.</exception>
    /// <exception cref="SocketException">The system refused the binding (e.g. no address of the socket's family on that interface).</exception>
    public static void Bind(Socket socket, string interfaceName)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var nic = Find(interfaceName);
        if (OperatingSystem.IsLinux())
        {
            var bytes = Encoding.UTF8.GetBytes(nic.Name);
            if (bytes.Length > MaxLinuxNameBytes)
            {
                throw new UnknownNetworkInterfaceException(nic.Name, []);
            }

            var value = new byte[bytes.Length + 1];
            bytes.CopyTo(value, 0);
            try
            {
                socket.SetRawSocketOption(SolSocket, SoBindToDevice, value);
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AccessDenied)
            {
                // Kernels before 5.7 allow SO_BINDTODEVICE to CAP_NET_RAW only: fall back to the source address, which
                // picks the interface for replies and, with a route via that interface, for the packets we send.
            }
        }

        socket.Bind(new IPEndPoint(LocalAddress(nic, socket.AddressFamily), 0));
    }

    /// <summary>The interface's first unicast address of the family (for the non-Linux bind and the fallback).</summary>
    /// <exception cref="SocketException">The interface has no address of that family.</exception>
    public static IPAddress LocalAddress(NetworkInterface nic, AddressFamily family)
    {
        ArgumentNullException.ThrowIfNull(nic);
        return nic.GetIPProperties().UnicastAddresses.Select(a => a.Address).FirstOrDefault(a => a.AddressFamily == family)
            ?? throw new SocketException((int)SocketError.AddressNotAvailable);
    }
}

/// <summary>No network interface has the given name; <see cref="Available"/> lists those that exist.</summary>
public sealed class UnknownNetworkInterfaceException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="name"/>.</summary>
    public UnknownNetworkInterfaceException(string name, IReadOnlyList<string> available)
        : base(available.Count > 0
            ? $"no network interface named '{name}' (interfaces: {string.Join(", ", available)})"
            : $"no usable network interface named '{name}'")
    {
        InterfaceName = name;
        Available = available;
    }

    /// <summary>The name asked for.</summary>
    public string InterfaceName { get; }

    /// <summary>The names of the interfaces that exist.</summary>
    public IReadOnlyList<string> Available { get; }
}
