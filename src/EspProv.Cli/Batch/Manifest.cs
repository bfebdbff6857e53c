using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace EspProv.Cli.Batch;

/// <summary>The manifest's two syntaxes.</summary>
internal enum ManifestFormat
{
    /// <summary>RFC 4180 CSV with a header row.</summary>
    Csv,

    /// <summary>One JSON object per line with the same field names as the CSV columns.</summary>
    JsonLines,
}

/// <summary>
/// A parsed batch manifest: the devices in file order, or every problem found (with line numbers), so a bad manifest
/// is reported whole before anything is sent.
/// </summary>
internal sealed class Manifest
{
    /// <summary>PBKDF2 iterations of <see cref="Fingerprint"/>: about 50 ms once per run, and slow to brute-force.</summary>
    public const int FingerprintIterations = 100_000;

    private Manifest(IReadOnlyList<ManifestEntry> entries, IReadOnlyList<ManifestError> errors)
    {
        Entries = entries;
        Errors = errors;
    }

    /// <summary>The devices, in file order (empty when there are errors).</summary>
    public IReadOnlyList<ManifestEntry> Entries { get; }

    /// <summary>Every problem found; empty for a good manifest.</summary>
    public IReadOnlyList<ManifestError> Errors { get; }

    /// <summary>True when the manifest can be used.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>Reads a manifest file; the format is JSON Lines when its first non-blank character is <c>{</c>, else CSV.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <param name="discovered">
    /// True for <c>batch --discover</c>, where the manifest only holds per-device values matched by name: the
    /// <c>address</c> column is optional (discovery finds each device).
    /// </param>
    public static async Task<Manifest> LoadAsync(string path, CancellationToken cancellationToken, bool discovered = false)
    {
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(text, discovered);
    }

    /// <summary>Parses manifest text, detecting the format (see <see cref="LoadAsync"/>).</summary>
    public static Manifest Parse(string text, bool discovered = false) =>
        Parse(text, text.AsSpan().TrimStart().StartsWith("{", StringComparison.Ordinal) ? ManifestFormat.JsonLines : ManifestFormat.Csv, discovered);

    /// <summary>A manifest of devices found by <c>batch --discover</c> (checked by the caller).</summary>
    public static Manifest FromEntries(IReadOnlyList<ManifestEntry> entries) => new(entries, []);

    /// <summary>Parses manifest text in the given format.</summary>
    public static Manifest Parse(string text, ManifestFormat format, bool discovered = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var errors = new List<ManifestError>();
        var required = discovered ? ManifestColumns.RequiredDiscovered : ManifestColumns.Required;
        var entries = format == ManifestFormat.Csv ? ParseCsv(text, errors, required) : ParseJsonLines(text, errors, required);
        if (entries.Count == 0 && errors.Count == 0)
        {
            errors.Add(new ManifestError(0, "the manifest lists no device"));
        }

        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (!firstLine.TryAdd(entry.Name, entry.Line))
            {
                errors.Add(new ManifestError(entry.Line, $"duplicate name '{entry.Name}' (first on line {firstLine[entry.Name]})"));
            }
        }

