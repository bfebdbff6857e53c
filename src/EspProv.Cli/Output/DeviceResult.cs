using EspProv.Cli.Batch;

namespace EspProv.Cli.Output;

/// <summary>How one device (of a batch, or of a single run) ended.</summary>
internal enum DeviceVerdict
{
    /// <summary>The device joined the network.</summary>
    Connected,

    /// <summary>The attempt failed (before apply, or the device reported it could not join).</summary>
    Failed,

    /// <summary>Apply may have been acted on, but no verdict came.</summary>
    Unknown,
}

/// <summary>
/// One device's outcome: its <c>{"event":"result",...}</c> line (one per device, written by <see cref="JsonLinesWriter"/>)
/// and, in a batch, what the views and the summary show. Holds no secret.
/// </summary>
internal sealed record DeviceResult
{
    /// <summary>The manifest name in a batch (always set there); null in a single run, where the field is omitted.</summary>
    public string? Device { get; init; }

    /// <summary><see cref="Device"/> for the batch's views and summary, where every result names its device.</summary>
    public string Name => Device ?? string.Empty;

    public required DeviceVerdict Verdict { get; init; }
    public required int ExitCode { get; init; }
    public string? Ip { get; init; }
    public string? Bssid { get; init; }
    public int? Channel { get; init; }
    public string? AuthMode { get; init; }
    public string? Reason { get; init; }

    /// <summary>The kind of network the device provisions (<c>wifi</c> or <c>thread</c>), once it answered proto-ver; else null (omitted).</summary>
    public string? Network { get; init; }

    /// <summary>The Thread network a Thread device attached to (<c>network_name</c>, <c>pan_id</c>, <c>ext_pan_id</c>); null otherwise (omitted).</summary>
    public EspProv.Thread.ThreadNetworkInfo? Thread { get; init; }
    public long ElapsedMs { get; init; }

    /// <summary>Already connected in the journal: nothing was sent this run (written only when true).</summary>
    public bool FromJournal { get; init; }

    /// <summary><c>connected</c>, <c>failed</c> or <c>unknown</c>.</summary>
    public string Status => Verdict switch
    {
        DeviceVerdict.Connected => "connected",
        DeviceVerdict.Failed => "failed",
        _ => "unknown",
    };

    /// <summary>A device the journal already has as connected.</summary>
    public static DeviceResult FromRecord(DeviceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new DeviceResult
        {
            Device = record.Name,
            Verdict = DeviceVerdict.Connected,
            ExitCode = ExitCodes.Success,
            Ip = record.Ip,
            Bssid = record.Bssid,
            Channel = record.Channel,
            AuthMode = record.AuthMode,
            FromJournal = true,
        };
    }
}
