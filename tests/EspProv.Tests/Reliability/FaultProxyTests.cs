using System.Text;
using EspProv.Exceptions;
using EspProv.Tests.Device.Support;
using EspProv.Tests.Support;
using EspProv.Transport;
using EspProv.Transport.Http;

namespace EspProv.Tests.Reliability;

/// <summary>
/// The proxy itself, against a scripted echo device and our HTTP transport: each fault looks on the wire as it should,
/// and the transport turns each into its own failure kind within the request timeout, never hanging.
/// </summary>
public sealed class FaultProxyTests
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);

    private static ScriptedServer EchoDevice() => new(async c =>
    {
        while (await c.ReadRequestAsync() is { } r)
        {
            await c.SendOkAsync([.. "echo:"u8.ToArray(), .. r.Body]);
        }
    });

    private static HttpTransport Client(FaultProxy proxy, TimeProvider? time = null) =>
        new(DeviceAddress.Parse(proxy.Endpoint), new HttpTransportOptions { RequestTimeout = RequestTimeout, TimeProvider = time ?? TimeProvider.System });

    [Fact]
    public async Task NoFault_ForwardsVerbatim_OnOneUpstreamConnectionPerClientConnection()
    {
        await using var device = EchoDevice();
        await using var proxy = new FaultProxy(device.Port);
        await using var transport = Client(proxy);
        Assert.Equal("echo:V0.1", Encoding.ASCII.GetString(await transport.SendAsync("proto-ver", "V0.1"u8.ToArray())));
        Assert.Equal("echo:xy", Encoding.ASCII.GetString(await transport.SendAsync("prov-config", "xy"u8.ToArray())));
        Assert.Equal(1, device.Connections);
        Assert.Equal([FaultSteps.Version, FaultSteps.SetConfig], proxy.Exchanges.Select(e => e.Step));
    }

    [Theory]
    [InlineData(FaultKind.Reset, TransportFailure.ClosedWithoutResponse)]
    [InlineData(FaultKind.CloseWithoutResponse, TransportFailure.ClosedWithoutResponse)]
    [InlineData(FaultKind.Stall, TransportFailure.Timeout)]
    [InlineData(FaultKind.SlowTrickle, TransportFailure.Timeout)]
    [InlineData(FaultKind.TruncateBody, TransportFailure.LinkLost)]
    [InlineData(FaultKind.Http4xx, TransportFailure.EndpointNotFound)]
    [InlineData(FaultKind.Http5xx, TransportFailure.Rejected)]
    [InlineData(FaultKind.Oversized, TransportFailure.ResponseTooLarge)]
    public async Task Fault_BecomesItsTransportFailure_WithinTheRequestTimeout(FaultKind fault, TransportFailure expected)
    {
        await using var device = EchoDevice();
        await using var proxy = FaultProxy.At(device.Port, FaultSteps.SetConfig, fault);
        // The request timeout runs on a fake clock, moved only for the faults that must end in it: the others must end
        // by themselves, and no test waits the real 2 s.
        var time = new TestClock();
        await using var transport = Client(proxy, time);
        await transport.SendAsync("proto-ver", "V0.1"u8.ToArray());
        var send = transport.SendAsync("prov-config", "0123456789"u8.ToArray());
        if (expected == TransportFailure.Timeout)
        {
            await Eventually.UntilAsync(proxy.Changes, () => proxy.Count(FaultSteps.SetConfig) == 1, "the request reaches the proxy");
            time.Advance(RequestTimeout);
        }

        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => send.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(expected, ex.Failure);
        Assert.Equal("prov-config", ex.Endpoint);
    }

    [Fact]
    public async Task Garble_KeepsLength_AndFlipsEveryByte()
    {
        await using var device = EchoDevice();
        await using var proxy = FaultProxy.At(device.Port, FaultSteps.Version, FaultKind.GarbleBody);
        await using var transport = Client(proxy);
        var reply = await transport.SendAsync("proto-ver", "V0.1"u8.ToArray());
        Assert.Equal("echo:V0.1"u8.ToArray().Select(b => (byte)(b ^ 0x5A)), reply);
    }

    [Fact]
    public async Task TruncateReframed_DeliversHalfTheBody_AsAWellFramedAnswer()
    {
        await using var device = EchoDevice();
        await using var proxy = FaultProxy.At(device.Port, FaultSteps.Version, FaultKind.TruncateReframed);
        await using var transport = Client(proxy);
        Assert.Equal("echo"u8.ToArray(), await transport.SendAsync("proto-ver", "V0.1"u8.ToArray()));
    }

    [Fact]
    public async Task Trickle_CompletesByteByByte_WithinTheTimeout()
    {
        await using var device = EchoDevice();
        await using var proxy = FaultProxy.At(device.Port, FaultSteps.Version, FaultKind.Trickle);
        await using var transport = Client(proxy);
        Assert.Equal("echo:V0.1", Encoding.ASCII.GetString(await transport.SendAsync("proto-ver", "V0.1"u8.ToArray())));
    }

    [Fact]
    public async Task Refuse_DropsTheLinkAfterThePreviousStep_AndRefusesReconnects()
    {
        await using var device = EchoDevice();
        await using var proxy = FaultProxy.At(device.Port, FaultSteps.SetConfig, FaultKind.Refuse,
            [FaultSteps.Version, FaultSteps.SetConfig]);
        await using var transport = Client(proxy);
        await transport.SendAsync("proto-ver", "V0.1"u8.ToArray());
        // The answer said "Connection: close" and the proxy stopped listening before sending it: no wait is needed.
        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => transport.SendAsync("prov-config", "x"u8.ToArray()));
        Assert.Equal(TransportFailure.ConnectionRefused, ex.Failure);
    }

    [Fact]
    public async Task DeviceClosingAnIdleConnection_IsPassedOn_SoTheClientReconnectsBeforeSending()
    {
        var served = 0;
        await using var device = new ScriptedServer(async c =>
        {
            if (await c.ReadRequestAsync() is { } r)
            {
                await c.SendOkAsync(r.Body);
                Interlocked.Increment(ref served);
                c.Close(); // like an LRU purge while idle
            }
        });
        await using var proxy = new FaultProxy(device.Port);
        await using var transport = Client(proxy);
        await transport.SendAsync("proto-ver", "a"u8.ToArray());
        await Eventually.UntilAsync(proxy.Changes, () => proxy.IdleClosesPassedOn == 1, "the proxy passes the device's close on");
        Assert.Equal("b"u8.ToArray(), await transport.SendAsync("proto-ver", "b"u8.ToArray()));
        Assert.Equal(2, proxy.Connections);
    }
}
