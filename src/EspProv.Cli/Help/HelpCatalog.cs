using System.Text;

namespace EspProv.Cli.Help;

/// <summary>
/// The text form of a set of <see cref="HelpPage"/>s, one tagged line each: <c>P path</c>, <c>D description line</c>,
/// <c>U usage</c>, <c>S section title</c>, <c>R left\tright</c>. Plain lines rather than JSON so the launcher reads it
/// without a serializer.
/// </summary>
internal static class HelpCatalog
{
    /// <summary>Writes <paramref name="pages"/> in the catalog format (\n line ends on every OS).</summary>
    public static string Format(IEnumerable<HelpPage> pages)
    {
        var text = new StringBuilder();
        foreach (var page in pages)
        {
            Line(text, 'P', page.Path);
            foreach (var line in page.Description.Split('\n'))
            {
                Line(text, 'D', line);
            }

            Line(text, 'U', page.Usage);
            foreach (var section in page.Sections)
            {
                Line(text, 'S', section.Title);
                foreach (var row in section.Rows)
                {
                    if (row.Left.Contains('\t', StringComparison.Ordinal))
                    {
                        throw new ArgumentException($"a help row's first column has a tab: {row.Left}", nameof(pages));
                    }

                    Line(text, 'R', row.Left + "\t" + row.Right);
                }
            }
        }

        return text.ToString();
    }

    /// <summary>Reads a catalog written by <see cref="Format"/>.</summary>
    /// <exception cref="FormatException">A line is not in the format.</exception>
    public static List<HelpPage> Parse(ReadOnlySpan<byte> utf8) => Read(utf8, null);

    /// <summary>
    /// The page for <paramref name="path"/>, or null. Only that page's lines are decoded: the launcher answers one
    /// help request and allocates for that page alone.
    /// </summary>
    public static HelpPage? Find(ReadOnlySpan<byte> utf8, string path) => Read(utf8, path) is [var page] ? page : null;

    private static List<HelpPage> Read(ReadOnlySpan<byte> utf8, string? only)
    {
        var pages = new List<HelpPage>();
        var wanted = only is null ? null : Encoding.UTF8.GetBytes(only);
        string? path = null;
        string? usage = null;
        var description = new List<string>();
        var sections = new List<HelpSection>();
        List<HelpRow>? rows = null;
        var lineNumber = 0;
        while (!utf8.IsEmpty)
        {
            var end = utf8.IndexOf((byte)'\n');
            var line = end < 0 ? utf8 : utf8[..end];
            utf8 = end < 0 ? default : utf8[(end + 1)..];
            lineNumber++;
            if (line.IsEmpty)
            {
                continue;
            }

            if (line.Length < 2 || line[1] != (byte)' ')
            {
                throw new FormatException($"help catalog line {lineNumber}: expected a tag and a space");
            }

            var tag = (char)line[0];
            var value = line[2..];
            if (tag == 'P')
            {
                Flush();
                path = wanted is null || value.SequenceEqual(wanted) ? Encoding.UTF8.GetString(value) : null;
                continue;
            }

            if (path is null && wanted is not null)
            {
                continue; // a line of a page not asked for
            }

            switch (tag)
            {
                case 'D':
                    description.Add(Encoding.UTF8.GetString(value));
                    break;
                case 'U':
                    usage = Encoding.UTF8.GetString(value);
                    break;
                case 'S':
                    rows = [];
                    sections.Add(new HelpSection(Encoding.UTF8.GetString(value), rows));
                    break;
                case 'R' when rows is not null && value.IndexOf((byte)'\t') is var tab and >= 0:
                    rows.Add(new HelpRow(Encoding.UTF8.GetString(value[..tab]), Encoding.UTF8.GetString(value[(tab + 1)..])));
                    break;
                default:
                    throw new FormatException($"help catalog line {lineNumber}: unexpected '{tag}' line");
            }
        }

        Flush();
        return pages;

        void Flush()
        {
            if (path is null)
            {
                return;
            }

            pages.Add(new HelpPage(path, string.Join('\n', description), usage ?? path, sections));
            path = null;
            description = [];
            sections = [];
            rows = null;
            usage = null;
        }
    }

    private static void Line(StringBuilder text, char tag, string value)
    {
        if (value.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException($"help text for '{tag}' spans lines: {value}", nameof(value));
        }

        text.Append(tag).Append(' ').Append(value).Append('\n');
    }
}
