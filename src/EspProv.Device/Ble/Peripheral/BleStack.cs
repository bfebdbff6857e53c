namespace EspProv.Device.Ble.Peripheral;

/// <summary>The BLE host stack of the firmware to imitate; they differ in sizes and in how a protocol error ends
/// (docs/ble.md#requests-and-responses).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "A BLE host stack, the name firmware documentation uses; not a Stack<T>.")]
public enum BleStack
{
    /// <summary>
    /// NimBLE (<c>protocomm_nimble.c</c>, the wifi_prov_mgr example's choice): a protocol error fails the write and keeps
    /// the link; values up to the ATT limit of 512 bytes.
    /// </summary>
    NimBle,

    /// <summary>
    /// Bluedroid (<c>protocomm_ble.c</c>, ESP-IDF's default host): a protocol error drops the link without a write
    /// response; a characteristic stores at most 481 bytes.
    /// </summary>
    Bluedroid,
}
