namespace EspProv.Thread;

/// <summary>
/// A Thread dataset that does not parse: the hex is not hex, a TLV runs past the end, or a known TLV has a length or
/// value a Thread stack refuses. Says where: the byte offset and, when one is at fault, the TLV's type.
/// </summary>
public sealed class ThreadDatasetFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="offset">Byte offset in the dataset where the fault is (for bad hex: the byte the character belongs to).</param>
    /// <param name="tlvType">Type of the TLV at fault, or null when the fault is not in a TLV (bad hex, too long).</param>
    /// <param name="reason">What is wrong, in a few words.</param>
    public ThreadDatasetFormatException(int offset, int? tlvType, string reason)
        : base(Describe(offset, tlvType, reason))
    {
        Offset = offset;
        TlvType = tlvType;
        Reason = reason;
    }

    /// <summary>Byte offset of the fault in the dataset.</summary>
    public int Offset { get; }

    /// <summary>Type of the TLV at fault; null when the fault is outside any TLV.</summary>
    public int? TlvType { get; }

    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; }

    /// <summary>The name of a TLV type, e.g. "Network Key (5)".</summary>
    public static string TlvName(int type) => type switch
    {
        0 => "Channel (0)",
        1 => "PAN ID (1)",
        2 => "Extended PAN ID (2)",
        3 => "Network Name (3)",
        4 => "PSKc (4)",
        5 => "Network Key (5)",
        7 => "Mesh-Local Prefix (7)",
        12 => "Security Policy (12)",
        14 => "Active Timestamp (14)",
        51 => "Pending Timestamp (51)",
        52 => "Delay Timer (52)",
        53 => "Channel Mask (53)",
        _ => $"TLV {type}",
    };

    private static string Describe(int offset, int? tlvType, string reason) =>
        tlvType is { } type
            ? $"Thread dataset: byte {offset}, {TlvName(type)}: {reason}"
            : $"Thread dataset: byte {offset}: {reason}";
}
