using System.IO.Compression;
using System.Reflection;

namespace EspProv.Cli.Web;

/// <summary>One file of the web app as embedded: its Brotli and gzip forms (or, for a file the publish left
/// uncompressed, its plain bytes).</summary>
internal sealed record WebAsset(string Path, string ContentType, byte[]? Brotli, byte[]? Gzip, byte[]? Plain)
{
    /// <summary>The plain bytes, inflated from the gzip form when only compressed forms are embedded.</summary>
    public byte[] Identity()
    {
        if (Plain is not null)
        {
            return Plain;
        }

        using var inflate = new GZipStream(new MemoryStream(Gzip!), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        inflate.CopyTo(plain);
        return plain.ToArray();
    }
}

/// <summary>
/// The published web app (src/EspProv.Web) embedded in the esp-prov assembly as manifest resources named
/// <c>web/&lt;path&gt;</c>, <c>web/&lt;path&gt;.br</c> and <c>web/&lt;path&gt;.gz</c> (the build target in
/// EspProv.Cli.csproj; docs/web.md). Plain copies of compressed files are left out: a client that takes neither Brotli
/// nor gzip gets the gzip form inflated.
/// </summary>
internal sealed class WebAssets
{
    private const string Prefix = "web/";
    private readonly Dictionary<string, WebAsset> _assets;

    private WebAssets(Dictionary<string, WebAsset> assets) => _assets = assets;

    /// <summary>Number of files.</summary>
    public int Count => _assets.Count;

    /// <summary>The assets of this assembly; empty when the CLI was built without the web app (<c>-p:EspProvEmbedWeb=false</c>).</summary>
    public static WebAssets Load() => Load(typeof(WebAssets).Assembly);

    internal static WebAssets Load(Assembly assembly) =>
        Load(assembly.GetManifestResourceNames(), name => Read(assembly, name));

    /// <summary>The files of a published <c>wwwroot/</c> folder (benches compare builds with it).</summary>
    internal static WebAssets LoadDirectory(string wwwroot) =>
        Load(Directory.EnumerateFiles(wwwroot, "*", SearchOption.AllDirectories).Select(f => Prefix + System.IO.Path.GetRelativePath(wwwroot, f).Replace('\\', '/')),
            name => File.Exists(System.IO.Path.Combine(wwwroot, name[Prefix.Length..])) ? File.ReadAllBytes(System.IO.Path.Combine(wwwroot, name[Prefix.Length..])) : null);

    private static WebAssets Load(IEnumerable<string> resourceNames, Func<string, byte[]?> read)
    {
        var names = resourceNames.Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var assets = new Dictionary<string, WebAsset>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var path = name[Prefix.Length..].Replace('\\', '/');
            if (path.EndsWith(".br", StringComparison.Ordinal) || path.EndsWith(".gz", StringComparison.Ordinal))
            {
                var plainPath = path[..^3];
                if (names.Contains(Prefix + plainPath) || assets.ContainsKey(plainPath))
                {
                    continue;
                }

                assets[plainPath] = new WebAsset(plainPath, ContentTypes.For(plainPath), read($"{Prefix}{plainPath}.br"), read($"{Prefix}{plainPath}.gz"), null);
            }
            else
            {
                assets[path] = new WebAsset(path, ContentTypes.For(path), read(name + ".br"), read(name + ".gz"), read(name));
            }
        }

        return new WebAssets(assets);
    }

    /// <summary>The asset at a URL path (<c>/</c> is <c>index.html</c>); null when there is none.</summary>
    public WebAsset? Find(string urlPath)
    {
        var path = urlPath.TrimStart('/');
        if (path.Length == 0)
        {
            path = "index.html";
        }

        return _assets.GetValueOrDefault(path);
    }

    private static byte[]? Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name);
        if (stream is null)
        {
            return null;
        }

        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}

/// <summary>Content types of the files a .NET WebAssembly publish makes.</summary>
internal static class ContentTypes
{
    public static string For(string path) => System.IO.Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".json" => "application/json",
        ".wasm" => "application/wasm",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
}
