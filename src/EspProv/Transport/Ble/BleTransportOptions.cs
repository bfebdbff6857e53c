using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Transport.Ble;

/// <summary>Settings of <see cref="BleTransport"/>. Defaults follow esp_prov and the firmware (docs/ble.md).</summary>
public sealed class BleTransportOptions
{
    /// <summary>
    /// The device's advertised name (its provisioning "service name", e.g. <c>PROV_1A2B3C</c>), compared exactly and
    /// case-sensitively. Either this or <see cref="Address"/> is required.
    /// </summary>
    public string? ServiceName { get; init; }

    /// <summary>The device's Bluetooth address (<c>XX:XX:XX:XX:XX:XX</c>, any case), when known instead of or besides the name.</summary>
    public string? Address { get; init; }

    /// <summary>The local adapter, e.g. <c>hci0</c>; null = the first powered adapter.</summary>
    public string? Adapter { get; init; }

    /// <summary>
    /// The provisioning service UUID when it is known in advance; null = the UUID the device advertises, else the service
    /// whose characteristics are named <c>proto-ver</c> and <c>prov-session</c>.
    /// </summary>
    public string? ServiceUuid { get; init; }

    /// <summary>How long discovery looks for the device before giving up. It stops as soon as the device is seen. Default 10 s.</summary>
    public TimeSpan ScanTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Longest wait for one connection attempt, service resolution included. Default 10 s. An attempt that fails or drops
    /// is retried (3 attempts in all, each after a new scan, 250 ms then 500 ms apart); the caller's token bounds the whole.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for one request (write, then read). Default 30 s, the ATT transaction timeout.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The D-Bus system bus address; null = <c>DBUS_SYSTEM_BUS_ADDRESS</c>, else the standard system bus socket.</summary>
    public string? BusAddress { get; init; }

    /// <summary>The clock for timeouts; null = the system clock.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>
    /// Where the transport logs, under the category <c>EspProv.Transport.Ble.BleTransport</c>: scan, connect and
    /// disconnect (and each connection attempt) at <see cref="LogLevel.Debug"/>, a reconnect at
    /// <see cref="LogLevel.Information"/>, a lost link and a failed connection attempt that is retried at
    /// <see cref="LogLevel.Warning"/>. Never request or response contents.
    /// Default <see cref="NullLoggerFactory.Instance"/> (silent).
    /// </summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(LoggerFactory);
        if (string.IsNullOrEmpty(ServiceName) && string.IsNullOrEmpty(Address))
        {
            throw new ArgumentException("a device name (ServiceName) or Address is required", nameof(ServiceName));
        }

        Positive(ScanTimeout, nameof(ScanTimeout));
        Positive(ConnectTimeout, nameof(ConnectTimeout));
        Positive(RequestTimeout, nameof(RequestTimeout));
    }

    internal static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, "must be positive");
        }
    }
}
