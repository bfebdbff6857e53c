using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace EspProv.Thread;

/// <summary>
/// A Thread operational dataset: the MeshCoP TLV list that <c>ot-ctl dataset active -x</c> prints as hex and that
/// network_provisioning devices take in <c>CmdSetThreadConfig</c> (docs/netprov.md#thread-dataset). Parse it, read
/// and change each field, check what a complete active dataset lacks, format it back. TLVs of other types are kept
/// in place, so parse ∘ format returns the same bytes.
/// </summary>
/// <remarks>
/// The network key and the PSKc are secrets: <see cref="ToString"/> never shows them (nor does it show the hex, which
/// holds them). <see cref="ToHex"/> does; it is what a device needs.
/// </remarks>
public sealed class ThreadDataset
{
    /// <summary>The fields a complete active dataset has, in <c>dataset active -x</c> order.</summary>
    public static IReadOnlyList<ThreadDatasetField> ActiveFields { get; } =
    [
        ThreadDatasetField.ActiveTimestamp, ThreadDatasetField.Channel, ThreadDatasetField.ChannelMask, ThreadDatasetField.ExtendedPanId,
        ThreadDatasetField.MeshLocalPrefix, ThreadDatasetField.NetworkKey, ThreadDatasetField.NetworkName, ThreadDatasetField.PanId,
        ThreadDatasetField.Pskc, ThreadDatasetField.SecurityPolicy,
    ];

    private readonly List<KeyValuePair<byte, byte[]>> _tlvs;

    /// <summary>An empty dataset; set its fields, or use <see cref="CreateActive"/>.</summary>
    public ThreadDataset()
        : this([])
    {
    }

    private ThreadDataset(List<KeyValuePair<byte, byte[]>> tlvs) => _tlvs = tlvs;

    /// <summary>Channel (page 0), 11–26; null when absent.</summary>
    public int? Channel
    {
        get => Get(ThreadDatasetField.Channel) is { } v ? BinaryPrimitives.ReadUInt16BigEndian(v.AsSpan(1)) : null;
        set => Set(ThreadDatasetField.Channel, value is { } c ? [0, (byte)(c >> 8), (byte)c] : null, value is < 0 or > 0xffff);
    }

    /// <summary>PAN ID; null when absent.</summary>
    public ushort? PanId
    {
        get => Get(ThreadDatasetField.PanId) is { } v ? BinaryPrimitives.ReadUInt16BigEndian(v) : null;
        set => Set(ThreadDatasetField.PanId, value is { } p ? [(byte)(p >> 8), (byte)p] : null);
    }

    /// <summary>Extended PAN ID (8 bytes); null when absent.</summary>
    public ReadOnlyMemory<byte>? ExtendedPanId
    {
        get => Get(ThreadDatasetField.ExtendedPanId) is { } v ? v.ToArray() : null;
        set => Set(ThreadDatasetField.ExtendedPanId, value?.ToArray());
    }

    /// <summary>Network name (1–16 bytes of UTF-8); null when absent.</summary>
    public string? NetworkName
    {
        get => Get(ThreadDatasetField.NetworkName) is { } v ? Encoding.UTF8.GetString(v) : null;
        set => Set(ThreadDatasetField.NetworkName, value is null ? null : Encoding.UTF8.GetBytes(value));
    }

    /// <summary>PSKc (16 bytes); null when absent. A secret: never print or log it.</summary>
    public ReadOnlyMemory<byte>? Pskc
    {
        get => Get(ThreadDatasetField.Pskc) is { } v ? v.ToArray() : null;
        set => Set(ThreadDatasetField.Pskc, value?.ToArray());
    }

    /// <summary>Network key (16 bytes); null when absent. A secret: never print or log it.</summary>
    public ReadOnlyMemory<byte>? NetworkKey
    {
        get => Get(ThreadDatasetField.NetworkKey) is { } v ? v.ToArray() : null;
        set => Set(ThreadDatasetField.NetworkKey, value?.ToArray());
    }

    /// <summary>Mesh-local prefix (the 8 bytes of a /64, e.g. fd00:db8:a0:0::/64); null when absent.</summary>
    public ReadOnlyMemory<byte>? MeshLocalPrefix
    {
        get => Get(ThreadDatasetField.MeshLocalPrefix) is { } v ? v.ToArray() : null;
        set => Set(ThreadDatasetField.MeshLocalPrefix, value?.ToArray());
    }

