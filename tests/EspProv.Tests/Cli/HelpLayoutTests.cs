using System.CommandLine;
using System.CommandLine.Help;
using EspProv.Cli;
using EspProv.Cli.Help;
using EspProv.Tests.Support;

namespace EspProv.Tests.Cli;

/// <summary>
/// The native launcher prints help from its embedded catalog without System.CommandLine (docs/design.md, "Start-up"):
/// these tests hold it to System.CommandLine's own output for every page at every width, and the catalog to the
/// engine's command tree.
/// </summary>
public sealed class HelpLayoutTests
{
    private static readonly int[] Widths = [int.MaxValue, 400, 200, 160, 120, 100, 80, 72, 60, 40, 30];

    private static RootCommand Root() => new CliApp(TextWriter.Null, TextWriter.Null, new ScriptedTerminal()).BuildRoot();

    /// <summary>System.CommandLine's help for <paramref name="path"/> (the words after the tool name) at a width.</summary>
    private static string LibraryHelp(string[] path, string helpToken, int width)
    {
        // A fresh tree each time: the help action keeps the layout of its first use, whatever MaxWidth says later.
        var parse = Root().Parse([.. path, helpToken]);
        var help = Assert.IsType<HelpAction>(parse.Action);
        help.MaxWidth = width;
        var output = new StringWriter();
        Assert.Equal(0, parse.Invoke(new InvocationConfiguration { Output = output, Error = output }));
        return output.ToString();
    }

    private static string OurHelp(HelpPage page, int width)
    {
        var output = new StringWriter();
        HelpLayout.Write(page, width, output);
        return output.ToString();
    }

    [Fact]
    public void EveryPage_AtEveryWidth_IsWhatSystemCommandLinePrints()
    {
        var root = Root();
        var pages = HelpPages.From(root, root.Name);
        Assert.Equal(6, pages.Count);
        foreach (var page in pages)
        {
            var path = page.Path.Split(' ')[1..];
            foreach (var width in Widths)
            {
                var expected = LibraryHelp(path, "--help", width);
                Assert.True(expected == OurHelp(page, width), $"'{page.Path}' at width {width}:\n--- System.CommandLine\n{expected}\n--- ours\n{OurHelp(page, width)}");
            }
        }
    }

    [Fact]
    public void EveryHelpSpelling_GivesTheSamePage()
    {
        var expected = LibraryHelp(["batch", "report"], "--help", 100);
        foreach (var token in HelpRequest.HelpTokens)
        {
            Assert.Equal(expected, LibraryHelp(["batch", "report"], token, 100));
        }
    }

    [Fact]
    public void EmbeddedCatalog_IsTheEnginesCommandTree()
    {
        // A stale catalog would make the native esp-prov print old help. To refresh it after changing an option:
        // ESP_PROV_WRITE_HELP_CATALOG=1 dotnet test --filter EmbeddedCatalog_IsTheEnginesCommandTree
        var expected = HelpCatalog.Format(HelpPages.From(Root(), "esp-prov"));
        var file = RepositoryFiles.Path("src/EspProv.Cli.Launcher/help-pages.txt");
        if (Environment.GetEnvironmentVariable("ESP_PROV_WRITE_HELP_CATALOG") == "1")
        {
            File.WriteAllText(file, expected);
        }

        Assert.True(File.Exists(file), $"{file} is missing");
        Assert.True(expected == File.ReadAllText(file).ReplaceLineEndings("\n"),
            "src/EspProv.Cli.Launcher/help-pages.txt differs from the command tree: run ESP_PROV_WRITE_HELP_CATALOG=1 dotnet test --filter EmbeddedCatalog_IsTheEnginesCommandTree");
    }

    [Fact]
    public void Catalog_RoundTrips()
    {
        var pages = HelpPages.From(Root(), "esp-prov");
        var catalog = System.Text.Encoding.UTF8.GetBytes(HelpCatalog.Format(pages));
        var parsed = HelpCatalog.Parse(catalog);
        Assert.Equal(pages.Count, parsed.Count);
        for (var i = 0; i < pages.Count; i++)
        {
            Assert.Equal(OurHelp(pages[i], 90), OurHelp(parsed[i], 90));
            Assert.Equal(OurHelp(pages[i], 90), OurHelp(HelpCatalog.Find(catalog, pages[i].Path)!, 90));
        }

        Assert.Null(HelpCatalog.Find(catalog, "esp-prov batch"[..^1]));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("R no-section\tx")]
    [InlineData("P esp-prov\nQ what")]
    public void Catalog_WithABadLine_IsRefused(string text)
    {
        Assert.Throws<FormatException>(() => HelpCatalog.Parse(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    [Theory]
    [InlineData("--help", "esp-prov")]
    [InlineData("-h", "esp-prov")]
    [InlineData("-?", "esp-prov")]
    [InlineData("simulate|--help", "esp-prov simulate")]
    [InlineData("batch|report|-h", "esp-prov batch report")]
    public void PlainHelpRequests_AreAnsweredFromTheCatalog(string args, string page)
    {
        var catalog = System.Text.Encoding.UTF8.GetBytes(HelpCatalog.Format(HelpPages.From(Root(), "esp-prov")));
        var path = HelpRequest.RequestedPath(args.Split('|'), "esp-prov");
        Assert.Equal(page, path);
        Assert.Equal(page, HelpCatalog.Find(catalog, path!)?.Path);
    }

    /// <summary>Arguments separated by '|' ("batch report|--help" is two arguments, the first with a space).</summary>
    [Theory]
    [InlineData("")]
    [InlineData("--ssid|x|--help")]
    [InlineData("--help|simulate")]
    [InlineData("batch report|--help")]
    [InlineData("nosuch|--help")]
    [InlineData("/?")]
    [InlineData("--HELP")]
    [InlineData("--version|--help")]
    [InlineData("@args.rsp|--help")]
    [InlineData("|--help")]
    public void AnythingElse_GoesToTheEngine(string args)
    {
        var catalog = System.Text.Encoding.UTF8.GetBytes(HelpCatalog.Format(HelpPages.From(Root(), "esp-prov")));
        var path = HelpRequest.RequestedPath(args.Length == 0 ? [] : args.Split('|'), "esp-prov");
        Assert.True(path is null || HelpCatalog.Find(catalog, path) is null, path);
    }

    [Fact]
    public void Version_IsOnlyTheBareFlag()
    {
        Assert.True(HelpRequest.IsVersion(["--version"]));
        Assert.False(HelpRequest.IsVersion(["--version", "x"]));
        Assert.False(HelpRequest.IsVersion(["batch", "--version"]));
    }

    [Theory]
    [InlineData("one two three", 5, new[] { "one ", "two ", "three" })]
    [InlineData("abcdefghij", 4, new[] { "abcd", "efgh", "ij" })]
    [InlineData("a\nb", 10, new[] { "a", "b" })]
    [InlineData("   ", 10, new string[0])]
    public void Wrap_BreaksAfterTheLastBlankThatFits(string text, int width, string[] expected)
    {
        Assert.Equal(expected, HelpLayout.Wrap(text, width));
    }
}
