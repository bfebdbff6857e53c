namespace EspProv.Exceptions;

/// <summary>The steps of a provisioning run, in the order esp_prov performs them.</summary>
public enum ProvisioningStep
{
    /// <summary>Opening the connection to the device (transport set-up).</summary>
    Connect,

    /// <summary>The <c>proto-ver</c> exchange: version check and capabilities.</summary>
    ProtocolVersion,

    /// <summary>The <c>prov-session</c> handshake.</summary>
    Session,

    /// <summary>Sending <c>custom-config</c> (ESP8266 custom_config example).</summary>
    CustomConfig,

    /// <summary>Sending raw bytes to an application endpoint such as <c>custom-data</c>.</summary>
    CustomData,

    /// <summary>Scanning for Wi-Fi networks over <c>prov-scan</c>.</summary>
    Scan,

    /// <summary>A <c>prov-ctrl</c> command (reset, reprovision).</summary>
    Control,

    /// <summary>Sending the Wi-Fi credentials (<c>prov-config</c> SetConfig).</summary>
    SetConfig,

    /// <summary>Applying the Wi-Fi credentials (<c>prov-config</c> ApplyConfig).</summary>
    ApplyConfig,

    /// <summary>Polling the Wi-Fi status after apply.</summary>
    Status,
}
