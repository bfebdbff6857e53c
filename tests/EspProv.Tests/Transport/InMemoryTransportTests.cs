using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Exceptions;
using EspProv.Tests.Device.Support;
using EspProv.Tests.Support;
using EspProv.Transport;
using EspProv.Transport.InMemory;

namespace EspProv.Tests.Transport;

/// <summary>The in-memory transport against the simulated device's in-memory front-end: link lifetimes, faults, timeouts.</summary>
public sealed class InMemoryTransportTests
{
    private static SimulatedDevice Create(TimeProvider? time = null) =>
        TestDevice.InMemory().Security(DeviceSecurity0.Instance).With(o => o.TimeProvider, time).Create();

    [Fact]
    public async Task ProtoVer_IsAnswered_OnLinkOne_AndSessionsDoNotSurviveANewLink()
    {
        await using var device = Create();
        await using var transport = device.CreateInMemoryTransport();

        var link = await transport.PrepareAsync(Endpoints.ProtoVer);
        var answer = await transport.SendAsync(Endpoints.ProtoVer, "---"u8.ToArray());

        Assert.Equal(new TransportLink(1, SessionSurvivesNewLink: false), link);
        Assert.Contains("\"prov\"", System.Text.Encoding.ASCII.GetString(answer), StringComparison.Ordinal);
        Assert.Equal(DeviceRequestOutcome.Answered, Assert.Single(device.Requests).Outcome);
    }

    [Fact]
    public async Task LinkDroppedByTheDevice_IsReplacedBeforeTheNextRequest()
    {
        await using var device = Create();
        await using var transport = device.CreateInMemoryTransport();
        await transport.SendAsync(Endpoints.ProtoVer, "---"u8.ToArray());

        Assert.Equal(1, device.DropConnections());

        Assert.Equal(2, (await transport.PrepareAsync(Endpoints.ProtoVer)).Generation);
        await transport.SendAsync(Endpoints.ProtoVer, "---"u8.ToArray());
        Assert.DoesNotContain(device.Requests, r => r.Closed);
    }

    [Fact]
    public async Task ProtocolError_EndsTheExchangeWithoutResponse_AndClosesTheLink()
    {
        await using var device = TestDevice.InMemory().Security(new DeviceSecurity1("abcd1234")).Create();
        await using var transport = device.CreateInMemoryTransport();

        // An encrypted endpoint before the security 1 handshake: protocomm refuses it.
        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => transport.SendAsync(Endpoints.Config, new byte[] { 0x08, 0x00 }));

        Assert.Equal(TransportFailure.ClosedWithoutResponse, ex.Failure);
        Assert.Equal(0, device.OpenLinks);
        Assert.Equal(2, (await transport.PrepareAsync(Endpoints.ProtoVer)).Generation);
    }

    [Fact]
    public async Task Faults_BecomeNeutralFailures_AndApplyOnce()
    {
        await using var device = Create();
        await using var transport = device.CreateInMemoryTransport();

        device.Faults.CloseConnectionOnNext(Endpoints.ProtoVer);
        Assert.Equal(TransportFailure.ClosedWithoutResponse,
            (await Assert.ThrowsAnyAsync<TransportException>(() => transport.SendAsync(Endpoints.ProtoVer, "---"u8.ToArray()))).Failure);
        device.Faults.RespondHttpStatusOnNext(Endpoints.ProtoVer, 500);
        Assert.Equal(TransportFailure.Rejected,
            (await Assert.ThrowsAnyAsync<TransportException>(() => transport.SendAsync(Endpoints.ProtoVer, "---"u8.ToArray()))).Failure);

        await transport.SendAsync(Endpoints.ProtoVer, "---"u8.ToArray());
        Assert.Equal(0, device.Faults.Pending);
    }

    [Fact]
    public async Task UnknownEndpoint_IsEndpointNotFound()
    {
        await using var device = Create();
        await using var transport = device.CreateInMemoryTransport();

        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => transport.SendAsync("no-such-endpoint", "x"u8.ToArray()));

        Assert.Equal(TransportFailure.EndpointNotFound, ex.Failure);
    }

    [Fact]
    public async Task StoppedDevice_RefusesNewLinks()
    {
        await using var device = Create();
        await using var transport = device.CreateInMemoryTransport();
        await device.StopAsync();

        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => transport.SendAsync(Endpoints.ProtoVer, "---"u8.ToArray()));

        Assert.Equal(TransportFailure.ConnectionRefused, ex.Failure);
    }

    [Fact]
    public async Task StalledDevice_TimesOut_OnTheTransportsClock()
    {
        var time = new TestClock();
        await using var device = Create(time);
        await using var transport = device.CreateInMemoryTransport(new InMemoryTransportOptions { RequestTimeout = TimeSpan.FromSeconds(2), TimeProvider = time });
        device.Faults.DelayNext(Endpoints.ProtoVer, TimeSpan.FromMinutes(1));

        var request = transport.SendAsync(Endpoints.ProtoVer, "---"u8.ToArray());
        Assert.False(request.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));

        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => request.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(TransportFailure.Timeout, ex.Failure);
    }

    [Fact]
    public async Task DisposingDuringARequest_EndsItWithATransportException()
    {
        var time = new TestClock();
        await using var device = Create(time);
        var transport = device.CreateInMemoryTransport(new InMemoryTransportOptions { TimeProvider = time });
        device.Faults.DelayNext(Endpoints.ProtoVer, TimeSpan.FromMinutes(1));

        var request = transport.SendAsync(Endpoints.ProtoVer, "---"u8.ToArray());
        await transport.DisposeAsync();

        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => request.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(TransportFailure.LinkLost, ex.Failure);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => transport.SendAsync(Endpoints.ProtoVer, "---"u8.ToArray()));
    }

    [Fact]
    public async Task OversizedResponse_IsResponseTooLarge()
    {
        await using var device = Create();
        await using var transport = device.CreateInMemoryTransport(new InMemoryTransportOptions { MaxResponseBytes = 8 });

        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => transport.SendAsync(Endpoints.ProtoVer, "---"u8.ToArray()));

        Assert.Equal(TransportFailure.ResponseTooLarge, ex.Failure);
        Assert.Equal(8, transport.MaxResponseBytes);
    }
}
