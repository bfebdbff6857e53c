using System.Text;

namespace EspProv.Cli.Batch;

/// <summary>
/// An RFC 4180 CSV reader: fields separated by commas, records by CRLF or LF, a field in double quotes may hold
/// commas, line breaks and doubled quotes. Values are kept exactly (no trimming: a passphrase may start with a space).
/// Each record carries the line it starts on; blank lines are skipped.
/// </summary>
internal static class CsvReader
{
    /// <summary>A record and the 1-based line it starts on.</summary>
    public sealed record Record(int Line, IReadOnlyList<string> Fields);

    public static List<Record> Read(string text, List<ManifestError> errors)
    {
        var records = new List<Record>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var i = 0;
        var recordBroken = false;
        while (i <= text.Length)
        {
            // Start of a field.
            if (i < text.Length && text[i] == '"')
            {
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    var c = text[i];
                    if (c == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        closed = true;
                        break;
                    }

                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                    i++;
                }

                if (!closed)
                {
                    errors.Add(new ManifestError(recordLine, "unterminated quoted field"));
                    return records;
                }

                if (i < text.Length && text[i] is not ',' and not '\r' and not '\n')
                {
                    errors.Add(new ManifestError(line, "unexpected text after a closing quote (a quote inside a quoted field is written \"\")"));
                    recordBroken = true;
                    while (i < text.Length && text[i] is not ',' and not '\n')
                    {
                        i++;
                    }
                }
            }
            else
            {
                while (i < text.Length && text[i] is not ',' and not '\r' and not '\n')
                {
                    if (text[i] == '"' && !recordBroken)
                    {
                        errors.Add(new ManifestError(line, "a double quote inside an unquoted field (quote the whole field and double the quote)"));
                        recordBroken = true;
                    }

                    field.Append(text[i]);
                    i++;
                }
            }

            fields.Add(field.ToString());
            field.Clear();

            if (i < text.Length && text[i] == ',')
            {
                i++;
                continue;
            }

            // End of a record: CRLF, LF, a lone CR, or the end of the text.
            if (i < text.Length && text[i] == '\r')
            {
                i++;
            }

            if (i < text.Length && text[i] == '\n')
            {
                i++;
            }

            var blank = fields.Count == 1 && fields[0].Length == 0;
            if (!blank && !recordBroken)
            {
                records.Add(new Record(recordLine, fields.ToArray()));
            }

            fields.Clear();
            recordBroken = false;
            line++;
            recordLine = line;
            if (i >= text.Length)
            {
                break;
            }
        }

        return records;
    }
}