    /// <summary>Security policy; null when absent.</summary>
    public ThreadSecurityPolicy? SecurityPolicy
    {
        get => Get(ThreadDatasetField.SecurityPolicy) is { } v ? new ThreadSecurityPolicy(BinaryPrimitives.ReadUInt16BigEndian(v), v.AsSpan(2)) : null;
        set => Set(ThreadDatasetField.SecurityPolicy, value?.ToBytes());
    }

    /// <summary>Active timestamp; null when absent.</summary>
    public ThreadTimestamp? ActiveTimestamp
    {
        get => Get(ThreadDatasetField.ActiveTimestamp) is { } v ? ThreadTimestamp.FromBytes(v) : null;
        set => Set(ThreadDatasetField.ActiveTimestamp, value?.ToBytes());
    }

    /// <summary>
    /// The channel mask of page 0, bit n set for channel n (channels 11–26: <c>0x07fff800</c>); null when absent or
    /// without a page-0 entry. Setting it writes a single page-0 entry.
    /// </summary>
    public uint? ChannelMask
    {
        get => Get(ThreadDatasetField.ChannelMask) is { } v ? ThreadTlvs.ReadPage0Mask(v) : null;
        set => Set(ThreadDatasetField.ChannelMask, value is { } m ? ThreadTlvs.Page0Mask(m) : null);
    }

    /// <summary>The fields of <see cref="ActiveFields"/> this dataset lacks; empty for a complete active dataset.</summary>
    public IReadOnlyList<ThreadDatasetField> MissingActiveFields => [.. ActiveFields.Where(f => !Contains(f))];

    /// <summary>True when every field of a complete active dataset is present.</summary>
    public bool IsCompleteActive => MissingActiveFields.Count == 0;

    /// <summary>The encoded length in bytes.</summary>
    public int Length => _tlvs.Sum(t => 2 + t.Value.Length);

    /// <summary>The TLV types present, in order (known and unknown).</summary>
    public IReadOnlyList<int> TlvTypes => [.. _tlvs.Select(t => (int)t.Key)];

    /// <summary>
    /// Parses hex (the <c>ot-ctl dataset active -x</c> form; either case, surrounding white space ignored).
    /// </summary>
    /// <exception cref="ThreadDatasetFormatException">Not hex, or a TLV at fault: the message gives the byte offset and the TLV.</exception>
    public static ThreadDataset Parse(string hex) => FromBytes(ThreadTlvs.DecodeHex(hex));

    /// <summary>Parses like <see cref="Parse"/>; false (and <paramref name="error"/>) instead of an exception.</summary>
    public static bool TryParse(string? hex, [NotNullWhen(true)] out ThreadDataset? dataset, [NotNullWhen(false)] out ThreadDatasetFormatException? error)
    {
        dataset = null;
        if (hex is null)
        {
            error = new ThreadDatasetFormatException(0, null, "no dataset");
            return false;
        }

        try
        {
            dataset = Parse(hex);
            error = null;
            return true;
        }
        catch (ThreadDatasetFormatException ex)
        {
            error = ex;
            return false;
        }
    }

    /// <summary>Parses the TLV bytes.</summary>
    /// <exception cref="ThreadDatasetFormatException">A TLV at fault: the message gives the byte offset and the TLV.</exception>
    public static ThreadDataset FromBytes(ReadOnlySpan<byte> tlvs) => new(ThreadTlvs.Split(tlvs));

    /// <summary>
    /// Builds a complete active dataset from <paramref name="parts"/>; what is not given is chosen as OpenThread's
    /// <c>dataset init new</c> does (random channel, PAN ID, extended PAN ID, network key, mesh-local prefix, PSKc).
    /// </summary>
    /// <param name="parts">The fields to use; null = all chosen.</param>
    /// <param name="random">Where random fields come from; null = the OS CSPRNG.</param>
    /// <exception cref="ArgumentException">A part is out of range, or both a PSKc and a passphrase are given.</exception>
    public static ThreadDataset CreateActive(ThreadDatasetParts? parts = null, Security.IRandomSource? random = null) =>
        ThreadDatasetBuilder.Build(parts ?? new ThreadDatasetParts(), random ?? Security.SystemRandomSource.Instance);

