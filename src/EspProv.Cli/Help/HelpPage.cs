namespace EspProv.Cli.Help;

/// <summary>
/// One command's help as data: what <c>esp-prov … --help</c> prints, before it is laid out for a width. The engine
/// builds these from its command tree (<see cref="HelpPages"/>); the launcher reads them from its embedded catalog.
/// </summary>
/// <param name="Path">The command as typed: <c>esp-prov</c>, <c>esp-prov batch report</c>.</param>
/// <param name="Description">The command's description; lines are separated by <c>\n</c>.</param>
/// <param name="Usage">The usage line, e.g. <c>esp-prov batch [command] [options]</c>.</param>
/// <param name="Sections">Titled two-column tables (options, commands), in order.</param>
internal sealed record HelpPage(string Path, string Description, string Usage, IReadOnlyList<HelpSection> Sections);

/// <summary>A titled two-column table of a help page.</summary>
internal sealed record HelpSection(string Title, IReadOnlyList<HelpRow> Rows);

/// <summary>One row: the invocation (<c>--sec-ver, --sec_ver &lt;0|1|2&gt;</c>) and what it does.</summary>
internal readonly record struct HelpRow(string Left, string Right);
