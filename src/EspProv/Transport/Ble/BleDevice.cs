namespace EspProv.Transport.Ble;

/// <summary>A BLE device seen advertising during a scan, as BlueZ reports it.</summary>
/// <param name="Address">Its Bluetooth address, <c>XX:XX:XX:XX:XX:XX</c> (upper case).</param>
/// <param name="Name">The advertised local name (a provisioning device's service name, e.g. <c>PROV_1A2B3C</c>); null if none was heard.</param>
/// <param name="Rssi">Signal strength of the last advertisement, dBm; null when BlueZ reported none.</param>
/// <param name="ServiceUuids">Service UUIDs, lower-case 128-bit strings. After a connection BlueZ lists every resolved service here, not only the advertised ones.</param>
/// <param name="ManufacturerData">Manufacturer specific data by company ID.</param>
/// <param name="Adapter">The local adapter that saw it, e.g. <c>hci0</c>.</param>
public sealed record BleDevice(
    string Address,
    string? Name,
    short? Rssi,
    IReadOnlyList<string> ServiceUuids,
    IReadOnlyDictionary<ushort, byte[]> ManufacturerData,
    string Adapter)
{
    /// <summary>BlueZ's object path of the device (<c>/org/bluez/hci0/dev_…</c>).</summary>
    internal string ObjectPath { get; init; } = string.Empty;

    /// <summary>True when it advertises one of Espressif's provisioning service UUIDs or has a <c>PROV_</c> name.</summary>
    public bool LooksLikeProvisioningDevice =>
        ServiceUuids.Any(u => u is BleDiscovery.DefaultServiceUuid or BleDiscovery.ExampleServiceUuid)
        || (Name?.StartsWith("PROV_", StringComparison.Ordinal) ?? false);

    /// <summary>"PROV_1A2B3C (02:00:00:00:00:01, -52 dBm)".</summary>
    public override string ToString() =>
        $"{Name ?? "(no name)"} ({Address}{(Rssi is { } r ? $", {r} dBm" : string.Empty)})";
}
