using System.Net;

namespace EspProv.Transport.SoftAp;

/// <summary>
/// Joins the computer to a device's soft AP (its provisioning Wi-Fi network) and gives the network interface back
/// afterwards. The HTTP transport then binds to <see cref="ISoftApConnection.InterfaceName"/> (as <c>--interface</c>
/// does), so provisioning traffic leaves through the joined radio whatever the routing table says.
/// </summary>
public interface ISoftApJoiner
{
    /// <summary>
    /// Joins <see cref="SoftApJoinRequest.Ssid"/> and waits for an IPv4 address. On failure or cancellation the
    /// interface is restored before this returns (the exception, or <see cref="OperationCanceledException"/>, follows).
    /// </summary>
    /// <exception cref="SoftApJoinException">The network was not found, refused the passphrase, gave no address, or joining is not possible here.</exception>
    Task<ISoftApConnection> JoinAsync(SoftApJoinRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the interface of <paramref name="current"/> straight to another device's soft AP (one device after another,
    /// as <c>batch --discover</c> does), keeping what to restore at the end: restoring the connection returned gives the
    /// interface back what it had before the first join. <paramref name="current"/> is spent (restoring it does
    /// nothing more). On failure the interface is restored, as for <see cref="JoinAsync"/>. The default restores
    /// <paramref name="current"/>, then joins.
    /// </summary>
    /// <exception cref="SoftApJoinException">As <see cref="JoinAsync"/>.</exception>
    async Task<ISoftApConnection> JoinNextAsync(ISoftApConnection current, SoftApJoinRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        await current.RestoreAsync().ConfigureAwait(false);
        return await JoinAsync(request, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>What to join, where and how long to look.</summary>
/// <param name="Ssid">The device's soft-AP SSID (e.g. <c>PROV_1A2B3C</c>).</param>
public sealed record SoftApJoinRequest(string Ssid)
{
    /// <summary>The WPA2 passphrase of the device's AP; ignored when the AP is open.</summary>
    public string? Passphrase { get; init; }

    /// <summary>
    /// The access point's BSSID (<c>XX:XX:XX:XX:XX:XX</c>, any case) when several may share the SSID (a device found by
    /// a discovery); null = the strongest access point with the SSID.
    /// </summary>
    public string? Bssid { get; init; }

    /// <summary>The Wi-Fi interface to use; null = the first Wi-Fi device the joiner manages.</summary>
    public string? InterfaceName { get; init; }

    /// <summary>How long to look for the network (scans included) before giving up.</summary>
    public TimeSpan ScanTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the association and DHCP may take.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Never shows the passphrase.</summary>
    public override string ToString() => $"SoftApJoinRequest {{ Ssid = {Ssid}, Bssid = {Bssid}, InterfaceName = {InterfaceName} }}";
}

/// <summary>
/// The computer joined to a device's soft AP. Restoring (<see cref="RestoreAsync"/>, or disposing) gives the interface
/// back what it had before the join: its previous connection, or disconnected.
/// </summary>
public interface ISoftApConnection : IAsyncDisposable
{
    /// <summary>The interface that joined, to bind the device connection to.</summary>
    string InterfaceName { get; }

    /// <summary>The IPv4 address the device's DHCP server gave.</summary>
    IPAddress Address { get; }

    /// <summary>The SSID joined.</summary>
    string Ssid { get; }

    /// <summary>
    /// Gives the interface back and waits until its previous connection is active again with an IPv4 address. Runs
    /// once; later calls return the first result. Not cancellable past the restore timeout's bound: restoring is
    /// what a cancelled run still has to do.
    /// </summary>
    Task<SoftApRestoreResult> RestoreAsync();
}

/// <summary>How restoring went.</summary>
/// <param name="Restored">True when the interface is back as it was (the previous connection active with IPv4, or disconnected).</param>
/// <param name="Description">What was restored, or why it is not back (a warning for the user).</param>
public sealed record SoftApRestoreResult(bool Restored, string Description);
