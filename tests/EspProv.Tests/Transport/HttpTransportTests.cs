using System.Text;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Tests.Device.Support;
using EspProv.Tests.Support;
using EspProv.Transport;
using EspProv.Transport.Http;

namespace EspProv.Tests.Transport;

public sealed class HttpTransportTests
{
    private static HttpTransport Create(ScriptedServer server, TimeSpan? timeout = null) =>
        new(DeviceAddress.Parse(server.Endpoint), new HttpTransportOptions { RequestTimeout = timeout ?? TimeSpan.FromSeconds(5) });

    [Fact]
    public async Task Request_HasEspProvHeaders_AndExplicitLength_InASmallBlock()
    {
        await using var server = new ScriptedServer(async c =>
        {
            while (await c.ReadRequestAsync() is { } r)
            {
                await c.SendOkAsync(r.Body);
            }
        });
        await using var transport = Create(server);
        var reply = await transport.SendAsync("proto-ver", "V0.1"u8.ToArray());
        Assert.Equal("V0.1", Encoding.ASCII.GetString(reply));
        var lines = server.Requests.Single().Split("\r\n");
        Assert.Equal(
            [
                "POST /proto-ver HTTP/1.1",
                $"Host: 127.0.0.1:{server.Port}",
                "Accept-Encoding: identity",
                "Accept: text/plain",
                "Content-Type: application/x-www-form-urlencoded",
                "Content-Length: 4",
            ],
            lines);
        Assert.True(server.Requests.Single().Length < 512, "firmware's request-header limit is 512 bytes");
    }

    [Fact]
    public async Task Cookie_FromAnyResponse_IsSentBackVerbatim_OnOneConnection()
    {
        await using var server = new ScriptedServer(async c =>
        {
            var first = true;
            while (await c.ReadRequestAsync() is { } r)
            {
                await c.SendOkAsync(r.Body, first ? "Set-Cookie: session=2605316046\r\n" : string.Empty);
                first = false;
            }
        });
        await using var transport = Create(server);
        await transport.SendAsync("proto-ver", "a"u8.ToArray());
        await transport.SendAsync("prov-session", "b"u8.ToArray());
        await transport.SendAsync("prov-config", "c"u8.ToArray());
        Assert.Equal(1, server.Connections);
        Assert.DoesNotContain("Cookie:", server.Requests[0], StringComparison.Ordinal);
        Assert.Contains("Cookie: session=2605316046", server.Requests[1].Split("\r\n"));
        Assert.Contains("Cookie: session=2605316046", server.Requests[2].Split("\r\n"));
    }

    [Fact]
    public async Task Reset_ForgetsCookie_AndReconnects()
    {
        await using var server = new ScriptedServer(async c =>
        {
            while (await c.ReadRequestAsync() is { } r)
            {
                await c.SendOkAsync(r.Body, "Set-Cookie: session=7\r\n");
            }
        });
        await using var transport = Create(server);
        await transport.SendAsync("proto-ver", "a"u8.ToArray());
        await transport.ResetAsync();
        await transport.SendAsync("proto-ver", "a"u8.ToArray());
        Assert.Equal(2, server.Connections);
        Assert.DoesNotContain("Cookie:", server.Requests[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeviceClosingWithoutResponse_IsClosedWithoutResponse_NamingEndpoint()
    {
        await using var server = new ScriptedServer(async c =>
        {
            await c.ReadRequestAsync();
            c.Close();
        });
        await using var transport = Create(server);
        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => transport.SendAsync("prov-session", "x"u8.ToArray()));
        Assert.Equal(TransportFailure.ClosedWithoutResponse, ex.Failure);
        Assert.Equal("prov-session", ex.Endpoint);
        Assert.Contains("/prov-session", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeviceResettingWithoutResponse_IsClosedWithoutResponse()
    {
        await using var server = new ScriptedServer(async c =>
        {
            await c.ReadRequestAsync();
            c.Reset();
        });
        await using var transport = Create(server);
        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => transport.SendAsync("prov-session", "x"u8.ToArray()));
        Assert.Equal(TransportFailure.ClosedWithoutResponse, ex.Failure);
    }

    [Fact]
    public async Task ConnectionRefused_IsTyped()
    {
        int port;
        await using (var server = new ScriptedServer(_ => Task.CompletedTask))
        {
            port = server.Port;
        }

        await using var transport = new HttpTransport(new DeviceAddress("127.0.0.1", port, false));
        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => transport.SendAsync("proto-ver", "a"u8.ToArray()));
        Assert.Equal(TransportFailure.ConnectionRefused, ex.Failure);
    }

    [Fact]
    public async Task FirstConnectFailure_NamesTheEndpointTheLinkIsPreparedFor()
    {
        int port;
        await using (var server = new ScriptedServer(_ => Task.CompletedTask))
        {
            port = server.Port;
        }

        // A library user who opens the session without asking for the version first: the failure is prov-session's.
        await using var transport = new HttpTransport(new DeviceAddress("127.0.0.1", port, false));
        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => transport.PrepareAsync(Endpoints.Session).AsTask());
        Assert.Equal(TransportFailure.ConnectionRefused, ex.Failure);
        Assert.Equal(Endpoints.Session, ex.Endpoint);
        Assert.DoesNotContain(Endpoints.ProtoVer, ex.Message, StringComparison.Ordinal);

        await using var client = new ProvisioningClient(new HttpTransport(new DeviceAddress("127.0.0.1", port, false)));
        var failed = await Assert.ThrowsAnyAsync<ProvisioningException>(() => client.EstablishSessionAsync(new Security1("abcd1234")));
        Assert.Equal(ProvisioningStep.Session, failed.Step);
        Assert.DoesNotContain(Endpoints.ProtoVer, failed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(404, "Not Found", TransportFailure.EndpointNotFound)]
    [InlineData(500, "Internal Server Error", TransportFailure.Rejected)]
    public async Task NonOkStatus_IsANeutralFailure_WithTheCodeInTheHttpDetail(int code, string reason, TransportFailure expected)
    {
        await using var server = new ScriptedServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.SendAsync(HttpFraming.Response(code, reason, "Not found"));
        });
        await using var transport = Create(server);
        var ex = await Assert.ThrowsAsync<HttpTransportException>(() => transport.SendAsync("prov-scan", "x"u8.ToArray()));
        Assert.Equal(expected, ex.Failure);
        Assert.Equal(code, ex.StatusCode);
    }

