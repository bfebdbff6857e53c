using System.Globalization;

namespace EspProv.Device.Hosting;

/// <summary>ESP-IDF's HTTP session cookie, <c>session=&lt;id&gt;</c> (docs/protocol.md#sessions-and-cookies), read and
/// written by the HTTP front-end only.</summary>
internal static class SessionCookie
{
    /// <summary>esp_http_server reads the Cookie header into a 20-byte buffer; longer values are not read at all.</summary>
    internal const int MaxLength = 19;

    private const string Prefix = "session=";

    public static string Format(uint id) => Prefix + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The session a Cookie header names: null when there is none (or it is too long to be read), the id when it is
    /// exactly <c>session=&lt;id&gt;</c> as the device writes it, and -1 (names no session) for anything else.
    /// </summary>
    public static long? Claim(string? cookie)
    {
        if (cookie is null || cookie.Length > MaxLength)
        {
            return null;
        }

        var digits = cookie.AsSpan();
        if (!digits.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return -1;
        }

        digits = digits[Prefix.Length..];
        // Only the canonical form the device writes: no sign, no spaces, no leading zero.
        if (digits.IsEmpty || (digits[0] == '0' && digits.Length > 1) || !uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return -1;
        }

        return id;
    }
}
