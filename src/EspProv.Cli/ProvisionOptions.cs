using System.CommandLine;

namespace EspProv.Cli;

/// <summary>
/// The options of the provisioning command: every esp_prov flag with its name and default
/// (docs/protocol.md#esp_prov-command-line), a kebab-case alias for each, and EspProv's additions.
/// </summary>
internal sealed class ProvisionOptions
{
    public const string DefaultProtoVer = "V0.1";
    public const string DefaultEndpoint = "192.168.4.1:80";
    public const string DefaultCustomInfo = "<some custom info string>";

    public Option<string?> Ssid { get; } = new("--ssid")
    {
        Description = "SSID of the Wi-Fi network the device should join (required unless --scan/--reset/--reprov, or picked from a scan on a terminal)",
    };

    public Option<string?> Passphrase { get; } = new("--passphrase")
    {
        Description = "passphrase of that network (default: empty = open network; prompted without echo after a scan pick)",
    };

    public Option<int?> SecVer { get; } = new("--sec_ver", "--sec-ver")
    {
        Description = "security scheme: 0 (none), 1 (X25519 + PoP + AES-CTR), 2 (SRP6a + AES-GCM). Default: from the device's capabilities, else 1",
        HelpName = "0|1|2",
    };

    public Option<string> Pop { get; } = new("--pop")
    {
        Description = "proof of possession for security 1 (default: none)",
        DefaultValueFactory = _ => string.Empty,
    };

    public Option<string?> ProtoVer { get; } = new("--proto_ver", "--proto-ver")
    {
        Description = $"protocol version the device must report (default {DefaultProtoVer}; current firmware's JSON answer is accepted whatever its version unless this is given)",
    };

    public Option<string?> SoftApEndpoint { get; } = new("--softap_endpoint", "--softap-endpoint")
    {
        Description = $"device HTTP server as host[:port], or http(s)://host[:port] (default {DefaultEndpoint})",
        HelpName = "host:port",
    };

    public Option<bool> CustomConfig { get; } = new("--custom_config", "--custom-config")
    {
        Description = "also send custom-config (ESP8266 custom_config example) with --custom_info and --custom_ver",
    };

    public Option<string> CustomInfo { get; } = new("--custom_info", "--custom-info")
    {
        Description = "custom-config info string",
        DefaultValueFactory = _ => DefaultCustomInfo,
    };

