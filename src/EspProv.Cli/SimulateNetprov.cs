using System.CommandLine;
using EspProv.Device;
using EspProv.Device.Thread;
using EspProv.Provisioning;

namespace EspProv.Cli;

/// <summary>
/// The <c>simulate</c> options of the network_provisioning flavour (docs/thread-simulator.md): the network type, the
/// simulated Thread networks, the attach timeout and Wi-Fi connection attempts.
/// </summary>
internal sealed class SimulateNetprov
{
    private readonly Option<string> _networkType = new("--network-type", "--network_type") { Description = "with --flavor netprov: wifi or thread (the device is built for one)", DefaultValueFactory = _ => "wifi", HelpName = "wifi|thread" };
    private readonly Option<string[]> _threadDataset = new("--thread-dataset", "--thread_dataset") { Description = "one more simulated Thread network, its active dataset in hex (repeatable; the built-in one stays)", HelpName = "hex", AllowMultipleArgumentsPerToken = false };
    private readonly Option<FileInfo?> _threadNetworksFile = new("--thread-networks-file") { Description = "JSON array of more Thread networks ({dataset, rssi, lqi, ext_addr})" };
    private readonly Option<int> _attachTimeout = new("--attach-timeout") { Description = "ms a Thread device tries a valid dataset of an unknown network before ThreadNetworkNotFound (firmware: 20000)", DefaultValueFactory = _ => 3000, HelpName = "ms" };
    private readonly Option<int> _connAttempts = new("--conn-attempts", "--conn_attempts") { Description = "Wi-Fi connection attempts before failing (0 = one, no attempt_failed); with N the device reports attempt_failed while retrying", DefaultValueFactory = _ => 0, HelpName = "n" };

    public IEnumerable<Option> Options => [_networkType, _threadDataset, _threadNetworksFile, _attachTimeout, _connAttempts];

    /// <summary>The settings of a parse; throws <see cref="FormatException"/> naming the option at fault.</summary>
    public Settings Read(ParseResult result, DeviceFlavor flavor)
    {
        var kind = result.GetValue(_networkType)?.ToLowerInvariant() switch
        {
            "wifi" => NetworkKind.Wifi,
            "thread" => NetworkKind.Thread,
            var other => throw new FormatException($"--network-type must be wifi or thread, not '{other}'"),
        };
        if (kind == NetworkKind.Thread && flavor != DeviceFlavor.Netprov)
        {
            throw new FormatException("--network-type thread needs --flavor netprov (Thread devices run network_provisioning)");
        }

        var timeout = result.GetValue(_attachTimeout);
        if (timeout is < 0 or > 600_000)
        {
            throw new FormatException("--attach-timeout must be between 0 and 600000 ms");
        }

        var attempts = result.GetValue(_connAttempts);
        if (attempts is < 0 or > 100)
        {
            throw new FormatException("--conn-attempts must be between 0 and 100");
        }

        var networks = new List<SimulatedThreadNetwork> { SimulatedThreadNetwork.Default };
        foreach (var hex in result.GetValue(_threadDataset) ?? [])
        {
            try
            {
                networks.Add(SimulatedThreadNetwork.Parse(hex));
            }
            catch (FormatException ex)
            {
                throw new FormatException($"--thread-dataset: {ex.Message}", ex);
            }
        }

        if (result.GetValue(_threadNetworksFile) is { } file)
        {
            networks.AddRange(ThreadNetworksFile.Load(file.FullName));
        }

        return new Settings(flavor == DeviceFlavor.Netprov ? kind : NetworkKind.Wifi, networks, TimeSpan.FromMilliseconds(timeout), attempts, flavor == DeviceFlavor.Netprov);
    }

    /// <summary>What the options give a device.</summary>
    internal sealed record Settings(NetworkKind Kind, IReadOnlyList<SimulatedThreadNetwork> ThreadNetworks, TimeSpan AttachTimeout, int ConnectionAttempts, bool Netprov)
    {
        /// <summary>The QR payload's <c>"network"</c> of a network_provisioning device, null for the old generation.</summary>
        public string? QrNetwork => !Netprov ? null : Kind == NetworkKind.Thread ? "thread" : "wifi";

        /// <summary>
        /// A Thread device prints the built-in network's complete dataset before anything else, alone on a line in
        /// lowercase hex (the <c>ot-ctl dataset active -x</c> form) so scripts can pick it up; it is the simulated
        /// network's own credentials, the Thread counterpart of the built-in Wi-Fi network's passphrase.
        /// </summary>
        public void PrintDataset(TextWriter output)
        {
            if (Kind != NetworkKind.Thread)
            {
                return;
            }

            var network = SimulatedThreadNetwork.Default;
            output.WriteLine($"Thread network '{network.NetworkName}' (channel {network.Channel}, PAN ID 0x{network.PanId:x4}); its active dataset:");
            output.WriteLine(network.Dataset.ToHex());
        }
    }
}
