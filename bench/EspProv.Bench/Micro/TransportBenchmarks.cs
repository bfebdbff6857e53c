using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using EspProv.Transport;
using EspProv.Transport.Http;

namespace EspProv.Bench.Micro;

/// <summary>
/// One <see cref="HttpTransport"/> exchange (POST of a 40-byte body, 60-byte reply, kept-alive connection) against a
/// canned loopback responder that answers every request with the same bytes, the way esp_http_server frames them.
/// Shows the client's per-request cost and allocations; the floor is the same bytes written and read on a raw socket.
/// </summary>
[MemoryDiagnoser]
public class TransportBenchmarks
{
    private static readonly byte[] Body = new byte[40];
    private CannedResponder _responder = null!;
    private HttpTransport _transport = null!;
    private Socket _raw = null!;
    private byte[] _rawRequest = [];
    private readonly byte[] _rawBuffer = new byte[4096];

    [GlobalSetup]
    public void Setup()
    {
        _responder = new CannedResponder();
        _transport = new HttpTransport(new DeviceAddress("127.0.0.1", _responder.Port, false));
        _transport.SendAsync("prov-config", Body).GetAwaiter().GetResult();
        _raw = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _raw.Connect(IPAddress.Loopback, _responder.Port);
        _rawRequest = [.. "POST /prov-config HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 40\r\n\r\n"u8, .. Body];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _transport.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _raw.Dispose();
        _responder.Dispose();
    }

    [Benchmark(Description = "raw socket round trip (floor)")]
    public async Task<int> RawSocket()
    {
        await _raw.SendAsync(_rawRequest, SocketFlags.None);
        var total = 0;
        while (total < CannedResponder.Response.Length)
        {
            total += await _raw.ReceiveAsync(_rawBuffer.AsMemory(total), SocketFlags.None);
        }

        return total;
    }

    [Benchmark(Description = "HttpTransport.SendAsync")]
    public Task<byte[]> Transport() => _transport.SendAsync("prov-config", Body);
}

/// <summary>Answers each HTTP request on each accepted connection with one fixed 200 response (no parsing beyond framing).</summary>
internal sealed class CannedResponder : IDisposable
{
    public static readonly byte[] Response =
        [.. "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 60\r\n\r\n"u8, .. new byte[60]];

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public CannedResponder()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public void Dispose() => _listener.Stop();

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            socket.NoDelay = true;
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private static async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        var buffer = new byte[8192];
        var filled = 0;
        try
        {
            while (true)
            {
                var end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
                if (end < 0)
                {
                    var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                    continue;
                }

                var length = ContentLength(buffer.AsSpan(0, end));
                var total = end + 4 + length;
                while (filled < total)
                {
                    var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                }

                buffer.AsSpan(total, filled - total).CopyTo(buffer);
                filled -= total;
                await socket.SendAsync(Response, SocketFlags.None);
            }
        }
        catch (SocketException)
        {
        }
    }

    private static int ContentLength(ReadOnlySpan<byte> header)
    {
        var name = "Content-Length: "u8;
        var at = header.IndexOf(name);
        if (at < 0)
        {
            return 0;
        }

        var value = 0;
        for (var i = at + name.Length; i < header.Length && header[i] is >= (byte)'0' and <= (byte)'9'; i++)
        {
            value = (value * 10) + (header[i] - '0');
        }

        return value;
    }
}