    /// <summary>
    /// Derives the PSKc from a commissioning passphrase (docs/netprov.md#pskc): PBKDF2 with AES-CMAC-PRF-128, 16,384
    /// iterations, salt "Thread" + extended PAN ID + network name.
    /// </summary>
    /// <returns>16 bytes; the caller zeroes them when done.</returns>
    public static byte[] DerivePskc(string passphrase, string networkName, ReadOnlySpan<byte> extendedPanId)
    {
        ThreadDatasetParts.CheckPassphrase(passphrase);
        if (extendedPanId.Length != 8)
        {
            throw new ArgumentException($"must be 8 bytes; got {extendedPanId.Length}", nameof(extendedPanId));
        }

        return ThreadPskc.Derive(passphrase, networkName, extendedPanId);
    }

    /// <summary>True when the field's TLV is present.</summary>
    public bool Contains(ThreadDatasetField field) => Get(field) is not null;

    /// <summary>Removes the field's TLV; true if it was there.</summary>
    public bool Remove(ThreadDatasetField field) => _tlvs.RemoveAll(t => t.Key == (byte)field) > 0;

    /// <summary>The TLV bytes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Length];
        var offset = 0;
        foreach (var (type, value) in _tlvs)
        {
            bytes[offset] = type;
            bytes[offset + 1] = (byte)value.Length;
            value.CopyTo(bytes, offset + 2);
            offset += 2 + value.Length;
        }

        return bytes;
    }

    /// <summary>The TLVs as lowercase hex, the <c>ot-ctl dataset active -x</c> form. Holds the network key: handle as a secret.</summary>
    public string ToHex() => Convert.ToHexStringLower(ToBytes());

    /// <summary>A copy that can be changed independently.</summary>
    public ThreadDataset Clone() => new([.. _tlvs.Select(t => new KeyValuePair<byte, byte[]>(t.Key, (byte[])t.Value.Clone()))]);

    /// <summary>The fields without the secrets: network key and PSKc show as present or absent only.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        Add("name", NetworkName is { } n ? $"'{n}'" : null);
        Add("channel", Channel?.ToString(CultureInfo.InvariantCulture));
        Add("PAN ID", PanId is { } p ? $"0x{p:x4}" : null);
        Add("extended PAN ID", ExtendedPanId is { } x ? Convert.ToHexStringLower(x.Span) : null);
        Add("mesh-local prefix", MeshLocalPrefix is { } m ? Convert.ToHexStringLower(m.Span) : null);
        Add("network key", Contains(ThreadDatasetField.NetworkKey) ? "(set)" : null);
        Add("PSKc", Contains(ThreadDatasetField.Pskc) ? "(set)" : null);
        Add("active timestamp", ActiveTimestamp?.Seconds.ToString(CultureInfo.InvariantCulture));
        Add("channel mask", ChannelMask is { } c ? $"0x{c:x8}" : null);
        Add("security policy", SecurityPolicy?.ToString());
        var missing = MissingActiveFields;
        return $"ThreadDataset {{ {string.Join(", ", parts)}{(missing.Count == 0 ? string.Empty : $"; lacks {string.Join(", ", missing)}")} }}";

        void Add(string label, string? value)
        {
            if (value is not null)
            {
                parts.Add($"{label} {value}");
            }
        }
    }

    private byte[]? Get(ThreadDatasetField field)
    {
        // The first TLV of a type counts, as in OpenThread.
        foreach (var (type, value) in _tlvs)
        {
            if (type == (byte)field)
            {
                return value;
            }
        }

        return null;
    }

    private void Set(ThreadDatasetField field, byte[]? value, bool outOfRange = false, [System.Runtime.CompilerServices.CallerMemberName] string property = "")
    {
        if (value is null)
        {
            Remove(field);
            return;
        }

        if ((outOfRange ? "out of range" : ThreadTlvs.CheckValue((int)field, value)) is { } fault)
        {
            throw new ArgumentException($"{ThreadDatasetFormatException.TlvName((int)field)}: {fault}", property);
        }

        var index = _tlvs.FindIndex(t => t.Key == (byte)field);
        var current = index >= 0 ? _tlvs[index].Value.Length + 2 : 0;
        if (Length - current + 2 + value.Length > ThreadTlvs.MaxLength)
        {
            throw new ArgumentException($"the dataset would exceed {ThreadTlvs.MaxLength} bytes", property);
        }

        if (index >= 0)
        {
            _tlvs[index] = new((byte)field, value);
        }
        else
        {
            _tlvs.Add(new((byte)field, value));
        }
    }
}
