using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using EspProv.Security;

namespace EspProv.Provisioning;

/// <summary>
/// The QR payload Espressif firmware prints and device labels carry (docs/protocol.md#qr-payload), e.g.
/// <c>{"ver":"v1","name":"PROV_1A2B3C","pop":"abcd1234","transport":"softap"}</c>; for security 2 it also has
/// <c>username</c>, and <c>pop</c> is then the SRP password.
/// </summary>
public sealed record QrPayload
{
    /// <summary>The device's service name: its soft-AP SSID (to join before provisioning).</summary>
    public string? Name { get; init; }

    /// <summary>The PoP (security 1) or the password (security 2, when <see cref="Username"/> is set).</summary>
    public string? Pop { get; init; }

    /// <summary>The security 2 username.</summary>
    public string? Username { get; init; }

    /// <summary>The security scheme when the payload states it.</summary>
    public SecurityScheme? Security { get; init; }

    /// <summary><c>softap</c> or <c>ble</c>.</summary>
    public string? Transport { get; init; }

    /// <summary>The soft AP's Wi-Fi password, when the payload carries one (Android library's <c>password</c>).</summary>
    public string? SoftApPassword { get; init; }

    /// <summary>
    /// The network the device provisions, as network_provisioning's examples print it (<c>"network":"wifi"</c> or
    /// <c>"thread"</c>, lowercase here); null when the payload does not say (every older device, which is Wi-Fi).
    /// </summary>
    public string? Network { get; init; }

    /// <summary>The scheme implied by the payload: <see cref="Security"/>, else security 2 when a username is present, else null (ask the device).</summary>
    public SecurityScheme? ImpliedSecurity => Security ?? (Username is not null ? SecurityScheme.Sec2 : null);

    /// <summary>Never shows the PoP or passwords.</summary>
    public override string ToString() => $"QrPayload {{ Name = {Name}, Username = {Username}, Security = {Security}, Transport = {Transport}, Network = {Network} }}";

    /// <summary>Parses a payload; false with a reason when it is not valid JSON of that shape.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out QrPayload? payload, [NotNullWhen(false)] out string? error)
    {
        payload = null;
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "QR payload must be a JSON object";
                return false;
            }

            SecurityScheme? security = null;
            if (root.TryGetProperty("security", out var sec))
            {
                if (sec.ValueKind == JsonValueKind.Number && sec.TryGetInt32(out var s) && s is >= 0 and <= 2)
                {
                    security = (SecurityScheme)s;
                }
                else if (sec.ValueKind == JsonValueKind.String && int.TryParse(sec.GetString(), out var s2) && s2 is >= 0 and <= 2)
                {
                    security = (SecurityScheme)s2;
                }
                else
                {
                    error = "QR payload: 'security' must be 0, 1 or 2";
                    return false;
                }
            }

            var network = Read(root, "network")?.ToLowerInvariant();
            if (network is not (null or "wifi" or "thread"))
            {
                error = "QR payload: 'network' must be wifi or thread";
                return false;
            }

            payload = new QrPayload
            {
                Network = network,
                Name = Read(root, "name"),
                Pop = Read(root, "pop"),
                Username = Read(root, "username"),
                Security = security,
                Transport = Read(root, "transport"),
                SoftApPassword = Read(root, "password"),
            };
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = $"QR payload is not valid JSON ({ex.Message.Split('.')[0]})";
            return false;
        }
    }

    private static string? Read(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