    [Fact]
    public async Task OversizedResponse_IsRejected()
    {
        await using var server = new ScriptedServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.SendOkAsync(new byte[70_000]);
        });
        await using var transport = Create(server);
        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => transport.SendAsync("proto-ver", "x"u8.ToArray()));
        Assert.Equal(TransportFailure.ResponseTooLarge, ex.Failure);
    }

    [Fact]
    public async Task Stall_TimesOut_OnTheTransportsClock()
    {
        var time = new TestClock();
        await using var server = new ScriptedServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.ReadRequestAsync(); // no answer; returns when the client gives up and closes
        });
        await using var transport = new HttpTransport(DeviceAddress.Parse(server.Endpoint),
            new HttpTransportOptions { RequestTimeout = TimeSpan.FromSeconds(30), TimeProvider = time });
        var send = transport.SendAsync("prov-config", "x"u8.ToArray());
        await Eventually.UntilAsync(server.Changes, () => server.Requests.Count == 1, "the request reaches the server");
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(send.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => send.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(TransportFailure.Timeout, ex.Failure);
        Assert.Equal("/prov-config: no response within 30 s", ex.Message);
    }

    [Fact]
    public async Task DisposeDuringARequest_IsLinkLost_NotObjectDisposedOrCancelled()
    {
        await using var server = new ScriptedServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.ReadRequestAsync();
        });
        var transport = Create(server);
        var send = transport.SendAsync("prov-config", "x"u8.ToArray());
        await Eventually.UntilAsync(server.Changes, () => server.Requests.Count == 1, "the request reaches the server");
        await transport.DisposeAsync();
        var ex = await Assert.ThrowsAsync<HttpTransportException>(() => send.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(TransportFailure.LinkLost, ex.Failure);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => transport.SendAsync("proto-ver", "x"u8.ToArray()));
    }

    [Fact]
    public async Task ConnectFailure_NamesTheEndpointBeingSent_NotProtoVer()
    {
        var server = new ScriptedServer(async c =>
        {
            if (await c.ReadRequestAsync() is { } r)
            {
                await c.SendOkAsync(r.Body);
            }

            c.Close();
        });
        await using var transport = Create(server);
        Assert.Equal(new TransportLink(1, false), await transport.PrepareAsync(Endpoints.ProtoVer));
        await transport.SendAsync("proto-ver", "a"u8.ToArray());
        await Eventually.UntilAsync(server.Changes, () => server.ClosedByScript == 1, "the server closes the idle connection");
        await server.DisposeAsync(); // nothing listens any more
        await Eventually.PolledAsync(async () => (await transport.PrepareAsync(Endpoints.ProtoVer)).Generation != 1, "the transport sees the server close the link");

        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => transport.SendAsync("prov-config", "x"u8.ToArray()));
        Assert.Equal(TransportFailure.ConnectionRefused, ex.Failure);
        Assert.Equal("prov-config", ex.Endpoint);
    }

    [Fact]
    public async Task TruncatedBody_IsConnectionLost()
    {
        await using var server = new ScriptedServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
            c.Close();
        });
        await using var transport = Create(server);
        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => transport.SendAsync("prov-config", "x"u8.ToArray()));
        Assert.Equal(TransportFailure.LinkLost, ex.Failure);
    }

    [Fact]
    public async Task GarbageStatusLine_IsMalformed()
    {
        await using var server = new ScriptedServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.SendAsync("SSH-2.0-OpenSSH\r\n\r\n");
        });
        await using var transport = Create(server);
        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => transport.SendAsync("proto-ver", "x"u8.ToArray()));
        Assert.Equal(TransportFailure.MalformedReply, ex.Failure);
    }

    [Fact]
    public async Task ByteAtATimeResponse_IsAssembled()
    {
        await using var server = new ScriptedServer(async c =>
        {
            await c.ReadRequestAsync();
            foreach (var b in Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nV0.1"))
            {
                await c.SendAsync([b]); // one write per byte, Nagle off: the client reads the reply in as many pieces as have arrived
            }
        });
        await using var transport = Create(server);
        Assert.Equal("V0.1"u8.ToArray(), await transport.SendAsync("proto-ver", "x"u8.ToArray()));
    }

    [Fact]
    public async Task ChunkedResponse_IsDecoded()
    {
        await using var server = new ScriptedServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.SendAsync("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nV0\r\n2\r\n.1\r\n0\r\n\r\n");
        });
        await using var transport = Create(server);
        Assert.Equal("V0.1"u8.ToArray(), await transport.SendAsync("proto-ver", "x"u8.ToArray()));
    }

    [Fact]
    public async Task IdleConnectionClosedByDevice_IsReplacedBeforeSending()
    {
        await using var server = new ScriptedServer(async c =>
        {
            if (await c.ReadRequestAsync() is { } r)
            {
                await c.SendOkAsync(r.Body);
            }

            c.Close(); // LRU purge / idle close after one exchange
        });
        await using var transport = Create(server);
        await transport.SendAsync("proto-ver", "a"u8.ToArray());
        await Eventually.UntilAsync(server.Changes, () => server.ClosedByScript == 1, "the server closes the idle connection");
        Assert.Equal("b"u8.ToArray(), await transport.SendAsync("proto-ver", "b"u8.ToArray()));
        Assert.Equal(2, server.Connections);
    }

    [Theory]
    [InlineData("192.168.4.1:80", "192.168.4.1", 80, false)]
    [InlineData("192.168.4.1", "192.168.4.1", 80, false)]
    [InlineData("http://esp.local:8080/", "esp.local", 8080, false)]
    [InlineData("https://10.0.0.1", "10.0.0.1", 443, true)]
    [InlineData("[::1]:8080", "::1", 8080, false)]
    public void DeviceAddress_Parses(string text, string host, int port, bool tls)
    {
        var a = DeviceAddress.Parse(text);
        Assert.Equal((host, port, tls), (a.Host, a.Port, a.UseTls));
    }

    [Theory]
    [InlineData("")]
    [InlineData("nonsense:abc")]
    [InlineData("host:0")]
    [InlineData("host:70000")]
    [InlineData("a b:80")]
    public void DeviceAddress_RejectsNonsense(string text) =>
        Assert.Throws<FormatException>(() => DeviceAddress.Parse(text));
}

