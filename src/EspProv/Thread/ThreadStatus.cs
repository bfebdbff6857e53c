namespace EspProv.Thread;

/// <summary>What a Thread device reports about joining (<c>RespGetThreadStatus.thread_state</c>).</summary>
public enum ThreadNetworkState
{
    /// <summary>Attached to the network.</summary>
    Attached = 0,

    /// <summary>Trying to attach (also before any dataset was applied).</summary>
    Attaching = 1,

    /// <summary>Detached (firmware's "Dettached"); network_provisioning itself reports failures as <see cref="AttachingFailed"/>.</summary>
    Detached = 2,

    /// <summary>The attach failed; see <see cref="ThreadStatus.FailureReason"/>.</summary>
    AttachingFailed = 3,
}

/// <summary>Why a Thread device could not attach.</summary>
public enum ThreadFailureReason
{
    /// <summary>The device's Thread stack refused the dataset.</summary>
    DatasetInvalid = 0,

    /// <summary>No network with this dataset answered before the device's attach timeout (20 s on firmware).</summary>
    NetworkNotFound = 1,

    /// <summary>A failure without a reason the client knows.</summary>
    Unknown = 2,
}

/// <summary>The network a Thread device attached to (<c>ThreadAttachState</c>): the outcome of provisioning a Thread device.</summary>
/// <param name="PanId">PAN ID.</param>
/// <param name="ExtendedPanId">Extended PAN ID (8 bytes).</param>
/// <param name="Channel">Channel, 11–26.</param>
/// <param name="NetworkName">Network name.</param>
public sealed record ThreadNetworkInfo(ushort PanId, ReadOnlyMemory<byte> ExtendedPanId, int Channel, string NetworkName) : Provisioning.NetworkConnection
{
    /// <inheritdoc />
    public override string ToString() => $"'{NetworkName}' (PAN ID 0x{PanId:x4}, extended PAN ID {Convert.ToHexStringLower(ExtendedPanId.Span)}, channel {Channel})";
}

/// <summary>One answer to a Thread status request.</summary>
/// <param name="State">The state.</param>
/// <param name="FailureReason">Set when <paramref name="State"/> is <see cref="ThreadNetworkState.AttachingFailed"/>.</param>
/// <param name="Network">Set when <paramref name="State"/> is <see cref="ThreadNetworkState.Attached"/>.</param>
public sealed record ThreadStatus(ThreadNetworkState State, ThreadFailureReason? FailureReason, ThreadNetworkInfo? Network) : Provisioning.NetworkStatus;

/// <summary>A Thread network found by a device's scan (<c>ThreadScanResult</c>).</summary>
/// <param name="PanId">PAN ID.</param>
/// <param name="Channel">Channel, 11–26.</param>
/// <param name="Rssi">Signal strength, dBm.</param>
/// <param name="Lqi">Link quality indicator, 0–255.</param>
/// <param name="ExtendedAddress">The answering node's extended (MAC) address, 8 bytes.</param>
/// <param name="NetworkName">Network name (empty when the beacon carried none).</param>
/// <param name="ExtendedPanId">Extended PAN ID, 8 bytes (zeros when the beacon carried none).</param>
public sealed record ThreadNetwork(ushort PanId, int Channel, int Rssi, int Lqi, ReadOnlyMemory<byte> ExtendedAddress, string NetworkName, ReadOnlyMemory<byte> ExtendedPanId)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"'{NetworkName}' PAN ID 0x{PanId:x4}, extended PAN ID {Convert.ToHexStringLower(ExtendedPanId.Span)}, channel {Channel}, RSSI {Rssi} dBm, LQI {Lqi}";
}
