namespace EspProv.Cli.Help;

/// <summary>
/// Recognises the command lines whose whole answer is a help page or the version: <c>[command …] -h|--help|-?</c>
/// and <c>--version</c>. Anything else (options, a misplaced help flag, <c>/?</c>, a response file) is left to the
/// full command line parser, so the launcher never answers differently from it (HelpLayoutTests runs both).
/// </summary>
internal static class HelpRequest
{
    /// <summary>The help option's spellings, as System.CommandLine lists them.</summary>
    public static readonly string[] HelpTokens = ["-?", "-h", "--help"];

    /// <summary>
    /// The page <paramref name="args"/> ask for, as a catalog path (<c>esp-prov batch report</c>), or null when they are
    /// not a plain help request: every word before the help flag must be a command name, not an option or a value.
    /// </summary>
    public static string? RequestedPath(string[] args, string toolName)
    {
        if (args.Length == 0 || Array.IndexOf(HelpTokens, args[^1]) < 0)
        {
            return null;
        }

        for (var i = 0; i < args.Length - 1; i++)
        {
            // A word with a blank would read as two command names once joined.
            if (args[i].Length == 0 || args[i][0] is '-' or '/' or '@' || args[i].Contains(' ', StringComparison.Ordinal))
            {
                return null;
            }
        }

        return args.Length == 1 ? toolName : toolName + " " + string.Join(' ', args, 0, args.Length - 1);
    }

    /// <summary>True for exactly <c>--version</c>.</summary>
    public static bool IsVersion(string[] args) => args.Length == 1 && string.Equals(args[0], "--version", StringComparison.Ordinal);
}
