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

    /// <summary>Never shows the passphrase or the PoP.</summary>
    public override string ToString() => $"ProvisionSettings {{ Ssid = {Ssid}, SecVer = {SecVer}, Endpoint = {Endpoint} }}";

    public static ProvisionSettings From(ParseResult result, ProvisionOptions o) => new()
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
    };
}
