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
}
