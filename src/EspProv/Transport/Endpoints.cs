namespace EspProv.Transport;

/// <summary>The protocomm endpoint names (docs/protocol.md#endpoints), written once.</summary>
public static class Endpoints
{
    /// <summary>Version and capabilities (plain text or JSON). Not encrypted.</summary>
    public const string ProtoVer = "proto-ver";

    /// <summary>The security handshake. Not encrypted.</summary>
    public const string Session = "prov-session";

    /// <summary>Wi-Fi configuration: get status, set config, apply. Encrypted.</summary>
    public const string Config = "prov-config";

    /// <summary>Wi-Fi scan. Encrypted.</summary>
    public const string Scan = "prov-scan";

    /// <summary>Control: reset, reprovision (ESP-IDF 5.1+). Encrypted.</summary>
    public const string Control = "prov-ctrl";

    /// <summary>ESP8266 custom_config example. Encrypted.</summary>
    public const string CustomConfig = "custom-config";

    /// <summary>ESP-IDF example application endpoint (raw bytes). Encrypted.</summary>
    public const string CustomData = "custom-data";
}
