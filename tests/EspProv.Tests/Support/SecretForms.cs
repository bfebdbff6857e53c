using System.Globalization;
using System.Text;

namespace EspProv.Tests.Support;

/// <summary>The forms a secret could leak in, for "never printed, logged or written" checks.</summary>
internal static class SecretForms
{
    /// <summary>Text, hex (upper, lower, spaced), base64 and base64 of its UTF-16, without base64 padding.</summary>
    public static IEnumerable<string> Of(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        yield return secret;
        yield return Convert.ToHexString(bytes);
        yield return Convert.ToHexStringLower(bytes);
        yield return string.Join(' ', bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        yield return Convert.ToBase64String(bytes).TrimEnd('=');
        yield return Convert.ToBase64String(Encoding.Unicode.GetBytes(secret)).TrimEnd('=');
    }

    /// <summary>
    /// A binary secret (a Thread network key, a PSKc): hex (upper, lower, spaced, colon-separated) and base64.
    /// </summary>
    public static IEnumerable<string> OfBytes(byte[] bytes)
    {
        yield return Convert.ToHexString(bytes);
        yield return Convert.ToHexStringLower(bytes);
        yield return string.Join(' ', bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        yield return string.Join(':', bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        yield return Convert.ToBase64String(bytes).TrimEnd('=');
    }
}
