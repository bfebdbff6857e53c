namespace EspProv.Tests.Support;

/// <summary>Files of the repository the tests run from (found by walking up to <c>EspProv.slnx</c>).</summary>
internal static class RepositoryFiles
{
    /// <summary>The repository's root directory.</summary>
    public static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "EspProv.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A path relative to the root, e.g. <c>src/EspProv.Cli/EspProv.Cli.csproj</c>.</summary>
    public static string Path(string relative) => System.IO.Path.Combine(Root(), relative);
}
