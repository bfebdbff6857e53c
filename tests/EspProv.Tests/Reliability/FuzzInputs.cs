namespace EspProv.Tests.Reliability;

/// <summary>The saved fuzz inputs of one target: its seeds (fuzz/corpus/&lt;target&gt;) and kept findings (fuzz/regressions/&lt;target&gt;).</summary>
internal static class FuzzInputs
{
    public static TheoryData<string> For(string target)
    {
        var data = new TheoryData<string>();
        foreach (var dir in new[] { $"fuzz/corpus/{target}", $"fuzz/regressions/{target}" })
        {
            var path = Path.Combine(AppContext.BaseDirectory, dir);
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.GetFiles(path).Order(StringComparer.Ordinal))
                {
                    data.Add(Path.GetRelativePath(AppContext.BaseDirectory, file));
                }
            }
        }

        return data;
    }

    public static byte[] Read(string relativePath) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, relativePath));
}