public sealed class HttpTransportDeadlineTests
{
    [Fact]
    public async Task OverallTimeout_CutsRequestsShort_OnTheTransportsClock()
    {
        var time = new TestClock();
        var answered = 0;
        await using var server = new ScriptedServer(async c =>
        {
            while (await c.ReadRequestAsync() is { } r)
            {
                if (Interlocked.Increment(ref answered) < 3)
                {
                    await c.SendOkAsync(r.Body);
                }
            }
        });
        await using var transport = new HttpTransport(DeviceAddress.Parse(server.Endpoint),
            new HttpTransportOptions { RequestTimeout = TimeSpan.FromSeconds(30), OverallTimeout = TimeSpan.FromSeconds(4), TimeProvider = time });
        await transport.SendAsync("proto-ver", "a"u8.ToArray());
        time.Advance(TimeSpan.FromSeconds(3));
        await transport.SendAsync("proto-ver", "b"u8.ToArray());

        // The third request may wait only the second left of the 4 s budget, not its 30 s.
        var send = transport.SendAsync("proto-ver", "c"u8.ToArray());
        await Eventually.UntilAsync(server.Changes, () => server.Requests.Count == 3, "the third request reaches the server");
        time.Advance(TimeSpan.FromSeconds(1));
        var ex = await Assert.ThrowsAnyAsync<TransportException>(() => send.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(TransportFailure.Timeout, ex.Failure);
        Assert.Contains("overall deadline reached", ex.Message, StringComparison.Ordinal);

        var late = await Assert.ThrowsAnyAsync<TransportException>(() => transport.SendAsync("proto-ver", "d"u8.ToArray()));
        Assert.Contains("overall deadline of 4 s has passed", late.Message, StringComparison.Ordinal);
    }
}
