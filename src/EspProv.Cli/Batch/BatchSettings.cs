namespace EspProv.Cli.Batch;

/// <summary>
/// The parsed flags of <c>esp-prov batch</c>. The provisioning values are defaults that a manifest row overrides
/// field by field (<see cref="ForDevice"/>). Holds secrets, so <see cref="ToString"/> never shows them.
/// </summary>
internal sealed record BatchSettings
{
    public const int DefaultConcurrency = 4;

    /// <summary>The manifest; with <see cref="Discover"/> optional (per-device values matched by name).</summary>
    public string? ManifestPath { get; init; }
    public required string JournalPath { get; init; }
    public string? Ssid { get; init; }
    public string? Passphrase { get; init; }

    /// <summary>The Thread dataset for rows without <c>dataset_tlvs</c> (<c>--dataset_tlvs</c>, <c>--dataset-file</c>, <c>ESP_PROV_DATASET_TLVS</c>). Secret.</summary>
    public EspProv.Thread.ThreadDataset? Dataset { get; init; }

    /// <summary>Where <see cref="Dataset"/> came from, for messages.</summary>
    public string? DatasetSource { get; init; }
    public int? SecVer { get; init; }
    public string Pop { get; init; } = string.Empty;
    public string? Sec2Username { get; init; }
    public string? Sec2Password { get; init; }
    public string? Transport { get; init; }
    public string? Interface { get; init; }
    public int Concurrency { get; init; } = DefaultConcurrency;
    public bool Json { get; init; }
    public double TimeoutSeconds { get; init; } = 120;
    public int? PollIntervalMs { get; init; }
    public bool RetryUnknown { get; init; }
    public bool ManifestChangedOk { get; init; }

    /// <summary><c>--transcript-dir</c>: one transcript per device run, in this directory (created if missing); null = none.</summary>
    public string? TranscriptDir { get; init; }

    /// <summary><c>--redact-network</c>: SSIDs, BSSIDs and IP addresses replaced in the transcripts.</summary>
    public bool RedactNetwork { get; init; }

    /// <summary><c>--discover PREFIX</c>: provision every device in range whose name starts with it; null = a manifest batch.</summary>
    public string? Discover { get; init; }

    /// <summary><c>--discover-timeout</c>: how long discovery looks for devices, in seconds.</summary>
    public double DiscoverTimeoutSeconds { get; init; } = 30;

    /// <summary><c>--max</c>: provision at most this many of the devices found; null = all.</summary>
    public int? Max { get; init; }

    /// <summary>With <see cref="Discover"/> over soft AP: the Wi-Fi interface and the soft APs' passphrase (<c>--join</c>'s flags).</summary>
    public Transports.SoftAp.JoinSettings? Join { get; init; }

    /// <summary>With <see cref="Discover"/> over BLE: <c>--ble_adapter</c>.</summary>
    public string? BleAdapter { get; init; }

    /// <summary><c>--scan_timeout</c>: how long connecting to a found device may look for it again (BLE) or its network (soft AP).</summary>
    public double ScanTimeoutSeconds { get; init; } = 10;

    /// <summary>The D-Bus system bus of BlueZ and NetworkManager when not the standard one (tests, the virtual BlueZ).</summary>
    public string? BusAddress { get; init; }

    /// <summary>A usage error found while reading the flags (an unreadable secret file), reported with exit 64.</summary>
    public string? UsageError { get; init; }

    /// <summary>Never shows the passphrase, PoP or password.</summary>
    public override string ToString() =>
        $"BatchSettings {{ Manifest = {ManifestPath}, Journal = {JournalPath}, Ssid = {Ssid}, Concurrency = {Concurrency}, Json = {Json} }}";

    /// <summary>The flags' problems (each a usage error, exit 64), or null.</summary>
    public string? Validate()
    {
        if (UsageError is not null)
        {
            return UsageError;
        }

        if (Concurrency is < 1 or > 256)
        {
            return "--concurrency must be between 1 and 256";
        }

        if (TimeoutSeconds is <= 0 or > 86400 || double.IsNaN(TimeoutSeconds))
        {
            return "--timeout must be between 0 and 86400 seconds";
        }

        if (PollIntervalMs is < 1 or > 60000)
        {
            return "--poll_interval must be between 1 and 60000 ms";
        }

        if (SecVer is < 0 or > 2)
        {
            return "--sec_ver must be 0, 1 or 2";
        }

        if (Discover is null && (ManifestPath is null || Max is not null))
        {
            return ManifestPath is null ? "give --manifest FILE or --discover PREFIX" : "--max goes with --discover";
        }

        if (Discover is not null && DiscoverSettingsProblem() is { } discover)
        {
            return discover;
        }

        return Transports.TransportFactory.Find(Transport) is null
            ? $"--transport {Transport} is not supported: use one of {Transports.TransportFactory.KnownNames}"
            : null;
    }

    private string? DiscoverSettingsProblem()
    {
        if (DiscoverTimeoutSeconds is <= 0 or > 3600 || double.IsNaN(DiscoverTimeoutSeconds))
        {
            return "--discover-timeout must be between 0 and 3600 seconds";
        }

        if (Max is < 1)
        {
            return "--max must be at least 1";
        }

        if (ScanTimeoutSeconds is <= 0 or > 3600 || double.IsNaN(ScanTimeoutSeconds))
        {
            return "--scan_timeout must be between 0 and 3600 seconds";
        }

        return Transports.TransportFactory.Find(Transport) is null or { Discovery: not null }
            ? null
            : $"--discover finds {Transports.TransportFactory.DiscoverableKinds} devices: --transport {Transport} cannot be discovered";
    }

    /// <summary>One device's run: the row's values where it has them, else the flags'.</summary>
    public ProvisionSettings ForDevice(ManifestEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        // A row names its network's kind by its column (ssid or dataset_tlvs); the flags' other kind does not apply to it.
        var rowThread = entry.DatasetTlvs is not null;
        var rowWifi = entry.Ssid is not null;
        var ssid = rowThread ? null : entry.Ssid ?? Ssid;
        return new ProvisionSettings
        {
            Ssid = ssid,
            WifiFlag = ssid is null ? null : "ssid",
            Dataset = rowThread ? EspProv.Thread.ThreadDataset.Parse(entry.DatasetTlvs!) : rowWifi ? null : Dataset,
            DatasetSource = rowThread ? $"column {ManifestColumns.DatasetTlvs}" : DatasetSource,
            Passphrase = rowThread ? null : entry.Passphrase ?? Passphrase,
            SecVer = entry.SecVer ?? SecVer,
            Pop = entry.Pop ?? Pop,
            Sec2Username = entry.Sec2Username ?? Sec2Username,
            Sec2Password = entry.Sec2Password ?? Sec2Password,
            Endpoint = entry.Address,
            Transport = entry.Transport ?? Transport,
            Interface = entry.Interface ?? Interface,
            TimeoutSeconds = TimeoutSeconds,
            PollIntervalMs = PollIntervalMs,
        };
    }
}
