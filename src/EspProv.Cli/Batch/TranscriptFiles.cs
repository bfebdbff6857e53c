using System.Text;

namespace EspProv.Cli.Batch;

/// <summary>
/// <c>batch --transcript-dir DIR</c>: one transcript file per manifest row, named after the device (sanitized to
/// <c>[A-Za-z0-9._-]</c>, never hidden, at most 80 characters) and made unique ignoring case (<c>-2</c>, <c>-3</c>… in
/// manifest order), so two rows never share a file on any file system.
/// </summary>
internal sealed class TranscriptFiles
{
    public const string Extension = ".transcript.json";

    private const int MaxStem = 80;

    private static readonly string[] Reserved = ["CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"];

    private readonly Dictionary<string, FileInfo> _files;

    private TranscriptFiles(Dictionary<string, FileInfo> files) => _files = files;

    /// <summary>The file names for <paramref name="names"/> (manifest order) in <paramref name="directory"/>; nothing is created.</summary>
    public static TranscriptFiles Plan(string directory, IEnumerable<string> names)
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var files = new Dictionary<string, FileInfo>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var stem = Sanitize(name);
            var unique = stem;
            for (var n = 2; !taken.Add(unique); n++)
            {
                unique = $"{stem}-{n}";
            }

            files[name] = new FileInfo(Path.Combine(directory, unique + Extension));
        }

        return new TranscriptFiles(files);
    }

    /// <summary>The device's transcript file.</summary>
    public FileInfo For(string name) => _files[name];

    /// <summary>A file name stem from a device name: unsafe characters become <c>_</c>; never empty, hidden or a reserved device name.</summary>
    public static string Sanitize(string name)
    {
        var b = new StringBuilder(Math.Min(name.Length, MaxStem));
        foreach (var c in name)
        {
            if (b.Length == MaxStem)
            {
                break;
            }

            b.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        var stem = b.ToString().TrimStart('.').TrimEnd('.', ' ');
        if (stem.Length == 0)
        {
            return "device";
        }

        return Reserved.Contains(stem.Split('.')[0], StringComparer.OrdinalIgnoreCase) ? "_" + stem : stem;
    }
}
