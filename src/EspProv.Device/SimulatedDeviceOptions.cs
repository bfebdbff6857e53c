using EspProv.Device.Security;
using EspProv.Device.Thread;
using EspProv.Device.Wifi;
using EspProv.Provisioning;
using EspProv.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Device;

/// <summary>
/// Settings of a <see cref="SimulatedDevice"/>: the firmware it behaves like, whatever the transport. Each front-end
/// has its own (<see cref="HttpDeviceOptions"/>, <c>BleDeviceOptions</c>). Validated once when the device starts.
/// </summary>
public sealed class SimulatedDeviceOptions
{
    /// <summary>The PoP of the default security (the one in Espressif's vectors and examples).</summary>
    public const string DefaultPop = "abcd1234";

    /// <summary>Firmware family to behave like. Default <see cref="DeviceFlavor.Idf"/>.</summary>
    public DeviceFlavor Flavor { get; init; } = DeviceFlavor.Idf;

    /// <summary>Device-side security. Default: <see cref="DeviceSecurity1"/> with PoP <see cref="DefaultPop"/> and <see cref="Random"/>.</summary>
    public IDeviceSecurity? Security { get; init; }

    /// <summary>The networks the station can see and join. Default: <see cref="SimulatedNetwork.Default"/> only.</summary>
    public IReadOnlyList<SimulatedNetwork> Networks { get; init; } = [SimulatedNetwork.Default];

    /// <summary>
    /// The network a <see cref="DeviceFlavor.Netprov"/> device is built for: <see cref="NetworkKind.Wifi"/> (default) or
    /// <see cref="NetworkKind.Thread"/>. The other flavors are Wi-Fi only.
    /// </summary>
    public NetworkKind NetworkType { get; init; } = NetworkKind.Wifi;

    /// <summary>The Thread networks a Thread device can see and attach to. Default: <see cref="SimulatedThreadNetwork.Default"/> only.</summary>
    public IReadOnlyList<SimulatedThreadNetwork> ThreadNetworks { get; init; } = [SimulatedThreadNetwork.Default];

    /// <summary>How long a Thread device tries a valid dataset of an unknown network before ThreadNetworkNotFound. Default 3 s (firmware: 20 s).</summary>
    public TimeSpan AttachTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Firmware's <c>wifi_conn_attempts</c> (ESP-IDF 5.5 and network_provisioning): 0 (default) = one attempt; N = a failed
    /// join is retried until N attempts failed, each failure reported as Connecting with <c>attempt_failed</c>.
    /// </summary>
    public int ConnectionAttempts { get; init; }

    /// <summary>How long the station reports Connecting after apply before the outcome (a Thread device: Attaching before it attaches). Default 1 s; 0 = at once.</summary>
    public TimeSpan ConnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Randomness of the default security (ignored when <see cref="Security"/> is set). Null = OS CSPRNG. Session ids always come from the OS RNG.</summary>
    public IRandomSource? Random { get; init; }

    /// <summary>Clock of the simulated Wi-Fi and of provisioning timers. Null = <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>
    /// Firmware's default auto-stop. True (default): provisioning ends like firmware — ESP-IDF 1 s after a get-status was
    /// answered Connected, or 30 s after the station got its IP (ESP8266: 30 s after the IP) — and the HTTP server shuts
    /// down; prov-ctrl reprov is refused. False: the device keeps serving and accepts reprov.
    /// </summary>
    public bool AutoStop { get; init; } = true;

    /// <summary>
    /// False (default): behave like firmware. True: once a get-status answered Connected, return to a fresh provisioning
    /// state (credentials cleared, station reset, session closed) so the device serves flow after flow; no auto-stop.
    /// </summary>
    public bool Rearm { get; init; }

    /// <summary>
    /// Where the device logs, under the category of the class that logs (<c>EspProv.Device.SimulatedDevice</c>,
    /// <c>EspProv.Device.Core.DeviceService</c>, <c>EspProv.Device.Wifi.SimulatedStation</c>, …): one
    /// <see cref="LogLevel.Debug"/> message per request (<c>POST /prov-session 43 B -> 200 43 B</c>), device events
    /// (start, Wi-Fi, provisioning state) at <see cref="LogLevel.Information"/>, failures at <see cref="LogLevel.Warning"/>.
    /// Passphrases, PoPs, keys and decrypted payloads are never passed to a logger. Default
    /// <see cref="NullLoggerFactory.Instance"/> (silent).
    /// </summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>How many requests <see cref="SimulatedDevice.Requests"/> keeps (the most recent). Default 10,000, so a long-running or flooded device does not grow without bound.</summary>
    public int MaxRecordedRequests { get; init; } = Core.DeviceService.DefaultMaxRecordedRequests;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(LoggerFactory);
        if (!Enum.IsDefined(Flavor))
        {
            throw new ArgumentOutOfRangeException(nameof(Flavor), Flavor, "unknown flavor");
        }

        if (Networks is null || Networks.Any(n => n is null))
        {
            throw new ArgumentException("must be a list of networks without null entries", nameof(Networks));
        }

        foreach (var network in Networks)
        {
            network.Validate();
        }

        if (!Enum.IsDefined(NetworkType) || (NetworkType == NetworkKind.Thread && Flavor != DeviceFlavor.Netprov))
        {
            throw new ArgumentException("a Thread device is a network_provisioning device: use the netprov flavor", nameof(NetworkType));
        }

        if (ThreadNetworks is null || ThreadNetworks.Any(n => n is null))
        {
            throw new ArgumentException("must be a list of Thread networks without null entries", nameof(ThreadNetworks));
        }

        foreach (var network in ThreadNetworks)
        {
            network.Validate();
        }

        if (AttachTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(AttachTimeout), AttachTimeout, "must not be negative");
        }

        if (ConnectionAttempts < 0 || (ConnectionAttempts > 0 && Flavor == DeviceFlavor.Esp8266))
        {
            throw new ArgumentOutOfRangeException(nameof(ConnectionAttempts), ConnectionAttempts, "must be 0 or more, and 0 for ESP8266 firmware");
        }

        if (ConnectDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ConnectDelay), ConnectDelay, "must not be negative");
        }

        if (MaxRecordedRequests < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRecordedRequests), MaxRecordedRequests, "must be at least 1");
        }

        if (Security is { Scheme: SecurityScheme.Sec2 } && Flavor == DeviceFlavor.Esp8266)
        {
            throw new ArgumentException("ESP8266 firmware has no security 2", nameof(Security));
        }
    }
}
