using System.Buffers.Binary;
using System.Text;

namespace EspProv.Thread;

/// <summary>
/// The MeshCoP TLV rules a Thread stack applies when it parses an operational dataset (OpenThread's
/// <c>otDatasetParseTlvs</c>): every TLV inside the buffer, known TLVs with their lengths and values, at most 254 bytes.
/// </summary>
internal static class ThreadTlvs
{
    /// <summary>OT_OPERATIONAL_DATASET_MAX_LENGTH.</summary>
    public const int MaxLength = 254;

    public const int ChannelMaskType = 53;
    private const int PendingTimestampType = 51;
    private const int DelayTimerType = 52;
    private const int ExtendedLengthMarker = 0xff;

    public static byte[] DecodeHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var text = hex.AsSpan().Trim();
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsAsciiHexDigit(text[i]))
            {
                // Name the position only: the character could be part of a key.
                throw new ThreadDatasetFormatException(i / 2, null, $"character {i} is not a hex digit");
            }
        }

        if (text.Length % 2 != 0)
        {
            throw new ThreadDatasetFormatException(text.Length / 2, null, "odd number of hex digits");
        }

        return Convert.FromHexString(text);
    }

    /// <summary>Splits and checks the TLVs; throws <see cref="ThreadDatasetFormatException"/> at the first fault.</summary>
    public static List<KeyValuePair<byte, byte[]>> Split(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxLength)
        {
            throw new ThreadDatasetFormatException(MaxLength, null, $"{bytes.Length} bytes; a dataset has at most {MaxLength}");
        }

        var tlvs = new List<KeyValuePair<byte, byte[]>>();
        var offset = 0;
        while (offset < bytes.Length)
        {
            var type = bytes[offset];
            if (offset + 2 > bytes.Length)
            {
                throw new ThreadDatasetFormatException(offset, type, "the TLV has no length byte");
            }

            var length = bytes[offset + 1];
            if (length == ExtendedLengthMarker)
            {
                throw new ThreadDatasetFormatException(offset, type, "extended-length TLVs are not allowed in a dataset");
            }

            if (offset + 2 + length > bytes.Length)
            {
                throw new ThreadDatasetFormatException(offset, type, $"length {length} runs past the end ({bytes.Length - offset - 2} bytes left)");
            }

            var value = bytes.Slice(offset + 2, length);
            if (CheckValue(type, value) is { } fault)
            {
                throw new ThreadDatasetFormatException(offset, type, fault);
            }

            tlvs.Add(new(type, value.ToArray()));
            offset += 2 + length;
        }

        return tlvs;
    }

    /// <summary>Why a known TLV's value is refused, or null when it is fine (unknown types are kept as they are).</summary>
    public static string? CheckValue(int type, ReadOnlySpan<byte> value) => type switch
    {
        (int)ThreadDatasetField.Channel => value.Length != 3 ? Expected(value, 3)
            : value[0] != 0 ? $"channel page {value[0]} is not supported (page 0 only)"
            : BinaryPrimitives.ReadUInt16BigEndian(value[1..]) is var channel && channel is < 11 or > 26 ? $"channel {channel} is not 11-26"
            : null,
        (int)ThreadDatasetField.PanId => value.Length != 2 ? Expected(value, 2) : null,
        (int)ThreadDatasetField.ExtendedPanId or (int)ThreadDatasetField.MeshLocalPrefix => value.Length != 8 ? Expected(value, 8) : null,
        (int)ThreadDatasetField.NetworkName => CheckName(value),
        (int)ThreadDatasetField.Pskc or (int)ThreadDatasetField.NetworkKey => value.Length != 16 ? Expected(value, 16) : null,
        (int)ThreadDatasetField.SecurityPolicy => value.Length is not (3 or 4) ? $"length {value.Length}, expected 3 or 4"
            : BinaryPrimitives.ReadUInt16BigEndian(value) == 0 ? "key rotation time 0" : null,
        (int)ThreadDatasetField.ActiveTimestamp or PendingTimestampType => value.Length != 8 ? Expected(value, 8) : null,
        DelayTimerType => value.Length != 4 ? Expected(value, 4) : null,
        ChannelMaskType => CheckChannelMask(value),
        _ => null,
    };

    /// <summary>The page-0 mask of a Channel Mask TLV value (bit n = channel n), or null if it has no page-0 entry.</summary>
    public static uint? ReadPage0Mask(ReadOnlySpan<byte> value)
    {
        var offset = 0;
        while (offset + 2 <= value.Length)
        {
            var page = value[offset];
            var length = value[offset + 1];
            if (page == 0 && length == 4 && offset + 6 <= value.Length)
            {
                // On the air the mask is big-endian with channel 0 in the most significant bit.
                return ReverseBits(BinaryPrimitives.ReadUInt32BigEndian(value.Slice(offset + 2, 4)));
            }

            offset += 2 + length;
        }

        return null;
    }

    public static byte[] Page0Mask(uint mask)
    {
        var bytes = new byte[6];
        bytes[0] = 0;
        bytes[1] = 4;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(2), ReverseBits(mask));
        return bytes;
    }

    private static uint ReverseBits(uint value)
    {
        uint result = 0;
        for (var i = 0; i < 32; i++)
        {
            result = (result << 1) | ((value >> i) & 1);
        }

        return result;
    }

    private static string? CheckName(ReadOnlySpan<byte> value)
    {
        if (value.Length is < 1 or > 16)
        {
            return $"length {value.Length}, expected 1-16";
        }

        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(value);
            return null;
        }
        catch (DecoderFallbackException)
        {
            return "the name is not valid UTF-8";
        }
    }

    private static string? CheckChannelMask(ReadOnlySpan<byte> value)
    {
        if (value.Length == 0)
        {
            return "empty channel mask";
        }

        var offset = 0;
        while (offset < value.Length)
        {
            if (offset + 2 > value.Length)
            {
                return $"mask entry at {offset} has no length";
            }

            var page = value[offset];
            var length = value[offset + 1];
            if (offset + 2 + length > value.Length)
            {
                return $"mask entry at {offset} runs past the TLV";
            }

            if (page == 0 && length != 4)
            {
                return $"page 0 mask of {length} bytes, expected 4";
            }

            offset += 2 + length;
        }

        return null;
    }

    private static string Expected(ReadOnlySpan<byte> value, int expected) => $"length {value.Length}, expected {expected}";
}
