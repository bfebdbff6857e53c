namespace EspProv.Device;

/// <summary>Which firmware family the simulated device behaves like (docs/protocol.md#firmware-families).</summary>
public enum DeviceFlavor
{
    /// <summary>
    /// ESP-IDF 5.x <c>wifi_prov_mgr</c>: JSON <c>proto-ver</c>, cookie sessions, <c>prov-scan</c>, <c>prov-ctrl</c>,
    /// <c>custom-data</c>, Command0 restarts a security 1 session, error responses close the connection.
    /// </summary>
    Idf = 0,

    /// <summary>
    /// ESP8266_RTOS_SDK 3.2 legacy examples (<c>softap_prov</c>/<c>custom_config</c>): plain <c>V0.1</c>, sessions keyed
    /// by connection, no scan/control, Command0 outside the initial state fails, 404/405 keep the connection.
    /// </summary>
    Esp8266 = 1,

    /// <summary>
    /// ESP-IDF 6 <c>network_provisioning</c> 1.2 (idf-extra-components): as <see cref="Idf"/> on the wire, plus
    /// <c>"ver":"netprov-v1.2"</c>, the <c>wifi_prov</c>/<c>thread_prov</c> capabilities and the Thread messages; a
    /// device is Wi-Fi or Thread (<see cref="SimulatedDeviceOptions.NetworkType"/>), and prov-ctrl reset answers
    /// Success while it is in provisioning mode (docs/thread-simulator.md).
    /// </summary>
    Netprov = 2,
}
