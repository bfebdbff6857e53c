namespace EspProv.Transport.Ble;

/// <summary>Settings of a <see cref="BleDiscovery"/> scan.</summary>
public sealed class BleScanOptions
{
    /// <summary>How long to scan. Default 5 s (esp_prov's scan; the phone apps scan 5–6 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The local adapter, e.g. <c>hci0</c>; null = the first powered adapter.</summary>
    public string? Adapter { get; init; }

    /// <summary>Report only devices advertising one of these service UUIDs (BlueZ filters); empty = all.</summary>
    public IReadOnlyList<string> ServiceUuids { get; init; } = [];

    /// <summary>Report only devices whose name starts with this (ordinal, case-sensitive, as Espressif's Android app); null = all.</summary>
    public string? NamePrefix { get; init; }

    /// <summary>The D-Bus system bus address; null = <c>DBUS_SYSTEM_BUS_ADDRESS</c>, else the standard system bus socket.</summary>
    public string? BusAddress { get; init; }

    /// <summary>The clock for the timeout; null = the system clock.</summary>
    public TimeProvider? TimeProvider { get; init; }

    internal void Validate() => BleTransportOptions.Positive(Timeout, nameof(Timeout));
}
