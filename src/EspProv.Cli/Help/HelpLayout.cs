namespace EspProv.Cli.Help;

/// <summary>
/// Lays a <see cref="HelpPage"/> out for a terminal width, line for line as System.CommandLine's own help does
/// (HelpLayoutTests compares the two at many widths), so the launcher can print help without the parser.
/// </summary>
internal static class HelpLayout
{
    private const string Indent = "  ";

    /// <summary>Writes <paramref name="page"/> laid out for <paramref name="maxWidth"/> columns.</summary>
    public static void Write(HelpPage page, int maxWidth, TextWriter output)
    {
        if (maxWidth <= 0)
        {
            maxWidth = int.MaxValue;
        }

        if (!string.IsNullOrWhiteSpace(page.Description))
        {
            WriteText("Description:", page.Description, maxWidth, output);
            output.WriteLine();
        }

        WriteText("Usage:", page.Usage, maxWidth, output);
        foreach (var section in page.Sections)
        {
            if (section.Rows.Count == 0)
            {
                continue;
            }

            output.WriteLine();
            output.WriteLine(section.Title);
            WriteColumns(section.Rows, maxWidth, output);
        }

        output.WriteLine();
    }

    private static void WriteText(string heading, string text, int maxWidth, TextWriter output)
    {
        output.WriteLine(heading);
        foreach (var part in Wrap(text, maxWidth - Indent.Length))
        {
            output.Write(Indent);
            output.WriteLine(part);
        }
    }

    private static void WriteColumns(IReadOnlyList<HelpRow> rows, int maxWidth, TextWriter output)
    {
        var leftWidth = 0;
        var rightWidth = 0;
        foreach (var row in rows)
        {
            leftWidth = Math.Max(leftWidth, row.Left.Length);
            rightWidth = Math.Max(rightWidth, row.Right.Length);
        }

        // long + long + 4 can overflow when the width is unbounded
        if ((long)leftWidth + rightWidth + (2 * Indent.Length) > maxWidth)
        {
            var leftMax = (maxWidth / 2) - Indent.Length;
            if (leftWidth > leftMax)
            {
                leftWidth = 0;
                foreach (var row in rows)
                {
                    foreach (var part in Wrap(row.Left, leftMax))
                    {
                        leftWidth = Math.Max(leftWidth, part.Length);
                    }
                }
            }

            rightWidth = maxWidth - leftWidth - (2 * Indent.Length);
        }

        foreach (var row in rows)
        {
            var left = Wrap(row.Left, leftWidth);
            var right = Wrap(row.Right, rightWidth);
            for (var i = 0; i < Math.Max(left.Count, right.Count); i++)
            {
                var first = i < left.Count ? left[i] : string.Empty;
                var second = i < right.Count ? right[i] : string.Empty;
                output.Write(Indent);
                output.Write(first);
                if (!string.IsNullOrWhiteSpace(second))
                {
                    output.Write(new string(' ', Math.Max(0, leftWidth - first.Length)));
                    output.Write(Indent);
                    output.Write(second);
                }

                output.WriteLine();
            }
        }
    }

    /// <summary>
    /// Splits at line breaks, then breaks each line after the last blank that fits (the blank stays at the end of the
    /// line), or at the width when no blank does.
    /// </summary>
    internal static List<string> Wrap(string text, int maxWidth)
    {
        var lines = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return lines;
        }

        foreach (var part in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (part.Length <= maxWidth)
            {
                lines.Add(part);
                continue;
            }

            var start = 0;
            while (start < part.Length)
            {
                if (part.Length - start < maxWidth)
                {
                    lines.Add(part[start..]);
                    break;
                }

                var length = -1;
                for (var j = 0; start + j < part.Length && j < maxWidth; j++)
                {
                    if (char.IsWhiteSpace(part[start + j]))
                    {
                        length = j + 1;
                    }
                }

                if (length <= 0)
                {
                    length = Math.Max(1, maxWidth);
                }

                lines.Add(part.Substring(start, length));
                start += length;
            }
        }

        return lines;
    }
}
