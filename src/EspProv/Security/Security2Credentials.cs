using System.Security.Cryptography;
using System.Text;
using EspProv.Security.Primitives;

namespace EspProv.Security;

/// <summary>
/// The salt and verifier a security 2 device stores (docs/protocol.md#salt-and-verifier), made as <c>esp_prov
/// --sec2_gen_cred</c> makes them: RFC 5054 3072-bit group, g = 5, SHA-512; the salt is <c>bytes(int(random))</c>
/// (never starts with 0x00, so it can be shorter than asked, ≈1/256), x = H(salt ‖ H(I ‖ ":" ‖ P)) with the leading
/// zero bytes of the inner hash dropped, v = g^x mod N in minimal big-endian bytes.
/// </summary>
public static class Security2Credentials
{
    /// <summary>esp_prov's default salt length (<c>--sec2_salt_len</c>).</summary>
    public const int DefaultSaltLength = 16;

    /// <summary>Generates a random salt and its verifier.</summary>
    /// <param name="username">The username (UTF-8).</param>
    /// <param name="password">The password (UTF-8).</param>
    /// <param name="saltLength">Random bytes drawn for the salt (1–65535); leading zero bytes are then dropped as esp_prov does.</param>
    /// <param name="random">Source of the salt; null = the OS CSPRNG.</param>
    public static (byte[] Salt, byte[] Verifier) Generate(string username, string password, int saltLength = DefaultSaltLength, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(saltLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(saltLength, ushort.MaxValue);
        if (username.Length == 0)
        {
            throw new ArgumentException("the username must not be empty", nameof(username));
        }

        var drawn = new byte[saltLength];
        (random ?? SystemRandomSource.Instance).Fill(drawn);
        var salt = Srp6a.ToMinimalBytes(Srp6a.ToInteger(drawn));
        CryptographicOperations.ZeroMemory(drawn);
        return (salt, ComputeVerifier(username, password, salt));
    }

    /// <summary>The verifier for a given salt (used as given), in minimal big-endian bytes.</summary>
    public static byte[] ComputeVerifier(string username, string password, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(password);
        if (salt.IsEmpty)
        {
            throw new ArgumentException("the salt must not be empty", nameof(salt));
        }

        return Srp6a.ToMinimalBytes(Srp6a.ComputeVerifier(Srp6a.ComputeX(username, password, salt)));
    }

    /// <summary>
    /// The two C arrays exactly as esp_prov prints them (without its "==== Salt-verifier ... ====" banner):
    /// <c>static const char sec2_salt[] = {</c>, the bytes as <c>0x%02x</c> joined by ", " and cut into 96-character
    /// lines indented by four spaces (16 bytes a line; a cut line keeps its trailing ", "), <c>};</c>, an empty line,
    /// then the same for <c>sec2_verifier</c>. Lines end with "\n".
    /// </summary>
    public static string FormatForFirmware(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> verifier)
    {
        var text = new StringBuilder();
        AppendArray(text, "sec2_salt", salt);
        AppendArray(text, "sec2_verifier", verifier);
        return text.ToString();
    }

    private static void AppendArray(StringBuilder text, string name, ReadOnlySpan<byte> bytes)
    {
        const int lineWidth = 96;
        var items = new StringBuilder();
        for (var i = 0; i < bytes.Length; i++)
        {
            if (i > 0)
            {
                items.Append(", ");
            }

            items.Append("0x").Append(bytes[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        var joined = items.ToString();
        text.Append("static const char ").Append(name).Append("[] = {\n    ");
        for (var start = 0; start < joined.Length; start += lineWidth)
        {
            if (start > 0)
            {
                text.Append("\n    ");
            }

            text.Append(joined, start, Math.Min(lineWidth, joined.Length - start));
        }

        text.Append("\n};\n\n");
    }
}