        errors.Sort((a, b) => a.Line.CompareTo(b.Line));
        return new Manifest(errors.Count == 0 ? entries : [], errors);
    }

    /// <summary>
    /// A fingerprint of the manifest's content, to tell whether it changed since a journal was made. It covers the
    /// normalised content (every field of every device, devices sorted by name), so the syntax, quoting, line endings,
    /// column order and row order do not matter, and a change of any value does. The content holds secrets, so the
    /// journal stores only this salted, slow PBKDF2-SHA256 hash (a plain SHA-256 of a manifest whose other fields are
    /// guessable would let a passphrase be brute-forced fast).
    /// </summary>
    public string Fingerprint(ReadOnlySpan<byte> salt)
    {
        var normalised = Normalise();
        try
        {
            return Convert.ToHexStringLower(Rfc2898DeriveBytes.Pbkdf2(normalised, salt, FingerprintIterations, HashAlgorithmName.SHA256, 32));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(normalised);
        }
    }

    private byte[] Normalise()
    {
        // Each field is length-prefixed, so no choice of values can make two different manifests encode alike.
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer, Encoding.UTF8);
        foreach (var e in Entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            string?[] fields = [e.Name, e.Transport, e.Address, e.Interface, e.SecVer?.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Pop, e.Sec2Username, e.Sec2Password, e.Ssid, e.Passphrase];
            foreach (var f in fields)
            {
                writer.Write(f is not null);
                writer.Write(f ?? string.Empty);
            }

            if (e.DatasetTlvs is { } dataset)
            {
                // Only when present, so journals of Wi-Fi manifests keep their fingerprint; the marker 2 is never a
                // field's presence flag (0 or 1), so no other content encodes alike.
                writer.Write((byte)2);
                writer.Write(dataset);
            }
        }

        writer.Flush();
        return buffer.ToArray();
    }

    private static List<ManifestEntry> ParseCsv(string text, List<ManifestError> errors, IReadOnlyList<string> required)
    {
        var entries = new List<ManifestEntry>();
        var records = CsvReader.Read(text.TrimStart('\uFEFF'), errors);
        if (records.Count == 0)
        {
            return entries;
        }

        var header = records[0];
        var columns = header.Fields.Select(f => f.Trim()).ToArray();
        var headerOk = true;
        for (var c = 0; c < columns.Length; c++)
        {
            if (!ManifestColumns.IsKnown(columns[c]))
            {
                errors.Add(new ManifestError(header.Line, $"unknown column '{columns[c]}' (columns: {string.Join(',', ManifestColumns.All)})"));
                headerOk = false;
            }
            else if (Array.IndexOf(columns, columns[c]) < c)
            {
                errors.Add(new ManifestError(header.Line, $"column '{columns[c]}' appears twice"));
                headerOk = false;
            }
        }

        foreach (var missing in required.Where(r => !columns.Contains(r, StringComparer.Ordinal)))
        {
            errors.Add(new ManifestError(header.Line, $"missing required column '{missing}' in the header row"));
            headerOk = false;
        }

        if (!headerOk)
        {
            return entries;
        }

        foreach (var record in records.Skip(1))
        {
            if (record.Fields.Count != columns.Length)
            {
                errors.Add(new ManifestError(record.Line, $"{record.Fields.Count} fields where the header has {columns.Length}"));
                continue;
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var c = 0; c < columns.Length; c++)
            {
                values[columns[c]] = record.Fields[c];
            }

            if (ManifestColumns.ToEntry(values, record.Line, errors, required) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    private static List<ManifestEntry> ParseJsonLines(string text, List<ManifestError> errors, IReadOnlyList<string> required)
    {
        var entries = new List<ManifestEntry>();
        var lines = text.TrimStart('\uFEFF').Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var lineText = lines[n].TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(lineText))
            {
                continue;
            }

            if (ReadObject(lineText, n + 1, errors) is { } values && ManifestColumns.ToEntry(values, n + 1, errors, required) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    private static Dictionary<string, string>? ReadObject(string lineText, int line, List<ManifestError> errors)
    {
        try
        {
            using var document = JsonDocument.Parse(lineText);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new ManifestError(line, "each line must be one JSON object"));
                return null;
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            var ok = true;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!ManifestColumns.IsKnown(property.Name))
                {
                    errors.Add(new ManifestError(line, $"unknown field '{property.Name}' (fields: {string.Join(',', ManifestColumns.All)})"));
                    ok = false;
                    continue;
                }

                var value = property.Value;
                switch (value.ValueKind)
                {
                    case JsonValueKind.String:
                        values[property.Name] = value.GetString()!;
                        break;
                    case JsonValueKind.Number when property.Name == ManifestColumns.SecVer:
                        values[property.Name] = value.GetRawText();
                        break;
                    case JsonValueKind.Null:
                        break;
                    default:
                        errors.Add(new ManifestError(line, $"field '{property.Name}' must be a string"));
                        ok = false;
                        break;
                }
            }

            return ok ? values : null;
        }
        catch (JsonException ex)
        {
            // Only the position: the parser's message can quote the text, which may hold a secret.
            errors.Add(new ManifestError(line, $"not valid JSON (at byte {ex.BytePositionInLine ?? 0})"));
            return null;
        }
    }
}
