using System.Net;

namespace EspProv.Device;

/// <summary>
/// Settings of a simulated device's HTTP front-end, the soft AP's web server (<see cref="SimulatedHttp"/>): where it
/// listens, and its per-connection deadlines. The device's own behaviour is in <see cref="SimulatedDeviceOptions"/>.
/// Validated once when it starts.
/// </summary>
public sealed record HttpDeviceOptions
{
    /// <summary>Address to listen on. Default 127.0.0.1.</summary>
    public IPAddress ListenAddress { get; init; } = IPAddress.Loopback;

    /// <summary>TCP port. Default 8080; 0 = a free port chosen by the OS (see <c>device.EndPoint</c> of <see cref="SimulatedHttp"/>).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Per-read network timeout while a request is arriving (firmware: 5 s). Default 5 s.</summary>
    public TimeSpan ReceiveTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an idle keep-alive connection stays open. Default 5 minutes (firmware: until the client or LRU purge closes it).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(ListenAddress);
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "must be 0 (any free port) to 65535");
        }

        if (ReceiveTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ReceiveTimeout), ReceiveTimeout, "must be positive");
        }

        if (IdleTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(IdleTimeout), IdleTimeout, "must be positive");
        }
    }
}
