using System.Text.RegularExpressions;

namespace EspProv.Cli.Transcript;

/// <summary>
/// <c>--redact-network</c>: replaces SSIDs, BSSIDs and IP addresses with placeholders (<c>ssid-1</c>, <c>bssid-1</c>,
/// <c>ip-1</c>) that stay the same for the same value throughout one transcript, so exchanges can still be followed.
/// Known values (the <c>--ssid</c>, what the device reported) are registered first; free text is also searched for
/// IPv4 addresses and colon-separated MAC addresses. Off, it changes nothing.
/// </summary>
internal sealed partial class NetworkRedactor(bool enabled)
{
    private readonly Dictionary<string, string> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public bool Enabled => enabled;

    public string? Ssid(string? value) => Register("ssid", value);

    public string? Bssid(string? value) => Register("bssid", value);

    public string? Ip(string? value) => Register("ip", value);

    /// <summary>Free text with every known value and every IPv4 or MAC address replaced.</summary>
    public string Text(string text)
    {
        if (!enabled || text.Length == 0)
        {
            return text;
        }

        // Longest first, so a value that contains another is replaced whole.
        foreach (var (value, placeholder) in _known.OrderByDescending(k => k.Key.Length))
        {
            if (value.Length >= 3 || value == text)
            {
                text = text.Replace(value, placeholder, StringComparison.Ordinal);
            }
        }

        text = Ipv4().Replace(text, m => Register("ip", m.Value)!);
        return Mac().Replace(text, m => Register("bssid", m.Value)!);
    }

    private string? Register(string kind, string? value)
    {
        if (!enabled || string.IsNullOrEmpty(value))
        {
            return value;
        }

        if (!_known.TryGetValue(value, out var placeholder))
        {
            var n = _counts.GetValueOrDefault(kind) + 1;
            _counts[kind] = n;
            placeholder = $"{kind}-{n}";
            _known[value] = placeholder;
        }

        return placeholder;
    }

    [GeneratedRegex(@"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])")]
    private static partial Regex Ipv4();

    [GeneratedRegex(@"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}(?![0-9A-Fa-f:])")]
    private static partial Regex Mac();
}
