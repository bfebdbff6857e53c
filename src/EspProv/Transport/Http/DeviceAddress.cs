using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace EspProv.Transport.Http;

/// <summary>
/// Where a device's HTTP server is: <c>host[:port]</c> as esp_prov's <c>--softap_endpoint</c> takes it
/// (default port 80), optionally with an <c>http://</c> or <c>https://</c> scheme (default port 443 for HTTPS).
/// </summary>
public sealed record DeviceAddress(string Host, int Port, bool UseTls)
{
    /// <summary>The soft-AP default of Espressif firmware.</summary>
    public static DeviceAddress Default { get; } = new("192.168.4.1", 80, false);

    /// <summary>The value of the HTTP <c>Host</c> header (host and port, as esp_prov's transcripts show it).</summary>
    public string Authority => (Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string ToString() => (UseTls ? "https://" : "http://") + Authority;

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> with a clear message when it is not an endpoint.</summary>
    public static DeviceAddress Parse(string text) =>
        TryParse(text, out var address, out var error) ? address : throw new FormatException(error);

    /// <summary>Tries to parse <paramref name="text"/>.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out DeviceAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        var s = text?.Trim() ?? string.Empty;
        var tls = false;
        if (s.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            tls = true;
            s = s["https://".Length..];
        }
        else if (s.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            s = s["http://".Length..];
        }

        s = s.TrimEnd('/');
        if (s.Length == 0)
        {
            error = $"invalid endpoint '{text}': expected host[:port], e.g. 192.168.4.1:80";
            return false;
        }

        string host;
        string? portText = null;
        if (s.StartsWith('['))
        {
            var close = s.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < s.Length && s[close + 1] != ':'))
            {
                error = $"invalid endpoint '{text}': unbalanced IPv6 brackets";
                return false;
            }

            host = s[1..close];
            portText = close + 1 < s.Length ? s[(close + 2)..] : null;
        }
        else
        {
            var colon = s.LastIndexOf(':');
            if (colon >= 0 && s.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                // Bare IPv6 without brackets: no port.
                host = s;
            }
            else if (colon >= 0)
            {
                host = s[..colon];
                portText = s[(colon + 1)..];
            }
            else
            {
                host = s;
            }
        }

        var port = tls ? 443 : 80;
        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            error = $"invalid endpoint '{text}': port must be a number from 1 to 65535";
            return false;
        }

        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '?' or '#' or '@'))
        {
            error = $"invalid endpoint '{text}': expected host[:port], e.g. 192.168.4.1:80";
            return false;
        }

        address = new DeviceAddress(host, port, tls);
        error = null;
        return true;
    }
}
