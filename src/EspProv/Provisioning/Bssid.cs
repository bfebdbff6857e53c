using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace EspProv.Provisioning;

/// <summary>
/// An access point's BSSID (its 6-byte MAC address), with value equality and the usual <c>aa:bb:cc:dd:ee:ff</c> text.
/// </summary>
public readonly record struct Bssid : ISpanFormattable
{
    /// <summary>Bytes in a BSSID.</summary>
    public const int Length = 6;

    private readonly ulong _value;

    private Bssid(ulong value) => _value = value;

    /// <summary>Creates a BSSID from exactly 6 bytes.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 6 bytes long.</exception>
    public Bssid(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"a BSSID is {Length} bytes; got {bytes.Length}", nameof(bytes));
        }

        Span<byte> padded = stackalloc byte[8];
        bytes.CopyTo(padded[2..]);
        _value = BinaryPrimitives.ReadUInt64BigEndian(padded);
    }

    /// <summary>The BSSID from 6 bytes, or null for the empty field firmware sends when it has none.</summary>
    /// <exception cref="ArgumentException">The length is neither 0 nor 6.</exception>
    public static Bssid? FromBytesOrEmpty(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? null : new Bssid(bytes);

    /// <summary>Parses <c>aa:bb:cc:dd:ee:ff</c> (or with <c>-</c>, or 12 hex digits).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Bssid bssid)
    {
        bssid = default;
        var hex = text?.Replace(":", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        if (hex is not { Length: 12 } || !ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        bssid = new Bssid(value);
        return true;
    }

    /// <summary>The 6 bytes, in transmission order.</summary>
    public byte[] ToArray()
    {
        Span<byte> padded = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(padded, _value);
        return padded[2..].ToArray();
    }

    /// <summary><c>aa:bb:cc:dd:ee:ff</c>, lower case.</summary>
    public override string ToString() => ToString(null, null);

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => string.Create(17, _value, static (span, value) =>
    {
        for (var i = 0; i < Length; i++)
        {
            var b = (byte)(value >> (8 * (Length - 1 - i)));
            b.TryFormat(span[(i * 3)..], out _, "x2", CultureInfo.InvariantCulture);
            if (i < Length - 1)
            {
                span[(i * 3) + 2] = ':';
            }
        }
    });

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        var text = ToString();
        charsWritten = text.TryCopyTo(destination) ? text.Length : 0;
        return charsWritten > 0;
    }
}
