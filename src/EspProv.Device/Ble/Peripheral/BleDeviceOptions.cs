using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EspProv.Device.Ble.Peripheral;

/// <summary>Settings of a simulated device's BLE front-end (docs/ble.md#gatt-layout, #advertising,
/// #bluez-peripheral-role). Validated once when it starts.</summary>
public sealed class BleDeviceOptions
{
    /// <summary>The wifi_prov_mgr example's service UUID, also esp_prov's fallback
    /// (docs/ble.md#service-uuid).</summary>
    public const string ExampleServiceUuid = "021a9004-0382-4aea-bff4-6b3f1c5adfb4";

    /// <summary>Longest advertised name firmware accepts, in bytes (<c>MAX_BLE_DEVNAME_LEN</c>,
    /// docs/ble.md#advertising).</summary>
    public const int MaxNameBytes = 29;

    /// <summary>
    /// The advertised Complete Local Name and GAP Device Name. Default: <c>PROV_</c> + 6 random upper-case hex digits,
    /// as the example derives it from the station MAC (drawn once per options instance). At most 29 bytes (UTF-8).
    /// </summary>
    public string Name { get; init; } = DefaultName();

    /// <summary>The 128-bit provisioning service UUID. Default <see cref="ExampleServiceUuid"/>.</summary>
    public string ServiceUuid { get; init; } = ExampleServiceUuid;

    /// <summary>The BlueZ adapter to register on (<c>hci1</c> or <c>/org/bluez/hci1</c>); null = the first powered adapter that has GattManager1.</summary>
    public string? Adapter { get; init; }

    /// <summary>The firmware host stack to imitate. Default <see cref="BleStack.NimBle"/>.</summary>
    public BleStack Stack { get; init; } = BleStack.NimBle;

    /// <summary>The D-Bus address of BlueZ's bus; null = the system bus (<c>DBUS_SYSTEM_BUS_ADDRESS</c> or its default socket).</summary>
    public string? BusAddress { get; init; }

    /// <summary>Deadline of each call to BlueZ (connect, register, unregister, disconnect). Default 10 s.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A name such as firmware's example advertises: <c>PROV_</c> + 6 random upper-case hex digits.</summary>
    public static string DefaultName() =>
        "PROV_" + RandomNumberGenerator.GetInt32(0x1000000).ToString("X6", CultureInfo.InvariantCulture);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Name) || Encoding.UTF8.GetByteCount(Name) > MaxNameBytes || Name.Any(char.IsControl))
        {
            throw new ArgumentException($"the BLE name must be 1 to {MaxNameBytes} bytes without control characters (firmware's limit), not '{Name}'", nameof(Name));
        }

        if (!Guid.TryParseExact(ServiceUuid ?? string.Empty, "D", out _))
        {
            throw new ArgumentException($"the service UUID must be a 128-bit UUID such as {ExampleServiceUuid}, not '{ServiceUuid}'", nameof(ServiceUuid));
        }

        if (Adapter is { } adapter && (adapter.Length == 0 || adapter.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '/' or '_'))))
        {
            throw new ArgumentException($"the adapter must be a name such as hci0 or a path such as /org/bluez/hci0, not '{Adapter}'", nameof(Adapter));
        }

        if (!Enum.IsDefined(Stack))
        {
            throw new ArgumentException("unknown BLE stack", nameof(Stack));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CallTimeout, TimeSpan.Zero);
    }

    /// <summary>The adapter's object path for <see cref="Adapter"/> (a bare name goes below <c>/org/bluez</c>).</summary>
    internal string? AdapterPath => Adapter is null ? null : Adapter.StartsWith('/') ? Adapter : "/org/bluez/" + Adapter;
}
