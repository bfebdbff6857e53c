using System.Net;

namespace EspProv.Cli.Doctor;

/// <summary>
/// The soft-AP checks that need no device: local interfaces, whether one is on the device's subnet, which interface
/// the route to the device uses, two interfaces on that subnet, and (Linux, NetworkManager) the joined Wi-Fi network.
/// Pure functions of <see cref="INetworkInfo"/>, so they are tested with injected data.
/// </summary>
internal sealed class NetworkChecks(INetworkInfo network)
{
    /// <summary>The soft-AP SSID prefix of Espressif's examples (<c>PROV_</c> + the last MAC bytes).</summary>
    public const string ProvPrefix = "PROV_";

    private const string JoinAdvice = "join the device's soft AP (a Wi-Fi network named PROV_… or ESP_…, on its label or console) with this computer";

    /// <summary>Runs the checks for a device at <paramref name="target"/>; <paramref name="interfaceName"/> is <c>--interface</c>.</summary>
    public async Task<IReadOnlyList<CheckResult>> RunAsync(IPAddress target, bool defaultEndpoint, string? interfaceName, string? deviceName,
        CancellationToken cancellationToken)
    {
        var interfaces = network.Interfaces().Where(i => i.IsUp).ToList();
        var results = new List<CheckResult> { Interfaces(interfaces) };
        if (IPAddress.IsLoopback(target))
        {
            const string Loopback = "the endpoint is on this computer (loopback): no soft AP involved";
            results.Add(CheckResult.Skip("subnet", Loopback));
            results.Add(CheckResult.Skip("route", Loopback));
            results.Add(CheckResult.Skip("wifi_network", Loopback));
            return results;
        }

        var onSubnet = interfaces.Where(i => !i.IsLoopback && i.Addresses.Any(a => defaultEndpoint ? LocalAddress.SoftAp.Contains(a.Address) : a.Contains(target))).ToList();
        var subnetText = defaultEndpoint ? LocalAddress.SoftAp.ToString() : $"the subnet of {target}";
        results.Add(SubnetCheck(onSubnet, subnetText, interfaceName));
        results.Add(Route(target, interfaces, onSubnet, interfaceName));
        results.Add(await WifiNetworkAsync(interfaces, deviceName, cancellationToken).ConfigureAwait(false));
        return results;
    }

    private static CheckResult Interfaces(List<LocalInterface> interfaces)
    {
        var listed = interfaces.Where(i => !i.IsLoopback && i.Addresses.Count > 0)
            .Select(i => $"{i.Name}{(i.IsWireless ? " (Wi-Fi)" : string.Empty)} {string.Join(" ", i.Addresses)}").ToList();
        return listed.Count == 0
            ? CheckResult.Warn("interfaces", "no network interface with an IPv4 address is up", JoinAdvice)
            : CheckResult.Pass("interfaces", string.Join(", ", listed));
    }

    private static CheckResult SubnetCheck(List<LocalInterface> onSubnet, string subnetText, string? interfaceName)
    {
        if (onSubnet.Count == 0)
        {
            return CheckResult.Warn("subnet", $"no interface is on {subnetText}: this computer does not seem to be on the device's soft AP", JoinAdvice);
        }

        var names = string.Join(" and ", onSubnet.Select(i => i.Name));
        if (onSubnet.Count == 1)
        {
            return interfaceName is not null && onSubnet[0].Name != interfaceName
                ? CheckResult.Warn("subnet", $"{names} is on {subnetText}, but --interface names {interfaceName}", $"use --interface {onSubnet[0].Name}")
                : CheckResult.Pass("subnet", $"{names} is on {subnetText}");
        }

        // Two interfaces on one subnet: the kernel sends by its own preference, maybe through the one without the device.
        if (interfaceName is not null && onSubnet.Any(i => i.Name == interfaceName))
        {
            return CheckResult.Pass("subnet", $"{names} are all on {subnetText}; --interface {interfaceName} picks one");
        }

        var wireless = onSubnet.FirstOrDefault(i => i.IsWireless)?.Name ?? onSubnet[0].Name;
        return CheckResult.Warn("subnet", $"conflict: {names} are all on {subnetText}, so packets to the device may leave through the wrong one",
            $"choose the device's interface with --interface {wireless}, or disconnect the other network");
    }

    private CheckResult Route(IPAddress target, List<LocalInterface> interfaces, List<LocalInterface> onSubnet, string? interfaceName)
    {
        var source = network.RouteSource(target);
        if (source is null)
        {
            return CheckResult.Warn("route", $"there is no route to {target}", JoinAdvice);
        }

        var via = interfaces.FirstOrDefault(i => i.Addresses.Any(a => a.Address.Equals(source)));
        var viaText = via is null ? $"from {source}" : $"through {via.Name} ({source})";
        if (interfaceName is not null && via?.Name != interfaceName)
        {
            // --interface binds the socket, so the kernel's own choice does not matter.
            return CheckResult.Pass("route", $"the kernel's route to {target} leaves {viaText}; --interface {interfaceName} overrides it");
        }

        if (onSubnet.Count > 0 && (via is null || !onSubnet.Contains(via)))
        {
            return CheckResult.Warn("route", $"the route to {target} leaves {viaText}, not through {string.Join(" or ", onSubnet.Select(i => i.Name))}",
                $"use --interface {onSubnet[0].Name}, or disconnect the network that owns the route");
        }

        if (onSubnet.Count == 0)
        {
            return CheckResult.Warn("route", $"packets to {target} leave {viaText}, which is not on the device's subnet (a default route?)", JoinAdvice);
        }

        return CheckResult.Pass("route", $"packets to {target} leave {viaText}");
    }

    private async Task<CheckResult> WifiNetworkAsync(List<LocalInterface> interfaces, string? deviceName, CancellationToken cancellationToken)
    {
        var links = await network.WifiLinksAsync(cancellationToken).ConfigureAwait(false);
        if (links is null)
        {
            return CheckResult.Skip("wifi_network", OperatingSystem.IsLinux()
                ? "cannot tell which Wi-Fi network is joined (NetworkManager is not reachable over D-Bus)"
                : "cannot tell which Wi-Fi network is joined on this OS");
        }

        var prov = links.FirstOrDefault(l => deviceName is not null ? l.Ssid == deviceName : l.Ssid.StartsWith(ProvPrefix, StringComparison.Ordinal));
        if (prov is not null)
        {
            return CheckResult.Pass("wifi_network", $"{prov.Interface} is joined to '{CliOutputText(prov.Ssid)}'");
        }

        if (links.Count == 0)
        {
            return CheckResult.Warn("wifi_network", interfaces.Any(i => i.IsWireless) ? "no Wi-Fi interface is joined to a network" : "this computer has no Wi-Fi interface", JoinAdvice);
        }

        var joined = string.Join(", ", links.Select(l => $"{l.Interface} to '{CliOutputText(l.Ssid)}'"));
        return CheckResult.Warn("wifi_network", $"joined {joined}, not to {(deviceName is null ? "a PROV_… network" : $"'{CliOutputText(deviceName)}'")}",
            "if the device's soft AP has another name this is fine; otherwise " + JoinAdvice);
    }

    private static string CliOutputText(string text) => Provision.CliOutput.Shown(text);
}
