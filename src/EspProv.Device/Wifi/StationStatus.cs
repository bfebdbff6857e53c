using EspProv.Provisioning;

namespace EspProv.Device.Wifi;

/// <summary>What the simulated Wi-Fi station is doing.</summary>
/// <param name="State">
/// <see cref="WifiConnectionState.Connecting"/> before any apply and while connecting, then
/// <see cref="WifiConnectionState.Connected"/> or <see cref="WifiConnectionState.ConnectionFailed"/> (firmware never reports Disconnected).
/// </param>
/// <param name="FailureReason">Set when the attempt failed.</param>
/// <param name="Network">The network joined, when connected.</param>
public sealed record StationStatus(WifiConnectionState State, WifiFailureReason? FailureReason, SimulatedNetwork? Network)
{
    /// <summary>The state of a station that has not been given credentials yet.</summary>
    public static StationStatus Initial { get; } = new(WifiConnectionState.Connecting, null, null);

    /// <summary>While Connecting after a failed attempt with retries configured: the attempts left (firmware's <c>attempt_failed</c>).</summary>
    public uint? AttemptsRemaining { get; init; }
}
