using System.Collections.Immutable;
using System.CommandLine;

namespace EspProv.Cli;

/// <summary>The parsed values of one provisioning run, independent of System.CommandLine.</summary>
internal sealed record ProvisionSettings
{
    public string? Ssid { get; init; }
    public string? Passphrase { get; init; }
    public int? SecVer { get; init; }
    public string Pop { get; init; } = string.Empty;
    public string? ProtoVer { get; init; }
    public string? Endpoint { get; init; }
    public bool CustomConfig { get; init; }
    public string CustomInfo { get; init; } = ProvisionOptions.DefaultCustomInfo;
    public int CustomVer { get; init; } = 2;
    public bool Verbose { get; init; }
    public double TimeoutSeconds { get; init; } = 120;
    public int? PollIntervalMs { get; init; }
    public bool Simulate { get; init; }
    public string? Transport { get; init; }
    public string? ServiceName { get; init; }
    public FileInfo? CaFile { get; init; }
    public string? Sec2Username { get; init; }
    public string? Sec2Password { get; init; }
    public bool Sec2GenCred { get; init; }
    public int Sec2SaltLen { get; init; } = 16;
    public bool Scan { get; init; }
    public bool Reset { get; init; }
    public bool Reprov { get; init; }
    public string? CustomData { get; init; }
    public string? Qr { get; init; }
    public double ScanTimeoutSeconds { get; init; } = 10;
    public FileInfo? Transcript { get; init; }
    public bool RedactNetwork { get; init; }

    /// <summary>Network interface to bind the device connection to (<c>--interface</c>), or null.</summary>
    public string? Interface { get; init; }

    /// <summary>JSON Lines on stdout (<c>--json</c>), nothing else.</summary>
    public bool Json { get; init; }

    /// <summary>The soft-AP SSID named by a QR payload (the network to join before provisioning).</summary>
    public string? DeviceName { get; init; }

    /// <summary><c>--join</c> and its flags; a soft-AP QR payload's name joins when <c>--join</c> is not given.</summary>
    public Transports.SoftAp.JoinSettings? Join { get; init; }

    /// <summary>Each transport's own settings, read from its own flags (Transports/&lt;name&gt;/), by type.</summary>
    public ImmutableDictionary<Type, object> TransportSettings { get; init; } = ImmutableDictionary<Type, object>.Empty;

    /// <summary>A transport's own settings, when its flags were read.</summary>
    public T? Get<T>()
        where T : class => TransportSettings.TryGetValue(typeof(T), out var value) ? (T)value : null;

    /// <summary>These settings with a transport's own settings set.</summary>
    public ProvisionSettings With<T>(T value)
        where T : class => this with { TransportSettings = TransportSettings.SetItem(typeof(T), value) };

    /// <summary>The Thread dataset (<c>--dataset_tlvs</c>, <c>--dataset-file</c>, <c>ESP_PROV_DATASET_TLVS</c>), parsed; holds the network key.</summary>
    public EspProv.Thread.ThreadDataset? Dataset { get; init; }

    /// <summary>Where <see cref="Dataset"/> came from, for messages (the flag, the file, the variable).</summary>
    public string? DatasetSource { get; init; }

    /// <summary>The Wi-Fi flag given on the command line (<c>--ssid</c>, else <c>--passphrase</c>), for a Thread device's refusal.</summary>
    public string? WifiFlag { get; init; }

    /// <summary>The network a QR payload names (<c>"network":"wifi"|"thread"</c>), or null.</summary>
    public string? QrNetwork { get; init; }

    /// <summary>Never shows the passphrase, the PoP or the dataset.</summary>
    public override string ToString() => $"ProvisionSettings {{ Ssid = {Ssid}, SecVer = {SecVer}, Endpoint = {Endpoint} }}";

    /// <summary>A usage error found while combining the options (e.g. a bad QR payload), reported with exit code 64.</summary>
    public string? UsageError { get; init; }

    public static ProvisionSettings From(ParseResult result, ProvisionOptions o, Func<string, string?>? environment = null) =>
        ApplyJoin(o.Dataset.Apply(SecretSources.Apply(ApplyQr(ApplyTransport(Read(result, o)), result, o), result, o, environment), result, environment ?? Environment.GetEnvironmentVariable), result, o, environment ?? Environment.GetEnvironmentVariable);

    private static ProvisionSettings ApplyJoin(ProvisionSettings s, ParseResult result, ProvisionOptions o, Func<string, string?> environment)
    {
        var join = Transports.SoftAp.JoinSettings.Read(result, o.Join, environment, out var error);
        if (join.Ssid is null && s.DeviceName is { } name && !s.Simulate)
        {
            join = join with { Ssid = name, FromQr = true };
        }

        var usage = error
            ?? (join.Ssid is not null && Transports.TransportFactory.Find(s.Transport) is not Transports.SoftAp.SoftApTransportProvider ? $"--join joins a soft AP: it does not go with --transport {s.Transport}" : null)
            ?? (join.Ssid is not null && !join.FromQr && s.Interface is not null ? "--join binds to the interface that joined: give --wifi-interface instead of --interface" : null)
            ?? (join.Ssid is not null && !join.FromQr && s.Simulate ? "--join and --simulate: the simulated device needs no Wi-Fi network" : null);
        return s with { Join = join, UsageError = s.UsageError ?? usage };
    }

