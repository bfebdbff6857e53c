using System.Net;
using System.Net.Sockets;
using System.Text;
using EspProv.Tests.Support;

namespace EspProv.Tests.Transport;

/// <summary>
/// Measurements of .NET 10's own HTTP client (<see cref="SocketsHttpHandler"/>) configured as <c>HttpTransport</c>
/// uses it, against a raw scripted server: the behaviour docs/design.md relies on ("Why the platform's HTTP client").
/// Each test pins one observed fact, so a runtime that changes it fails here first.
/// </summary>
public sealed class PlatformHttpClientExperiments
{
    private sealed class Client : IDisposable
    {
        private int _links;

        public Client()
        {
            Handler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = 1,
                UseCookies = false,
                AllowAutoRedirect = false,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                MaxResponseHeadersLength = 16,
                ConnectCallback = async (context, ct) =>
                {
                    Interlocked.Increment(ref _links);
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            };
            Http = new HttpClient(Handler) { Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = 64 * 1024 };
        }

        public SocketsHttpHandler Handler { get; }

        public HttpClient Http { get; }

        public int Links => Volatile.Read(ref _links);

        public Task<HttpResponseMessage> PostAsync(ScriptedServer server, string endpoint, byte[] body,
            HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead) =>
            Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"http://{server.Endpoint}/{endpoint}")
            {
                Version = HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = new ByteArrayContent(body),
            }, completion);

        public Task<HttpResponseMessage> GetAsync(ScriptedServer server, string path) =>
            Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"http://{server.Endpoint}/{path}") { Version = HttpVersion.Version11 });

        public void Dispose() => Http.Dispose();
    }

    private static int Count(ScriptedServer server)
    {
        lock (server.Requests)
        {
            return server.Requests.Count;
        }
    }

    /// <summary>Answers the first request on each connection, then treats the second by <paramref name="second"/>.</summary>
    private static ScriptedServer AnswerOnceThen(Action<ScriptedServer.Connection> second) => new(async c =>
    {
        if (await c.ReadRequestAsync() is not { } r)
        {
            return;
        }

        await c.SendOkAsync(r.Body);
        if (await c.ReadRequestAsync() is not null)
        {
            second(c);
        }
    });

    [Fact]
    public async Task A_PostWithBody_OnAReusedConnectionClosedWithoutResponse_IsNotResent()
    {
        await using var server = AnswerOnceThen(c => c.Close());
        using var client = new Client();
        (await client.PostAsync(server, "proto-ver", "a"u8.ToArray())).Dispose();
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(server, "prov-session", "b"u8.ToArray()));
        Assert.Equal(HttpRequestError.ResponseEnded, ex.HttpRequestError);
        Assert.Equal(2, Count(server)); // the second POST reached the server once and was not sent again
        Assert.Equal(1, client.Links);
    }

    [Fact]
    public async Task A_PostWithBody_OnAReusedConnectionResetWithoutResponse_IsNotResent()
    {
        await using var server = AnswerOnceThen(c => c.Reset());
        using var client = new Client();
        (await client.PostAsync(server, "proto-ver", "a"u8.ToArray())).Dispose();
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(server, "prov-session", "b"u8.ToArray()));
        Assert.Equal(2, Count(server));
        Assert.Equal(1, client.Links);
        Assert.Equal(HttpRequestError.ResponseEnded, ex.HttpRequestError);
    }

    /// <summary>The control: the same failure on a request without a body IS resent, so the experiment above can see a resend.</summary>
    [Fact]
    public async Task A_Control_GetWithoutBody_OnAReusedConnectionClosedWithoutResponse_IsResent()
    {
        await using var server = AnswerOnceThen(c => c.Close());
        using var client = new Client();
        (await client.PostAsync(server, "proto-ver", "a"u8.ToArray())).Dispose();
        using var answer = await client.GetAsync(server, "x");
        Assert.Equal(3, Count(server)); // the GET went out twice: once on the dead connection, once on a new one
        Assert.Equal(2, client.Links);
    }

    [Fact]
    public async Task B_IdleCloseByTheServer_IsDetectedBeforeSending_TheRequestGoesOutOnceOnANewConnection()
    {
        // One exchange per connection, then an orderly close (LRU purge / idle timeout), twenty times over.
        await using var server = new ScriptedServer(async c =>
        {
            if (await c.ReadRequestAsync() is { } r)
            {
                await c.SendOkAsync(r.Body);
            }

            c.Close();
        });
        using var client = new Client();
        for (var i = 1; i <= 20; i++)
        {
            using var response = await client.PostAsync(server, "prov-config", [(byte)i]);
            Assert.Equal([(byte)i], await response.Content.ReadAsByteArrayAsync());
            await Eventually.UntilAsync(server.Changes, () => server.ClosedByScript == i, "the server closes the idle connection");
        }

        Assert.Equal(20, Count(server));
        Assert.Equal(20, client.Links);
    }

    [Theory]
    [InlineData("", HttpRequestError.ResponseEnded)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Le", HttpRequestError.ResponseEnded)]
    public async Task C_CloseBeforeTheHeadersEnd_IsResponseEnded_WhetherOrNotBytesCame(string sent, HttpRequestError expected)
    {
        await using var server = new ScriptedServer(async c =>
        {
            await c.ReadRequestAsync();
            if (sent.Length > 0)
            {
                await c.SendAsync(sent);
            }

            c.Close();
        });
        using var client = new Client();
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(server, "prov-session", "x"u8.ToArray()));
        Assert.Equal(expected, ex.HttpRequestError); // the same error either way: counting bytes read tells them apart
    }

    [Fact]
    public async Task C_TruncatedBody_IsAnHttpIOException_ResponseEnded_WhileReadingTheContent()
    {
        await using var server = new ScriptedServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
            c.Close();
        });
        using var client = new Client();
        using var response = await client.PostAsync(server, "prov-config", "x"u8.ToArray(), HttpCompletionOption.ResponseHeadersRead);
        var content = await response.Content.ReadAsStreamAsync();
        var ex = await Assert.ThrowsAsync<HttpIOException>(async () =>
        {
            while (await content.ReadAsync(new byte[10]) > 0)
            {
            }
        });
        Assert.Equal(HttpRequestError.ResponseEnded, ex.HttpRequestError);
    }

    [Fact]
    public async Task C_OversizedHeaders_AndGarbage_AreTyped()
    {
        await using var server = new ScriptedServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.SendAsync($"HTTP/1.1 200 OK\r\nX-Pad: {new string('a', 20_000)}\r\nContent-Length: 0\r\n\r\n");
            await c.ReadRequestAsync();
        });
        using var client = new Client();
        var big = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(server, "proto-ver", "x"u8.ToArray()));
        Assert.Equal(HttpRequestError.ConfigurationLimitExceeded, big.HttpRequestError);

        await using var garbage = new ScriptedServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.SendAsync("SSH-2.0-OpenSSH\r\n\r\n");
        });
        var bad = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(garbage, "proto-ver", "x"u8.ToArray()));
        Assert.Equal(HttpRequestError.InvalidResponse, bad.HttpRequestError);
    }

    [Fact]
    public async Task D_HeadersAndBody_GoOutInOneSegment_WithASmallHeaderBlock()
    {
        // A read is pending before each request arrives, so a request written in two segments shows as two reads.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var firstReads = new List<byte[]>();
        var serverTask = Task.Run(async () =>
        {
            using var peer = await listener.AcceptTcpClientAsync();
            var stream = peer.GetStream();
            var buffer = new byte[8192];
            for (var i = 0; i < 20; i++)
            {
                var n = await stream.ReadAsync(buffer);
                firstReads.Add(buffer[..n]);
                var text = Encoding.Latin1.GetString(buffer, 0, n);
                var body = "\r\n\r\n" + new string('b', 100);
                if (!text.EndsWith(body, StringComparison.Ordinal))
                {
                    return; // the test fails below on the partial read
                }

                await stream.WriteAsync(HttpFraming.Response(200, "OK", []));
            }
        });
        using var client = new Client();
        for (var i = 0; i < 20 && !serverTask.IsCompleted; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/prov-session")
            {
                Version = HttpVersion.Version11,
                Content = new ByteArrayContent(Encoding.ASCII.GetBytes(new string('b', 100))),
            };
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "identity");
            request.Headers.TryAddWithoutValidation("Accept", "text/plain");
            request.Headers.TryAddWithoutValidation("Cookie", "session=4294967295");
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
            (await client.Http.SendAsync(request)).Dispose();
        }

        await serverTask.WaitAsync(TimeSpan.FromSeconds(10));
        listener.Stop();
        Assert.Equal(20, firstReads.Count);
        var head = Encoding.Latin1.GetString(firstReads[0]).Split("\r\n\r\n")[0];
        Assert.Equal(
            [
                "POST /prov-session HTTP/1.1",
                $"Host: 127.0.0.1:{port}",
                "Accept-Encoding: identity",
                "Accept: text/plain",
                "Cookie: session=4294967295",
                "Content-Type: application/x-www-form-urlencoded",
                "Content-Length: 100",
            ],
            head.Split("\r\n"));
        Assert.True(head.Length < 256, $"header block of {head.Length} bytes; firmware's limit is 512");
    }
}
