namespace EspProv.Thread;

/// <summary>
/// The fields of a Thread operational dataset that a complete active dataset carries, numbered as their MeshCoP TLV
/// types (docs/netprov.md#thread-dataset).
/// </summary>
public enum ThreadDatasetField
{
    /// <summary>Channel (TLV 0): channel page 0 and a 2.4 GHz channel, 11–26.</summary>
    Channel = 0,

    /// <summary>PAN ID (TLV 1): 16 bits.</summary>
    PanId = 1,

    /// <summary>Extended PAN ID (TLV 2): 8 bytes.</summary>
    ExtendedPanId = 2,

    /// <summary>Network Name (TLV 3): 1–16 bytes of UTF-8.</summary>
    NetworkName = 3,

    /// <summary>PSKc (TLV 4): 16 bytes derived from the commissioning passphrase. A secret.</summary>
    Pskc = 4,

    /// <summary>Network Key (TLV 5): 16 bytes. A secret.</summary>
    NetworkKey = 5,

    /// <summary>Mesh-Local Prefix (TLV 7): the first 8 bytes of an IPv6 ULA prefix.</summary>
    MeshLocalPrefix = 7,

    /// <summary>Security Policy (TLV 12): key rotation time and flags.</summary>
    SecurityPolicy = 12,

    /// <summary>Active Timestamp (TLV 14): 8 bytes.</summary>
    ActiveTimestamp = 14,

    /// <summary>Channel Mask (TLV 53): the channels the network may use.</summary>
    ChannelMask = 53,
}
