using System.Globalization;
using System.Text.Json;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;

namespace EspProv.Cli;

/// <summary>What a <c>simulate --faults-file</c> entry does to one device of a fleet.</summary>
internal enum FleetFaultKind
{
    /// <summary>The device expects a different PoP (security 1) or password (security 2): the client's proof fails.</summary>
    WrongPop,

    /// <summary>The network to join is not there: the device reports NetworkNotFound.</summary>
    NetworkAbsent,

    /// <summary>The device closes the connection on its first request to an endpoint (after handling it with <c>after</c>).</summary>
    LinkDrop,

    /// <summary>Joining takes <c>delay_ms</c> instead of <c>--connect-delay</c>.</summary>
    SlowJoin,
}

/// <summary>One fault for device <paramref name="Device"/> (1-based, as the <c>[device N]</c> log prefix).</summary>
internal sealed record FleetFault(int Device, FleetFaultKind Kind, string? Endpoint = null, bool AfterProcessing = false, int DelayMs = 0)
{
    /// <summary>The device's security: with <see cref="FleetFaultKind.WrongPop"/> a secret nobody is given.</summary>
    public IDeviceSecurity SecurityFor(IDeviceSecurity security, int secVer) => Kind != FleetFaultKind.WrongPop ? security : secVer switch
    {
        0 => security, // nothing to get wrong
        2 => DeviceSecurity2.FromPassword("wifiprov", "fault-wrong-password"),
        _ => new DeviceSecurity1("fault-wrong-pop"),
    };

    /// <summary>The networks the device sees: with <see cref="FleetFaultKind.NetworkAbsent"/> only one nobody asks for.</summary>
    public IReadOnlyList<SimulatedNetwork> NetworksFor(IReadOnlyList<SimulatedNetwork> networks) =>
        Kind == FleetFaultKind.NetworkAbsent ? [new SimulatedNetwork("fault-other-network", "fault-other-pass")] : networks;

    /// <summary>The Thread networks a Thread device sees: none with <see cref="FleetFaultKind.NetworkAbsent"/> (the attach ends in ThreadNetworkNotFound).</summary>
    public IReadOnlyList<EspProv.Device.Thread.SimulatedThreadNetwork> ThreadNetworksFor(IReadOnlyList<EspProv.Device.Thread.SimulatedThreadNetwork> networks) =>
        Kind == FleetFaultKind.NetworkAbsent ? [] : networks;

    /// <summary>The join delay: <see cref="DelayMs"/> with <see cref="FleetFaultKind.SlowJoin"/>.</summary>
    public TimeSpan ConnectDelayFor(TimeSpan delay) => Kind == FleetFaultKind.SlowJoin ? TimeSpan.FromMilliseconds(DelayMs) : delay;

    /// <summary>Arms the one-shot faults of a started device (link drop).</summary>
    public void Arm(SimulatedDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (Kind == FleetFaultKind.LinkDrop)
        {
            device.Faults.CloseConnectionOnNext(Endpoint!, AfterProcessing);
        }
    }
}

/// <summary>
/// Reads <c>--faults-file</c>: a JSON array of <c>{"device": 2, "fault": "wrong_pop" | "network_absent" |
/// "link_drop" | "slow_join", "endpoint": "prov-config", "after": true, "delay_ms": 5000}</c>.
/// </summary>
internal static class FleetFaultsFile
{
    private static readonly string[] Endpoints = ["proto-ver", "prov-session", "prov-config", "prov-scan", "prov-ctrl", "custom-config", "custom-data"];

    /// <exception cref="FormatException">The file is not a valid faults file (the message says where).</exception>
    public static IReadOnlyList<FleetFault> Load(string path, int deviceCount)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("--faults-file: the file must hold a JSON array of faults");
            }

            return document.RootElement.EnumerateArray().Select((e, i) => Parse(e, i + 1, deviceCount)).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new FormatException($"--faults-file: cannot read '{path}': {ex.Message}", ex);
        }
    }

    private static FleetFault Parse(JsonElement e, int index, int deviceCount)
    {
        string Where() => $"--faults-file: fault {index.ToString(CultureInfo.InvariantCulture)}";
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("device", out var d) || !d.TryGetInt32(out var device) || device < 1 || device > deviceCount)
        {
            throw new FormatException($"{Where()}: needs \"device\" from 1 to {deviceCount.ToString(CultureInfo.InvariantCulture)}");
        }

        var kind = (e.TryGetProperty("fault", out var f) ? f.GetString() : null) switch
        {
            "wrong_pop" => FleetFaultKind.WrongPop,
            "network_absent" => FleetFaultKind.NetworkAbsent,
            "link_drop" => FleetFaultKind.LinkDrop,
            "slow_join" => FleetFaultKind.SlowJoin,
            _ => throw new FormatException($"{Where()}: \"fault\" must be wrong_pop, network_absent, link_drop or slow_join"),
        };
        var endpoint = e.TryGetProperty("endpoint", out var ep) ? ep.GetString() : null;
        if (kind == FleetFaultKind.LinkDrop && (endpoint is null || !Endpoints.Contains(endpoint)))
        {
            throw new FormatException($"{Where()}: link_drop needs \"endpoint\": one of {string.Join(", ", Endpoints)}");
        }

        var delay = 0;
        if (kind == FleetFaultKind.SlowJoin && (!e.TryGetProperty("delay_ms", out var ms) || !ms.TryGetInt32(out delay) || delay is < 0 or > 600_000))
        {
            throw new FormatException($"{Where()}: slow_join needs \"delay_ms\" from 0 to 600000");
        }

        var after = e.TryGetProperty("after", out var a) && a.ValueKind == JsonValueKind.True;
        return new FleetFault(device, kind, endpoint, after, delay);
    }
}
