using System.CommandLine;
using System.Globalization;
using System.Net;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Provisioning;
using Microsoft.Extensions.Logging.Abstractions;
using QRCoder;

namespace EspProv.Cli;

/// <summary>
/// <c>esp-prov simulate</c>: runs simulated ESP provisioning devices as standalone servers, for testing a phone app,
/// another tool (Espressif's own esp_prov included) or a batch line without hardware. Stops on Ctrl+C.
/// </summary>
internal static class SimulateCommand
{
    public const string Name = "simulate";
    public const string Description = "run a simulated ESP provisioning device (wire-compatible with firmware) for testing clients";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var secVer = new Option<int>("--sec_ver", "--sec-ver") { Description = "security scheme: 0, 1 or 2", DefaultValueFactory = _ => 1, HelpName = "0|1|2" };
        var pop = new Option<string>("--pop") { Description = "proof of possession for security 1 (empty = none: the device advertises no_pop)", DefaultValueFactory = _ => "abcd1234" };
        var flavor = new Option<string>("--flavor") { Description = "esp8266: legacy firmware (plain V0.1, socket sessions); idf: ESP-IDF 5 wifi_provisioning (JSON proto-ver, cookie sessions, scan, ctrl); netprov: ESP-IDF 6 network_provisioning 1.2, Wi-Fi or Thread", DefaultValueFactory = _ => "idf", HelpName = "esp8266|idf|netprov" };
        var network = new Option<string[]>("--network")
        {
            Description = "a network the device can join: ssid:passphrase[;channel=6;rssi=-40;auth=WPA2_PSK;bssid=aa:bb:cc:dd:ee:ff;ip=a.b.c.d] (repeatable; split at the first ':'; empty passphrase = open)",
            AllowMultipleArgumentsPerToken = false,
        };
        var networksFile = new Option<FileInfo?>("--networks-file") { Description = "JSON array of networks ({ssid, passphrase, channel, rssi, auth, bssid, ip}), for SSIDs containing ':'" };
        var connectDelay = new Option<int>("--connect-delay") { Description = "ms from apply until the simulated station connects or fails", DefaultValueFactory = _ => 1000, HelpName = "ms" };
        var user = new Option<string>("--sec2_username", "--sec2-username") { Description = "security 2 username", DefaultValueFactory = _ => "wifiprov" };
        var pwd = new Option<string>("--sec2_pwd", "--sec2-pwd") { Description = "security 2 password", DefaultValueFactory = _ => "abcd1234" };
        var patch = new Option<int>("--sec_patch_ver", "--sec-patch-ver") { Description = "security 2 GCM variant: 1 (12-byte counter nonce, advertised) or 0 (static 16-byte IV, ESP-IDF 5.0-5.4.0, not advertised)", DefaultValueFactory = _ => 1, HelpName = "0|1" };
        var salt = new Option<string?>("--sec2_salt", "--sec2-salt") { Description = "security 2 salt in hex (with --sec2_verifier; instead of --sec2_pwd)", HelpName = "hex" };
        var verifier = new Option<string?>("--sec2_verifier", "--sec2-verifier") { Description = "security 2 verifier in hex", HelpName = "hex" };
        var devices = new Option<int>("--devices") { Description = "number of independent devices, on consecutive ports from --listen's port (each a free port with port 0)", DefaultValueFactory = _ => 1, HelpName = "n" };
        var rearm = new Option<bool>("--rearm") { Description = "return to a fresh provisioning state after each completed flow (for load tests)" };
        var noAutoStop = new Option<bool>("--no-auto-stop") { Description = "keep the provisioning service running after success, as firmware whose app disabled auto-stop (allows --reprov)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "do not log each request" };
        var faultsFile = new Option<FileInfo?>("--faults-file") { Description = "per-device faults, a JSON array: [{\"device\":2,\"fault\":\"wrong_pop|network_absent|link_drop|slow_join\",\"endpoint\":\"prov-config\",\"delay_ms\":5000}] (docs/fleet.md)" };
        // Each transport says what it serves and brings its own flags and front-end (Transports/<name>/).
        var providers = Transports.TransportFactory.All;
        var frontEnds = providers.Select(p => (Provider: p, FrontEnd: p.CreateSimulator())).ToArray();
        var transport = new Option<string>("--transport")
        {
            Description = string.Join("; ", providers.Select(p => p.SimulateHelp)),
            DefaultValueFactory = _ => Transports.TransportFactory.DefaultName,
            HelpName = string.Join('|', providers.Select(p => p.Names[0])),
        };

        var command = new Command(Name, Description)
        {
            secVer, pop, flavor, network, networksFile, connectDelay, user, pwd, patch, salt, verifier, devices, rearm, noAutoStop, quiet, transport,
        };
        foreach (var option in frontEnds.SelectMany(f => f.FrontEnd.Options))
        {
            command.Options.Add(option);
        }

        command.Options.Add(faultsFile);
        var netprovOptions = new SimulateNetprov();
        foreach (var option in netprovOptions.Options)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var count = result.GetValue(devices);
                if (count is < 1 or > 1000)
                {
                    throw new FormatException("--devices must be between 1 and 1000");
                }

                var networks = ReadNetworks(result.GetValue(network) ?? [], result.GetValue(networksFile));
                var security = CreateSecurity(result.GetValue(secVer), result.GetValue(pop) ?? string.Empty, result.GetValue(user)!, result.GetValue(pwd)!,
                    result.GetValue(patch), result.GetValue(salt), result.GetValue(verifier));
                var deviceFlavor = result.GetValue(flavor)?.ToLowerInvariant() switch
                {
                    "idf" => DeviceFlavor.Idf,
                    "esp8266" => DeviceFlavor.Esp8266,
                    "netprov" => DeviceFlavor.Netprov,
                    var other => throw new FormatException($"--flavor must be esp8266, idf or netprov, not '{other}'"),
                };
                var netprov = netprovOptions.Read(result, deviceFlavor);
                var delay = result.GetValue(connectDelay);
                if (delay is < 0 or > 600_000)
                {
                    throw new FormatException("--connect-delay must be between 0 and 600000 ms");
                }

                var name = result.GetValue(transport);
                var chosen = Transports.TransportFactory.Find(name) is { } provider ? frontEnds.First(f => f.Provider == provider).FrontEnd
                    : throw new FormatException($"--transport must be {Transports.TransportFactory.SimulateNames}, not '{name?.ToLowerInvariant()}'");
                foreach (var (_, frontEnd) in frontEnds)
                {
                    frontEnd.Check(result, frontEnd == chosen, deviceFlavor, count);
                }

                var log = !result.GetValue(quiet);
                var faults = result.GetValue(faultsFile) is { } file ? FleetFaultsFile.Load(file.FullName, count) : [];
                SimulatedDeviceOptions Options(int i) => new()
                {
                    Flavor = deviceFlavor,
                    Security = Fault(i)?.SecurityFor(security, result.GetValue(secVer)) ?? security,
                    Networks = Fault(i)?.NetworksFor(networks) ?? networks,
                    ConnectDelay = Fault(i)?.ConnectDelayFor(TimeSpan.FromMilliseconds(delay)) ?? TimeSpan.FromMilliseconds(delay),
                    NetworkType = netprov.Kind,
                    ThreadNetworks = Fault(i)?.ThreadNetworksFor(netprov.ThreadNetworks) ?? netprov.ThreadNetworks,
                    AttachTimeout = netprov.AttachTimeout,
                    ConnectionAttempts = netprov.ConnectionAttempts,
                    Rearm = result.GetValue(rearm),
                    AutoStop = !result.GetValue(noAutoStop),
                    LoggerFactory = log ? Output.LineLoggerProvider.WithPrefix(output.WriteLine, count == 1 ? string.Empty : $"[device {i + 1}] ") : NullLoggerFactory.Instance,
                };

                FleetFault? Fault(int i) => faults.FirstOrDefault(f => f.Device == i + 1);

                var qr = new QrSecrets(result.GetValue(secVer), result.GetValue(pop) ?? string.Empty, result.GetValue(user)!, result.GetValue(pwd)!, netprov);
                var run = new Transports.SimulateRun(output, error, count, Options, (i, device) => Fault(i)?.Arm(device),
                    (deviceName, qrTransport, label) => PrintQr(output, deviceName, qrTransport, label, qr), () => netprov.PrintDataset(output));
                return await chosen.RunAsync(run, result, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                // Bad option values, and combinations the device options reject (e.g. security 2 on ESP8266).
                await error.WriteLineAsync($"esp-prov simulate: {ex.Message.Split(" (Parameter", 2)[0]}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            catch (InvalidOperationException ex)
            {
                // What a front-end needs is missing (e.g. no dbus-daemon for a virtual BlueZ).
                await error.WriteLineAsync($"esp-prov simulate: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.NoConnection;
            }
        });
        return command;
    }

    internal static (IPAddress Address, int Port) ParseListen(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !IPAddress.TryParse(text[..colon].Trim('[', ']'), out var address)
            || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new FormatException($"--listen must be ip:port (e.g. 127.0.0.1:8080, port 0 = free port), not '{text}'");
        }

        return (address, port);
    }

    private static List<SimulatedNetwork> ReadNetworks(string[] specs, FileInfo? file)
    {
        var networks = specs.Select(SimulatedNetwork.Parse).ToList();
        if (file is not null)
        {
            networks.AddRange(NetworksFile.Load(file.FullName));
        }

        return networks.Count > 0 ? networks : [SimulatedNetwork.Default];
    }

    private static IDeviceSecurity CreateSecurity(int scheme, string pop, string user, string pwd, int patch, string? saltHex, string? verifierHex)
    {
        if (patch is not (0 or 1))
        {
            throw new FormatException("--sec_patch_ver must be 0 or 1");
        }

        switch (scheme)
        {
            case 0:
                return new DeviceSecurity0();
            case 1:
                return new DeviceSecurity1(pop);
            case 2 when saltHex is not null || verifierHex is not null:
                if (saltHex is null || verifierHex is null)
                {
                    throw new FormatException("--sec2_salt and --sec2_verifier go together");
                }

                return new DeviceSecurity2(user, Hex(saltHex, "--sec2_salt"), Hex(verifierHex, "--sec2_verifier"), patch);
            case 2:
                return DeviceSecurity2.FromPassword(user, pwd, patch);
            default:
                throw new FormatException("--sec_ver must be 0, 1 or 2");
        }
    }

    private static byte[] Hex(string text, string option)
    {
        try
        {
            return Convert.FromHexString(text.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("0x", string.Empty, StringComparison.OrdinalIgnoreCase).Replace(",", string.Empty, StringComparison.Ordinal));
        }
        catch (FormatException)
        {
            throw new FormatException($"{option} must be hex");
        }
    }

    /// <summary>
    /// Firmware prints its QR payload on the console; it is the device's label, so it carries the PoP/password
    /// (the one deliberate place a secret is printed, and only by the standalone simulator).
    /// </summary>
    private static void PrintQr(TextWriter output, string name, string transport, string label, QrSecrets qr)
    {
        // network_provisioning's examples add "network" after "transport".
        var network = qr.Netprov.QrNetwork is { } kind ? $",\"network\":\"{kind}\"" : string.Empty;
        var payload = qr.Scheme switch
        {
            0 => $"{{\"ver\":\"v1\",\"name\":\"{Json(name)}\",\"transport\":\"{transport}\"{network}}}",
            1 => $"{{\"ver\":\"v1\",\"name\":\"{Json(name)}\",\"pop\":\"{Json(qr.Pop)}\",\"transport\":\"{transport}\"{network}}}",
            _ => $"{{\"ver\":\"v1\",\"name\":\"{Json(name)}\",\"username\":\"{Json(qr.User)}\",\"pop\":\"{Json(qr.Password)}\",\"transport\":\"{transport}\"{network}}}",
        };
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.L);
        output.WriteLine($"Scan this QR code from the provisioning application for {label} provisioning:");
        output.WriteLine(new AsciiQRCode(data).GetGraphicSmall());
        output.WriteLine($"QR payload: {payload}");
        if (qr.Netprov.Kind == NetworkKind.Thread)
        {
            output.WriteLine($"Thread dataset: {Device.Thread.SimulatedThreadNetwork.Default.Dataset.ToHex()}");
        }
    }

    private static string Json(string s) => System.Text.Json.JsonEncodedText.Encode(s).ToString();

    /// <summary>What the QR payload carries: the device's label secrets (printed only by the standalone simulator).</summary>
    private sealed record QrSecrets(int Scheme, string Pop, string User, string Password, SimulateNetprov.Settings Netprov);
}
