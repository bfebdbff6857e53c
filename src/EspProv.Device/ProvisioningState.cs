namespace EspProv.Device;

/// <summary>The provisioning manager's state (wifi_prov_mgr's <c>prov_state</c>).</summary>
public enum ProvisioningState
{
    /// <summary>Waiting for credentials to be applied (also after a prov-ctrl reset or reprov, and after a rearm).</summary>
    Started,

    /// <summary>Credentials applied; the station is connecting.</summary>
    CredentialsReceived,

    /// <summary>The connection attempt failed (prov-ctrl reset allowed).</summary>
    Failed,

    /// <summary>The station got an IP address.</summary>
    Succeeded,

    /// <summary>Provisioning ended (auto-stop) and the HTTP server was shut down.</summary>
    Stopped,
}
