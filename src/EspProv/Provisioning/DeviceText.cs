namespace EspProv.Provisioning;

/// <summary>Text a device supplied (SSIDs, version strings, replies), made safe to show.</summary>
public static class DeviceText
{
    /// <summary>
    /// <paramref name="text"/> made safe for one line of a terminal or log: control and format characters (line
    /// breaks, escape sequences, bidirectional overrides) become spaces, and text longer than
    /// <paramref name="maxLength"/> is cut with an ellipsis.
    /// </summary>
    public static string Printable(string text, int maxLength = 80)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        var end = text.Length > maxLength && char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        var cut = text.Length > maxLength ? text[..end] + "…" : text;
        return string.Create(cut.Length, cut, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsControl(c) || c is '\u2028' or '\u2029' || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format ? ' ' : c;
            }
        });
    }
}
