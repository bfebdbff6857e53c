using System.Text;

namespace EspProv.Device.Console;

/// <summary>
/// How the console turns a line into a request: split into words as esp_console does, then protocomm's console
/// handler reads <c>&lt;endpoint&gt; &lt;session id&gt; &lt;hex&gt;</c> with C's <c>atoi</c> and two hex digits a byte.
/// </summary>
internal static class ConsoleCommand
{
    /// <summary>esp_console's argument limit (max_cmdline_args): at most this many words less one are kept.</summary>
    public const int MaxArguments = 8;

    /// <summary>
    /// Splits a line into words as esp_console_split_argv does: words are separated by spaces only (a CR or tab stays
    /// in its word), double quotes group, a backslash escapes a space, quote or backslash and is dropped before
    /// anything else. The text ends at a NUL.
    /// </summary>
    public static List<string> Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var (inWord, quoted, escaped) = (false, false, false);
        foreach (var c in line)
        {
            if (c == '\0' || words.Count == MaxArguments - 1)
            {
                break;
            }

            if (escaped)
            {
                if (c is '\\' or '"' or ' ')
                {
                    word.Append(c);
                }

                escaped = false;
            }
            else if (c == '\\')
            {
                (inWord, escaped) = (true, true);
            }
            else if (quoted)
            {
                if (c == '"')
                {
                    words.Add(word.ToString());
                    (word.Length, inWord, quoted) = (0, false, false);
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c == ' ')
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    (word.Length, inWord) = (0, false);
                }
            }
            else if (c == '"' && !inWord)
            {
                (inWord, quoted) = (true, true);
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord && words.Count < MaxArguments - 1)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>C's <c>atoi</c> into a 32-bit session id: leading white space, a sign, digits; anything else ends it (so "x" is 0).</summary>
    public static uint SessionId(string word)
    {
        var i = 0;
        while (i < word.Length && IsCSpace(word[i]))
        {
            i++;
        }

        var negative = i < word.Length && word[i] == '-';
        if (i < word.Length && word[i] is '-' or '+')
        {
            i++;
        }

        var value = 0;
        for (; i < word.Length && char.IsAsciiDigit(word[i]); i++)
        {
            value = unchecked((value * 10) + (word[i] - '0'));
        }

        return unchecked((uint)(negative ? -value : value));
    }

    /// <summary>
    /// The handler's hex decoding: length / 2 bytes (an odd last character is ignored, which is why the line's
    /// trailing CR does no harm), each from up to two hex digits after optional white space; a pair with no hex digit
    /// leaves its byte unset in firmware, zero here.
    /// </summary>
    public static byte[] HexToBytes(string word)
    {
        var end = word.IndexOf('\0', StringComparison.Ordinal);
        var text = end < 0 ? word : word[..end];
        var bytes = new byte[text.Length / 2];
        for (var n = 0; n < bytes.Length; n++)
        {
            var i = 2 * n;
            while (i < text.Length && IsCSpace(text[i]))
            {
                i++;
            }

            var value = 0;
            for (var digits = 0; digits < 2 && i < text.Length && char.IsAsciiHexDigit(text[i]); digits++, i++)
            {
                value = (value * 16) + (char.IsAsciiDigit(text[i]) ? text[i] - '0' : (text[i] | 0x20) - 'a' + 10);
            }

            bytes[n] = (byte)value;
        }

        return bytes;
    }

    private static bool IsCSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
}