    public Option<int> CustomVer { get; } = new("--custom_ver", "--custom-ver")
    {
        Description = "custom-config version number",
        DefaultValueFactory = _ => 2,
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "show each step's requests and responses (secrets are never shown)",
    };

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "overall deadline in seconds",
        DefaultValueFactory = _ => 120,
    };

    public Option<int?> PollInterval { get; } = new("--poll_interval", "--poll-interval")
    {
        Description = "longest wait between status polls in ms after the first 5 s (polls start at once, every 50 ms for 5 s, then back off to 2 s)",
        HelpName = "ms",
    };

    public Option<bool> Simulate { get; } = new("--simulate")
    {
        Description = "provision a built-in simulated device (started on a free loopback port) instead of real hardware",
    };

    public Option<string?> Transport { get; } = new("--transport")
    {
        Description = string.Join(", ", Transports.TransportFactory.All.Select(p => p.TransportHelp).SkipLast(1))
            + ", or " + Transports.TransportFactory.All[^1].TransportHelp,
        HelpName = string.Join('|', Transports.TransportFactory.All.SelectMany(p => p.Names)),
    };

    public Option<string?> ServiceName { get; } = new("--service_name", "--service-name")
    {
        Description = "with --transport ble: the device's advertised name (e.g. PROV_1A2B3C; on a terminal, omit it to pick from a scan); otherwise the same as --softap_endpoint",
        HelpName = "name|host[:port]",
    };

    public Option<double> ScanTimeout { get; } = new("--scan_timeout", "--scan-timeout")
    {
        Description = "with --transport ble or --join: seconds to look for the device or its network (the scan ends as soon as it is seen)",
        DefaultValueFactory = _ => 10,
    };

    public Option<FileInfo?> CaFile { get; } = new("--ca_file", "--ca-file")
    {
        Description = "PEM CA certificate to trust for an https:// endpoint (firmware running its own HTTPS server)",
    };

    public Option<string?> Sec2Username { get; } = new("--sec2_username", "--sec2-username")
    {
        Description = "security 2 username",
    };

    public Option<string?> Sec2Password { get; } = new("--sec2_pwd", "--sec2-pwd")
    {
        Description = "security 2 password",
    };

    public Option<bool> Sec2GenCred { get; } = new("--sec2_gen_cred", "--sec2-gen-cred")
    {
        Description = "with --sec_ver 2: print a salt and verifier for --sec2_username/--sec2_pwd as C arrays for firmware, and exit",
    };

    public Option<int> Sec2SaltLen { get; } = new("--sec2_salt_len", "--sec2-salt-len")
    {
        Description = "salt length in bytes for --sec2_gen_cred",
        DefaultValueFactory = _ => 16,
    };

    public Option<bool> Scan { get; } = new("--scan")
    {
        Description = "list the networks the device sees (Wi-Fi, or Thread for a Thread device; strongest first) and exit",
    };

    public Option<bool> Reset { get; } = new("--reset")
    {
        Description = "clear the device's network config (prov-ctrl; the device answers whether it takes it now); with --ssid or a dataset, then provision the new one",
    };

    public Option<bool> Reprov { get; } = new("--reprov")
    {
        Description = "ask the device to restart provisioning (prov-ctrl) and exit",
    };

    public Option<string?> CustomData { get; } = new("--custom_data", "--custom-data")
    {
        Description = "send this text to the device's custom-data endpoint over the secure session and print the reply",
    };

    public Option<string?> Qr { get; } = new("--qr")
    {
        Description = "the device's QR payload, e.g. '{\"ver\":\"v1\",\"name\":\"PROV_1A2B3C\",\"pop\":\"abcd1234\",\"transport\":\"softap\"}'; explicit flags win",
        HelpName = "json",
    };

    public Option<FileInfo?> Transcript { get; } = new("--transcript")
    {
        Description = "write a JSON transcript of the run to this file (also on failure and Ctrl+C) for a bug report: exchanges, sizes, timings, the device's version answer, the outcome; never a passphrase, PoP, password or key",
        HelpName = "file",
    };

    public Option<bool> RedactNetwork { get; } = new("--redact-network")
    {
        Description = "in the --transcript (batch: each --transcript-dir file), replace SSIDs, BSSIDs, IP addresses and scan results with stable placeholders",
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "JSON Lines on stdout (a step event per step, then a result event; scan events with --scan), nothing else (docs/fleet.md)",
    };

    public Option<string?> Interface { get; } = new("--interface")
    {
        Description = "network interface to bind the connection to the device to (e.g. the Wi-Fi adapter that joined its soft AP)",
        HelpName = "name",
    };

    /// <summary>--passphrase-file, --pop-file, --sec2_pwd-file (<see cref="SecretSources"/>).</summary>
    public SecretFileOptions Secrets { get; } = new();

    /// <summary>Each transport's own flags (Transports/&lt;name&gt;/), in registration order.</summary>
    public IReadOnlyList<Transports.ITransportFlags> TransportFlags { get; } = [.. Transports.TransportFactory.All.Select(p => p.CreateFlags())];

    /// <summary>--dataset_tlvs, --dataset-file (a Thread device's dataset).</summary>
    public Provision.DatasetOptions Dataset { get; } = new();

    /// <summary>--join and its flags (Transports/SoftAp).</summary>
    public Transports.SoftAp.JoinOptions Join { get; } = new();

    public IEnumerable<Option> All =>
    [
        Ssid, Passphrase, SecVer, Pop, ProtoVer, SoftApEndpoint, CustomConfig, CustomInfo, CustomVer, Verbose,
        Timeout, PollInterval, Simulate, Transport, ServiceName, CaFile, Sec2Username, Sec2Password, Sec2GenCred,
        Sec2SaltLen, Scan, Reset, Reprov, CustomData, Qr, ScanTimeout, .. TransportFlags.SelectMany(f => f.All), Transcript, RedactNetwork, Json, Interface, .. Secrets.All,
        .. Dataset.All, .. Join.All,
    ];
}
