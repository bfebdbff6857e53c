namespace EspProv.Device.Ble.VirtualBluez;

/// <summary>Settings of a <see cref="VirtualBluez"/>. Defaults model a BlueZ 5.66 host and an ESP advertiser.</summary>
public sealed class VirtualBluezOptions
{
    /// <summary>Number of peripheral adapters (<c>hci1</c>…<c>hciN</c>) created at start. Default 1.</summary>
    public int PeripheralAdapters { get; init; } = 1;

    /// <summary>Clock for advertising delays. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Seed of the random source for advertising delays and RSSI jitter; null = unseeded.</summary>
    public int? RandomSeed { get; init; }

    /// <summary>
    /// Advertising interval used when an advertisement sets no MaxInterval: a discovery reports a device after a delay drawn
    /// uniformly from [0, interval) plus the 0–10 ms advDelay of the Core spec. Default 160 ms (ESP firmware,
    /// docs/ble.md#advertising).
    /// </summary>
    public TimeSpan AdvertisingInterval { get; init; } = TimeSpan.FromMilliseconds(160);

    /// <summary>ATT MTU of every link: both ends are BlueZ, which offers 517 (main.conf ExchangeMTU). Default 517.</summary>
    public ushort Mtu { get; init; } = 517;

    /// <summary>RSSI reported for peripheral adapter hciN is this minus 4·(N−1), ±2 dBm jitter. Default −50.</summary>
    public short Rssi { get; init; } = -50;

    /// <summary>The dbus-daemon executable. Default <c>dbus-daemon</c> (on PATH).</summary>
    public string DaemonPath { get; init; } = "dbus-daemon";

    /// <summary>Deadline for starting the daemon and taking the <c>org.bluez</c> name. Default 10 s.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Deadline for calls into applications (GetManagedObjects, ReadValue, WriteValue…). Default 30 s (the ATT timeout).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(PeripheralAdapters);
        ArgumentOutOfRangeException.ThrowIfLessThan(Mtu, (ushort)23);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AdvertisingInterval, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentException.ThrowIfNullOrEmpty(DaemonPath);
    }
}

/// <summary>An adapter of the virtual BlueZ.</summary>
/// <param name="Name">Its name, <c>hci0</c> for the central adapter, <c>hci1</c>… for peripheral adapters.</param>
/// <param name="Path">Its object path, <c>/org/bluez/hciN</c>.</param>
/// <param name="Address">Its public address, <c>XX:XX:XX:XX:XX:XX</c>.</param>
public sealed record VirtualAdapter(string Name, string Path, string Address);
