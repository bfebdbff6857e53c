using EspProv.Cli.Output;

namespace EspProv.Cli.Batch;

/// <summary>How one device of a batch ended.</summary>
internal enum DeviceVerdict
{
    /// <summary>The device joined the network.</summary>
    Connected,

    /// <summary>The attempt failed (before apply, or the device reported it could not join).</summary>
    Failed,

    /// <summary>Apply may have been acted on, but no verdict came.</summary>
    Unknown,
}

/// <summary>One device's outcome in a batch run: what its <c>result</c> event and the summary show. Holds no secret.</summary>
internal sealed record DeviceResult
{
    public required string Device { get; init; }
    public required DeviceVerdict Verdict { get; init; }
    public required int ExitCode { get; init; }
    public string? Ip { get; init; }
    public string? Bssid { get; init; }
    public int? Channel { get; init; }
    public string? AuthMode { get; init; }
    public string? Reason { get; init; }
    public long ElapsedMs { get; init; }

    /// <summary>Already connected in the journal: nothing was sent this run.</summary>
    public bool FromJournal { get; init; }

    /// <summary><c>connected</c>, <c>failed</c> or <c>unknown</c>.</summary>
    public string Status => Verdict switch
    {
        DeviceVerdict.Connected => "connected",
        DeviceVerdict.Failed => "failed",
        _ => "unknown",
    };

    public ResultEvent ToEvent() => new()
    {
        Device = Device,
        Status = Status,
        ExitCode = ExitCode,
        Ip = Ip,
        Bssid = Bssid,
        Channel = Channel,
        AuthMode = AuthMode,
        Reason = Reason,
        ElapsedMs = ElapsedMs,
        FromJournal = FromJournal,
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