    private static ProvisionSettings ApplyTransport(ProvisionSettings s)
    {
        if (Transports.TransportFactory.Find(s.Transport) is null)
        {
            return s with { UsageError = $"--transport {s.Transport} is not supported: use one of {Transports.TransportFactory.KnownNames}" };
        }

        return Transports.TransportFactory.For(s).Apply(s);
    }

    private static ProvisionSettings ApplyQr(ProvisionSettings s, ParseResult result, ProvisionOptions o)
    {
        if (s.Qr is null || s.UsageError is not null)
        {
            return s;
        }

        if (!EspProv.Provisioning.QrPayload.TryParse(s.Qr, out var qr, out var error))
        {
            return s with { UsageError = error };
        }

        if (qr.Transport is { } t && Transports.TransportFactory.Find(t) is null)
        {
            return s with { UsageError = $"the QR payload is for transport '{t}', which esp-prov does not support (use one of {Transports.TransportFactory.KnownNames})" };
        }

        // Explicit flags win over the payload.
        var isSec2 = qr.Username is not null;
        var transport = Given(result, o.Transport) ? s.Transport : qr.Transport ?? s.Transport;
        var provider = Transports.TransportFactory.Find(transport);
        if (provider is not null)
        {
            s = provider.WithQrName(s, qr.Name, Given(result, o.ServiceName));
            // A payload that names another transport: that transport's own flags are checked as well.
            s = string.Equals(transport, s.Transport, StringComparison.OrdinalIgnoreCase) ? s : provider.Apply(s with { Transport = transport });
        }

        return s with
        {
            Transport = transport,
            SecVer = Given(result, o.SecVer) ? s.SecVer : (int?)qr.ImpliedSecurity ?? s.SecVer,
            Pop = Given(result, o.Pop) || isSec2 ? s.Pop : qr.Pop ?? s.Pop,
            Sec2Username = Given(result, o.Sec2Username) ? s.Sec2Username : qr.Username ?? s.Sec2Username,
            Sec2Password = Given(result, o.Sec2Password) || !isSec2 ? s.Sec2Password : qr.Pop ?? s.Sec2Password,
            QrNetwork = qr.Network,
        };
    }

    private static ProvisionSettings Read(ParseResult result, ProvisionOptions o) =>
        o.TransportFlags.Aggregate(ReadShared(result, o), (settings, flags) => flags.Read(result, settings));

    private static ProvisionSettings ReadShared(ParseResult result, ProvisionOptions o) => new()
    {
        Ssid = result.GetValue(o.Ssid),
        Passphrase = result.GetValue(o.Passphrase),
        SecVer = result.GetValue(o.SecVer),
        Pop = result.GetValue(o.Pop) ?? string.Empty,
        ProtoVer = result.GetValue(o.ProtoVer),
        Endpoint = result.GetValue(o.SoftApEndpoint),
        CustomConfig = result.GetValue(o.CustomConfig),
        CustomInfo = result.GetValue(o.CustomInfo) ?? ProvisionOptions.DefaultCustomInfo,
        CustomVer = result.GetValue(o.CustomVer),
        Verbose = result.GetValue(o.Verbose),
        TimeoutSeconds = result.GetValue(o.Timeout),
        PollIntervalMs = result.GetValue(o.PollInterval),
        Simulate = result.GetValue(o.Simulate),
        Transport = result.GetValue(o.Transport),
        ServiceName = result.GetValue(o.ServiceName),
        CaFile = result.GetValue(o.CaFile),
        Sec2Username = result.GetValue(o.Sec2Username),
        Sec2Password = result.GetValue(o.Sec2Password),
        Sec2GenCred = result.GetValue(o.Sec2GenCred),
        Sec2SaltLen = result.GetValue(o.Sec2SaltLen),
        Scan = result.GetValue(o.Scan),
        Reset = result.GetValue(o.Reset),
        Reprov = result.GetValue(o.Reprov),
        CustomData = result.GetValue(o.CustomData),
        Qr = result.GetValue(o.Qr),
        ScanTimeoutSeconds = result.GetValue(o.ScanTimeout),
        Transcript = result.GetValue(o.Transcript),
        RedactNetwork = result.GetValue(o.RedactNetwork),
        Interface = result.GetValue(o.Interface),
        Json = result.GetValue(o.Json),
        WifiFlag = Given(result, o.Ssid) ? "--ssid" : Given(result, o.Passphrase) ? "--passphrase" : null,
    };

    /// <summary>True when the user gave the option explicitly (so a QR payload must not override it).</summary>
    public static bool Given(ParseResult result, Option option) => result.GetResult(option) is { Implicit: false };
}
