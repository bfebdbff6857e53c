using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;

namespace EspProv.Cli.Help;

/// <summary>
/// Reads the help pages out of the engine's command tree: the same invocations, descriptions and defaults
/// System.CommandLine prints, as data for the launcher's catalog (docs/design.md, "Start-up").
/// </summary>
internal static class HelpPages
{
    /// <summary>Every visible command's page, root first, depth first; the root is called <paramref name="toolName"/>.</summary>
    public static List<HelpPage> From(Command root, string toolName)
    {
        var pages = new List<HelpPage>();
        Add(root, toolName, [], pages);
        return pages;
    }

    private static void Add(Command command, string path, List<Option> inherited, List<HelpPage> pages)
    {
        var subcommands = command.Subcommands.Where(c => !c.Hidden).ToList();
        var options = command.Options.Where(o => !o.Hidden).ToList();

        // System.CommandLine lists a command's own options, then help and version, then those its ancestors pass on.
        var shown = options.Where(o => !IsBuiltIn(o)).Concat(options.Where(IsBuiltIn)).ToList();
        foreach (var option in inherited.Where(o => !shown.Contains(o)))
        {
            shown.Add(option);
        }

        var usage = path + (subcommands.Count > 0 ? " [command]" : string.Empty) + (shown.Count > 0 ? " [options]" : string.Empty);
        var sections = new List<HelpSection> { new("Options:", [.. shown.Select(Row)]) };
        if (subcommands.Count > 0)
        {
            sections.Add(new HelpSection("Commands:", [.. subcommands.Select(c => new HelpRow(c.Name, c.Description ?? string.Empty))]));
        }

        pages.Add(new HelpPage(path, command.Description ?? string.Empty, usage, sections));
        var passedOn = inherited.Concat(options.Where(o => o.Recursive || o is HelpOption)).Distinct().ToList();
        foreach (var subcommand in subcommands)
        {
            Add(subcommand, path + " " + subcommand.Name, passedOn, pages);
        }
    }

    private static bool IsBuiltIn(Option option) => option.Recursive || option is HelpOption or VersionOption;

    private static HelpRow Row(Option option)
    {
        // The Windows-style spellings (/?, /h) are accepted but not listed.
        var names = new[] { option.Name }.Concat(option.Aliases).Where(n => !n.StartsWith('/'))
            .Select(n => (Prefix: n.StartsWith("--", StringComparison.Ordinal) ? "--" : n.StartsWith('-') ? "-" : string.Empty, Name: n))
            .Select(p => (p.Prefix, Bare: p.Name[p.Prefix.Length..]))
            .OrderBy(p => p.Prefix, StringComparer.OrdinalIgnoreCase)
            .ThenBy(p => p.Bare, StringComparer.OrdinalIgnoreCase)
            .Select(p => p.Prefix + p.Bare)
            .Distinct();
        var left = string.Join(", ", names);
        if (option.ValueType != typeof(bool) && option.Arity.MaximumNumberOfValues > 0)
        {
            left += " <" + (option.HelpName ?? option.Name.TrimStart('-', '/')) + ">";
        }

        if (option.Required)
        {
            left += " (REQUIRED)";
        }

        var right = option.Description ?? string.Empty;
        if (option.HasDefaultValue && option.GetDefaultValue() is { } value
            && Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 } text && option.ValueType != typeof(bool))
        {
            right += (right.Length > 0 ? " " : string.Empty) + "[default: " + text + "]";
        }

        return new HelpRow(left, right);
    }
}
