using System.Text;
using System.Text.Json;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Exceptions;
using EspProv.Protocol;
using EspProv.Security;
using EspProv.Tests.Device.Support;
using EspProv.Tests.Logging;
using EspProv.Tests.Support;
using EspProv.Transport;
using EspProv.Transport.Http;
using static EspProv.Tests.Device.Support.DeviceTestKit;

namespace EspProv.Tests.Device;

/// <summary>The device over real sockets: headers, cookies, connection handling, protocol failures.</summary>
public sealed class DeviceHttpTests
{
    private static readonly byte[] Sec0Request = [0x52, 0x03, 0xa2, 0x01, 0x00];

    [Fact]
    public async Task FullFlow_Sec1WithPop_ReachesConnectedAndLogsNoSecrets()
    {
        var log = new LogSink();
        await using var device = await TestDevice.Http().With(o => o.LoggerFactory, new CapturingLoggerFactory(log.Writer)).StartAsync();
        await using var transport = OpenTransport(device);

        var session = await SendCredentialsAsync(transport, new Security1(Pop), "myssid", "mypassword");
        var status = await ConfigAsync(transport, session, GetStatus());

        Assert.Equal(WifiStationState.Connected, status.RespGetStatus.StaState);
        Assert.Equal("192.168.1.42", status.RespGetStatus.Connected.Ip4Addr);
        Assert.Equal(ProvisioningState.Succeeded, device.ProvisioningState);
        Assert.Equal("mypassword", device.AppliedCredentials!.Passphrase);
        Assert.Equal(1, device.SessionsCreated);
        Assert.All(device.Requests, r => Assert.Equal(200, r.Code));
        Assert.Contains(log.Lines, l => l.StartsWith("POST /prov-session 41 B -> 200 61 B", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l == "Wi-Fi: connecting to 'myssid'");
        Assert.Contains(log.Lines, l => l == "Wi-Fi: connected, IP 192.168.1.42");
        Assert.DoesNotContain(log.Lines, l => l.Contains("mypassword", StringComparison.Ordinal) || l.Contains(Pop, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SuccessResponse_HasFirmwareHeadersAndCookieOnlyOnSessionCreation()
    {
        await using var device = await TestDevice.Http().StartAsync();
        await using var raw = await RawHttpConnection.OpenAsync(device.EndPoint.Port);
        var transcript = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "transcripts", "idf_sec1.json")));
        var expected = transcript.RootElement.GetProperty("connections")[0].GetProperty("exchanges")[0].GetProperty("response");

        await raw.SendAsync(RawHttpConnection.Post("/proto-ver", "no_pop"u8.ToArray()));
        var first = await raw.ReadResponseAsync();

        Assert.NotNull(first);
        Assert.Equal("HTTP/1.1 200 OK", first.StartLine);
        Assert.Equal(expected.GetProperty("headers").EnumerateArray().Select(h => h[0].GetString()), first.Headers.Select(h => h.Name));
        Assert.Equal("text/html", first.Header("Content-Type"));
        Assert.Equal("95", first.Header("Content-Length"));
        Assert.Equal(Convert.FromHexString(expected.GetProperty("body_hex").GetString()!), first.Body);
        var cookie = first.Header("Set-Cookie")!;
        Assert.Matches("^session=[0-9]+$", cookie);

        await raw.SendAsync(RawHttpConnection.Post("/proto-ver", "---"u8.ToArray(), cookie));
        var second = await raw.ReadResponseAsync();
        Assert.NotNull(second);
        Assert.Null(second.Header("Set-Cookie"));
        Assert.Equal(["Content-Type", "Content-Length"], second.Headers.Select(h => h.Name));
        Assert.Equal(1, device.SessionsCreated);
    }

    [Fact]
    public async Task Cookie_KeepsTheSessionAcrossAReconnect()
    {
        var log = new LogSink();
        await using var device = await TestDevice.Http().With(o => o.LoggerFactory, new CapturingLoggerFactory(log.Writer)).StartAsync();
        await using var transport = OpenTransport(device);
        await transport.SendAsync(Endpoints.ProtoVer, "---"u8.ToArray());
        var session = await HandshakeAsync(transport, new Security1(Pop));

        // Another connection makes the device purge the transport's connection (max_open_sockets = 1).
        await using (var intruder = await RawHttpConnection.OpenAsync(device.EndPoint.Port))
        {
            await Eventually.UntilAsync(log.Changes, () => log.Lines.Any(l => l.Contains("LRU purge", StringComparison.Ordinal)), "the purge is logged");
        }

        var status = await ConfigAsync(transport, session, GetStatus());

        Assert.Equal(WifiStationState.Connecting, status.RespGetStatus.StaState);
        Assert.Equal(1, device.SessionsCreated);
        Assert.True(device.Requests.Select(r => r.Link).Distinct().Count() >= 2, "the last request came on a new connection");
    }

    [Fact]
    public async Task WrongCookie_StartsANewSessionWithSetCookie()
    {
        await using var device = await TestDevice.Http().StartAsync();
        await using var raw = await RawHttpConnection.OpenAsync(device.EndPoint.Port);

        await raw.SendAsync(RawHttpConnection.Post("/proto-ver", "---"u8.ToArray()));
        var first = (await raw.ReadResponseAsync())!;
        await raw.SendAsync(RawHttpConnection.Post("/proto-ver", "---"u8.ToArray(), "session=1"));
        var second = (await raw.ReadResponseAsync())!;

        Assert.NotNull(second.Header("Set-Cookie"));
        Assert.NotEqual(first.Header("Set-Cookie"), second.Header("Set-Cookie"));
        Assert.Equal(2, device.SessionsCreated);
    }

    [Fact]
    public async Task NoCookie_SameConnectionKeepsTheSession()
    {
        await using var device = await TestDevice.Http().StartAsync();
        await using var transport = OpenTransport(device, cookies: false);

        var session = await HandshakeAsync(transport, new Security1(Pop));
        var status = await ConfigAsync(transport, session, GetStatus());

        Assert.Equal(WifiStationState.Connecting, status.RespGetStatus.StaState);
        Assert.Equal(1, device.SessionsCreated);
    }

    [Fact]
    public async Task Esp8266_SessionIsKeyedByConnectionAndNeverSetsCookies()
    {
        var log = new LogSink();
        await using var device = await TestDevice.Http().Flavor(DeviceFlavor.Esp8266).With(o => o.LoggerFactory, new CapturingLoggerFactory(log.Writer)).StartAsync();
        await using var raw = await RawHttpConnection.OpenAsync(device.EndPoint.Port);
        await raw.SendAsync(RawHttpConnection.Post("/proto-ver", "V0.1"u8.ToArray()));
        var version = (await raw.ReadResponseAsync())!;
        Assert.Equal("V0.1", Encoding.ASCII.GetString(version.Body));
        Assert.Null(version.Header("Set-Cookie"));

        await using var transport = OpenTransport(device);
        var session = await HandshakeAsync(transport, new Security1(Pop));
        Assert.Equal(2, device.SessionsCreated);
        await ConfigAsync(transport, session, GetStatus());

        // A new connection is a new session: the established one is gone, so encrypted traffic fails.
        await using (var intruder = await RawHttpConnection.OpenAsync(device.EndPoint.Port))
        {
            await Eventually.UntilAsync(log.Changes, () => log.Lines.Count(l => l.Contains("LRU purge", StringComparison.Ordinal)) == 2, "both purges are logged");
        }

        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => ConfigAsync(transport, session, GetStatus()));
        Assert.Equal(TransportFailure.ClosedWithoutResponse, ex.Failure);
        Assert.Equal(3, device.SessionsCreated);
    }

