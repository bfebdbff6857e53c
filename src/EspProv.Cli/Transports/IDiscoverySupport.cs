using EspProv.Cli.Batch;
using EspProv.Transport.Discovery;

namespace EspProv.Cli.Transports;

/// <summary>
/// What <c>esp-prov batch --discover</c> needs from a transport whose devices can be found by a scan: the scan, and how
/// to reach each device found. A transport without it cannot be discovered (<see cref="ITransportProvider.Discovery"/>).
/// </summary>
internal interface IDiscoverySupport
{
    /// <summary>The kind of device in messages, e.g. <c>soft-AP</c> or <c>BLE</c>.</summary>
    string DeviceKind { get; }

    /// <summary>Starts a discover batch on this transport with the batch's flags.</summary>
    /// <param name="settings">The batch's flags.</param>
    /// <param name="say">Prints a line of progress (not in <c>--json</c> output).</param>
    /// <param name="report">Where the run reports the computer's network given back (or not) to the user.</param>
    DiscoveryRun Open(BatchSettings settings, Action<string> say, Action<NetworkRestore> report);
}

/// <summary>The computer's network given back after devices were visited: restored or not, and why.</summary>
/// <param name="Restored">True when the computer is back on what it had before.</param>
/// <param name="Description">What was given back, or why not.</param>
/// <param name="Line">The line printed for it (<c>--json</c> carries the two fields instead).</param>
internal sealed record NetworkRestore(bool Restored, string Description, string Line);

/// <summary>One discover batch on one transport: the scan, each found device's transport, and the end of the batch.</summary>
internal abstract class DiscoveryRun
{
    /// <summary>The scan for devices.</summary>
    public abstract IDeviceDiscovery Discovery { get; }

    /// <summary>How many devices may be provisioned at once with <paramref name="concurrency"/> asked for.</summary>
    public abstract int Concurrency(int concurrency);

    /// <summary>Before the scan (e.g. a network a killed run left joined is given back first).</summary>
    public virtual Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The manifest address of a found device (its <paramref name="row"/> may give one).</summary>
    public abstract string EntryAddress(DiscoveredDevice device, ManifestEntry? row);

    /// <summary>The transport to one found device.</summary>
    public abstract ValueTask<(TransportSetup? Setup, TransportSetupError? Error)> CreateAsync(DiscoveredDevice device, ManifestEntry entry, TransportContext context,
        CancellationToken cancellationToken);

    /// <summary>After the last device, also on failure or Ctrl+C (e.g. the Wi-Fi interface gets its network back).</summary>
    public virtual Task FinishAsync() => Task.CompletedTask;
}
