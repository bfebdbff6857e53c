using System.IO.Compression;
using System.Net;
using EspProv.Cli.Web;

namespace EspProv.Web.Tests;

/// <summary><c>esp-prov web</c>'s server over the files embedded in the CLI: the page at /, encodings as the request accepts them.</summary>
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime.DisposeAsync
public sealed class WebServerTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private WebServer _server = null!;
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _server = new WebServer(WebAssets.Load(), new IPEndPoint(IPAddress.Loopback, 0));
        _server.Start();
        _http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{_server.Endpoint.Port}/"),
        };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? acceptEncoding, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        return await _http.SendAsync(request);
    }

    [Fact]
    public async Task WebServer_Root_IsThePageThatLoadsTheApp()
    {
        using var response = await GetAsync("/", acceptEncoding: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("js/app.js", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WebServer_Brotli_WhenAccepted_ElseGzip_ElsePlain_SameBytes()
    {
        using var br = await GetAsync("/_framework/dotnet.js", "gzip, deflate, br");
        using var gz = await GetAsync("/_framework/dotnet.js", "gzip");
        using var plain = await GetAsync("/_framework/dotnet.js", "br;q=0, gzip;q=0");
        Assert.Equal(["br"], br.Content.Headers.ContentEncoding);
        Assert.Equal(["gzip"], gz.Content.Headers.ContentEncoding);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", br.Headers.Vary);

        var expected = await plain.Content.ReadAsByteArrayAsync();
        Assert.Equal(expected, Inflate(new BrotliStream(await br.Content.ReadAsStreamAsync(), CompressionMode.Decompress)));
        Assert.Equal(expected, Inflate(new GZipStream(await gz.Content.ReadAsStreamAsync(), CompressionMode.Decompress)));
        Assert.True(br.Content.Headers.ContentLength < expected.Length);
    }

    [Fact]
    public async Task WebServer_PageAndScripts_HaveTheirContentTypes()
    {
        using var response = await GetAsync("/", acceptEncoding: null);
        var html = await response.Content.ReadAsStringAsync();
        using var js = await GetAsync("/_framework/dotnet.js", acceptEncoding: null);
        Assert.Equal("text/javascript", js.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<base href=\"/\"", html);
    }

    [Fact]
    public async Task WebServer_UnknownPath_Is404_AndPost_Is405()
    {
        using var missing = await GetAsync("/no/such/file.js", "br");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var post = await GetAsync("/", null, HttpMethod.Post);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task WebServer_Head_SendsHeadersWithoutBody()
    {
        using var head = await GetAsync("/_framework/dotnet.js", "br", HttpMethod.Head);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.True(head.Content.Headers.ContentLength > 0);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    private static byte[] Inflate(Stream compressed)
    {
        using var _ = compressed;
        using var plain = new MemoryStream();
        compressed.CopyTo(plain);
        return plain.ToArray();
    }
}
