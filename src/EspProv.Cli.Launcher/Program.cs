using System.Text;
using EspProv.Cli.Help;

namespace EspProv.Cli.Launcher;

/// <summary>
/// The native <c>esp-prov</c>: answers a plain help or version request from its built-in catalog, and hands every
/// other command line, unchanged, to the engine <c>esp-prov-core</c> beside it by replacing this process with it. The
/// engine carries the parser, transports, crypto, simulator and SQLite, whose start-up a help request need not pay;
/// this program stays close to an empty one (docs/design.md, "Start-up").
/// </summary>
internal static class Program
{
    private const string ToolName = "esp-prov";

    private static int Main(string[] args)
    {
        if (HelpRequest.IsVersion(args))
        {
            return StandardOutput.Write(Encoding.UTF8.GetBytes(LauncherData.Version + "\n")) ? 0 : 1;
        }

        if (HelpRequest.RequestedPath(args, ToolName) is { } path && HelpCatalog.Find(LauncherData.Catalog, path) is { } page)
        {
            var text = new StringWriter(new StringBuilder(capacity: 16 * 1024)) { NewLine = "\n" };
            HelpLayout.Write(page, StandardOutput.Width(), text);
            return StandardOutput.Write(Encoding.UTF8.GetBytes(text.ToString())) ? 0 : 1;
        }

        return Engine.Run(args);
    }
}