    [Fact]
    public async Task WrongPop_DeviceClosesWithoutResponseAtCommand1()
    {
        await using var device = await TestDevice.Http().StartAsync();
        await using var transport = OpenTransport(device);
        var session = new Security1("wrong-pop").CreateSession();
        var cmd1 = session.HandleResponse(await transport.SendAsync(Endpoints.Session, session.CreateFirstRequest()));

        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => transport.SendAsync(Endpoints.Session, cmd1!));

        Assert.Equal(TransportFailure.ClosedWithoutResponse, ex.Failure);
        Assert.True(device.Requests[^1].Closed);
    }

    public static TheoryData<string, string> ProtocolFailures => new()
    {
        { "/prov-config", "5200" },      // encrypted endpoint before the handshake
        { "/prov-session", "ffff" },     // not a protobuf
        { "/prov-session", "5203a20100" }, // security 0 request to a security 1 device
        { "/proto-ver?x=1", "2d2d2d" },  // query strings reach no endpoint
    };

    [Theory]
    [MemberData(nameof(ProtocolFailures))]
    public async Task ProtocolFailure_ClosesWithoutResponse(string target, string bodyHex)
    {
        await using var device = await TestDevice.Http().StartAsync();
        await using var raw = await RawHttpConnection.OpenAsync(device.EndPoint.Port);

        await raw.SendAsync(RawHttpConnection.Post(target, Convert.FromHexString(bodyHex)));

        Assert.Null(await raw.ReadResponseAsync());
        Assert.Equal("POST " + target, device.Requests.Single().Detail);
        Assert.True(device.Requests.Single().Closed);
    }

    [Theory]
    [InlineData("POST /nope HTTP/1.1\r\nContent-Length: 1\r\n\r\nx", 404, "This URI does not exist")]
    [InlineData("POST /Proto-Ver HTTP/1.1\r\nContent-Length: 1\r\n\r\nx", 404, "This URI does not exist")]
    [InlineData("GET /proto-ver HTTP/1.1\r\n\r\n", 405, "Request method for this URI is not handled by server")]
    public async Task ServerErrors_Idf_AnswerTextHtmlThenClose(string request, int status, string message)
    {
        await using var device = await TestDevice.Http().StartAsync();
        await using var raw = await RawHttpConnection.OpenAsync(device.EndPoint.Port);

        await raw.SendAsync(request);
        var response = (await raw.ReadResponseAsync())!;

        Assert.Equal(status, response.Status);
        Assert.Equal("text/html", response.Header("Content-Type"));
        Assert.Equal(message, Encoding.ASCII.GetString(response.Body));
        Assert.True(await raw.IsClosedByDeviceAsync());
    }

    [Fact]
    public async Task ServerErrors_Esp8266_KeepTheConnectionFor404()
    {
        await using var device = await TestDevice.Http().Flavor(DeviceFlavor.Esp8266).StartAsync();
        await using var raw = await RawHttpConnection.OpenAsync(device.EndPoint.Port);

        await raw.SendAsync(RawHttpConnection.Post("/nope", "abc"u8.ToArray()));
        Assert.Equal(404, (await raw.ReadResponseAsync())!.Status);
        await raw.SendAsync(RawHttpConnection.Post("/proto-ver", "V0.1"u8.ToArray()));

        Assert.Equal(200, (await raw.ReadResponseAsync())!.Status);
    }

    [Theory]
    [InlineData("POST /proto-ver HTTP/1.1\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("POST /proto-ver HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("POST /proto-ver HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")]
    [InlineData("POST /proto-ver HTTP/1.1\r\nContent-Length: 4097\r\n\r\n")]
    public async Task BodyWithoutValidLength_ClosesWithoutResponse(string request)
    {
        await using var device = await TestDevice.Http().StartAsync();
        await using var raw = await RawHttpConnection.OpenAsync(device.EndPoint.Port);

        await raw.SendAsync(request);

        Assert.Null(await raw.ReadResponseAsync());
        Assert.Equal(1, device.SessionsCreated); // the session is created before the body is checked
    }

    [Fact]
    public async Task BodyOf4096Bytes_IsAccepted()
    {
        await using var device = await TestDevice.Http().StartAsync();
        await using var raw = await RawHttpConnection.OpenAsync(device.EndPoint.Port);

        await raw.SendAsync(RawHttpConnection.Post("/proto-ver", new byte[4096]));

        Assert.Equal(200, (await raw.ReadResponseAsync())!.Status);
    }

    [Fact]
    public async Task UriOver512Bytes_Gets414AndClose()
    {
        await using var device = await TestDevice.Http().StartAsync();
        await using var raw = await RawHttpConnection.OpenAsync(device.EndPoint.Port);

        await raw.SendAsync(RawHttpConnection.Post("/" + new string('a', 600), "x"u8.ToArray()));

        Assert.Equal(414, (await raw.ReadResponseAsync())!.Status);
        Assert.True(await raw.IsClosedByDeviceAsync());
    }

    [Fact]
    public async Task HeaderBlockOver1024Bytes_Gets431AndClose()
    {
        await using var device = await TestDevice.Http().StartAsync();
        await using var raw = await RawHttpConnection.OpenAsync(device.EndPoint.Port);

        await raw.SendAsync(RawHttpConnection.Post("/proto-ver", "x"u8.ToArray(), extraHeaders: $"X-Pad: {new string('p', 1100)}\r\n"));

        Assert.Equal(431, (await raw.ReadResponseAsync())!.Status);
        Assert.True(await raw.IsClosedByDeviceAsync());
    }

    [Fact]
    public async Task SlowHead_Gets408_AndSlowBody_ClosesWithoutResponse()
    {
        await using var device = await TestDevice.Http().Http(h => h with { ReceiveTimeout = TimeSpan.FromMilliseconds(200) }).StartAsync();
        await using (var raw = await RawHttpConnection.OpenAsync(device.EndPoint.Port))
        {
            await raw.SendAsync("POST /proto-ver HTTP/1.1\r\nContent-Len");
            Assert.Equal(408, (await raw.ReadResponseAsync())!.Status);
        }

        await using var slowBody = await RawHttpConnection.OpenAsync(device.EndPoint.Port);
        await slowBody.SendAsync("POST /proto-ver HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
        Assert.Null(await slowBody.ReadResponseAsync());
    }

    [Fact]
    public async Task SecondConnection_ClosesTheFirst()
    {
        await using var device = await TestDevice.Http().StartAsync();
        await using var first = await RawHttpConnection.OpenAsync(device.EndPoint.Port);
        await first.SendAsync(RawHttpConnection.Post("/proto-ver", "---"u8.ToArray()));
        Assert.NotNull(await first.ReadResponseAsync());

        await using var second = await RawHttpConnection.OpenAsync(device.EndPoint.Port);
        await second.SendAsync(RawHttpConnection.Post("/proto-ver", "---"u8.ToArray()));

        Assert.NotNull(await second.ReadResponseAsync());
        Assert.True(await first.IsClosedByDeviceAsync());
        Assert.Equal(1, device.OpenConnections);
    }

    [Fact]
    public async Task Faults_CloseStatusAndDelay_ApplyOnceToTheirEndpoint()
    {
        var clock = new TestClock();
        await using var device = await TestDevice.Http().With(o => o.TimeProvider, clock).StartAsync();
        await using var transport = OpenTransport(device);

        device.Faults.RespondHttpStatusOnNext(Endpoints.ProtoVer, 500);
        var http = await Assert.ThrowsAsync<HttpTransportException>(() => transport.SendAsync(Endpoints.ProtoVer, "---"u8.ToArray()));
        Assert.Equal(500, http.StatusCode);

        device.Faults.CloseConnectionOnNext(Endpoints.ProtoVer);
        var closed = await Assert.ThrowsAnyAsync<TransportException>(() => transport.SendAsync(Endpoints.ProtoVer, "---"u8.ToArray()));
        Assert.Equal(TransportFailure.ClosedWithoutResponse, closed.Failure);

        device.Faults.DelayNext(Endpoints.ProtoVer, TimeSpan.FromMilliseconds(300));
        var delayed = transport.SendAsync(Endpoints.ProtoVer, "---"u8.ToArray());
        await clock.TimerDueWithinAsync(TimeSpan.FromMilliseconds(300), "the delay", orElse: () => delayed.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(299));
        Assert.False(delayed.IsCompleted); // held for the delay, which only the device's clock ends
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await delayed;
        Assert.Equal(0, device.Faults.Pending);
        Assert.Equal([500, null, 200], device.Requests.Select(r => r.Code));
    }

    [Fact]
    public async Task CloseAfterProcessing_AppliesTheCommandButLosesTheAnswer()
    {
        await using var device = await TestDevice.Http().Security(DeviceSecurity0.Instance).StartAsync();
        await using var transport = OpenTransport(device);
        var session = await HandshakeAsync(transport, Security0.Instance);
        await ConfigAsync(transport, session, SetConfig("myssid", "mypassword"));

        device.Faults.CloseConnectionOnNext(Endpoints.Config, afterProcessing: true);
        await Assert.ThrowsAnyAsync<TransportException>(() => ConfigAsync(transport, session, Apply()));

        Assert.Equal("myssid", device.AppliedCredentials!.Ssid);
    }

    [Fact]
    public async Task Fleet_StartsIndependentDevicesOnTheirOwnPorts()
    {
        await using var fleet = await SimulatedFleet.StartAsync(TestDevice.Http().Security(DeviceSecurity0.Instance).Build(), 3, new HttpDeviceOptions { Port = 0 });
        Assert.Equal(3, fleet.Devices.Select(d => d.EndPoint.Port).Distinct().Count());

        await using var transport = OpenTransport(fleet.Devices[1]);
        await SendCredentialsAsync(transport, Security0.Instance, "myssid", "mypassword");

        Assert.Null(fleet.Devices[0].AppliedCredentials);
        Assert.NotNull(fleet.Devices[1].AppliedCredentials);
        Assert.Null(fleet.Devices[2].AppliedCredentials);
    }
}
