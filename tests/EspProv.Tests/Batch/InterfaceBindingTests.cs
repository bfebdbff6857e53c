using System.Net;
using System.Net.Sockets;
using System.Text;
using EspProv.Transport;

namespace EspProv.Tests.Batch;

public sealed class InterfaceBindingTests
{
    private static string Loopback => OperatingSystem.IsLinux() ? "lo" : InterfaceBinding.Find(
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().First(i => i.NetworkInterfaceType == System.Net.NetworkInformation.NetworkInterfaceType.Loopback).Name).Name;

    [Fact]
    public void UnknownName_Throws_ListingTheInterfaces()
    {
        var ex = Assert.Throws<UnknownNetworkInterfaceException>(() => InterfaceBinding.Find("espprov-nope0"));
        Assert.Equal("espprov-nope0", ex.InterfaceName);
        Assert.Contains(Loopback, ex.Available);
        Assert.Contains("no network interface named 'espprov-nope0'", ex.Message, StringComparison.Ordinal);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Assert.Throws<UnknownNetworkInterfaceException>(() => InterfaceBinding.Bind(socket, "espprov-nope0"));
    }

    [Fact]
    public async Task BoundToLoopback_ConnectsToALoopbackListener()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        InterfaceBinding.Bind(socket, Loopback);
        if (OperatingSystem.IsLinux())
        {
            // SO_BINDTODEVICE took (or, without the privilege on old kernels, the socket got the interface's address).
            var name = new byte[16];
            var length = socket.GetRawSocketOption(1, 25, name);
            Assert.True(length == 0 ? ((IPEndPoint)socket.LocalEndPoint!).Address.Equals(IPAddress.Loopback) : Encoding.ASCII.GetString(name, 0, length).TrimEnd('\0') == "lo");
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var accept = listener.AcceptSocketAsync(timeout.Token);
        await socket.ConnectAsync((IPEndPoint)listener.LocalEndpoint, timeout.Token);
        using var accepted = await accept;
        Assert.True(socket.Connected);
    }
}
