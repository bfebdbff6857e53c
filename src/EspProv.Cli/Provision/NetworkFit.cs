using EspProv.Provisioning;

namespace EspProv.Cli.Provision;

/// <summary>
/// Whether the run's network flags fit the device: Wi-Fi flags for a Wi-Fi device, a dataset for a Thread device. Asked
/// once the device's <c>proto-ver</c> answer is in (nothing more is sent when they do not fit), and before connecting
/// when a QR payload names the network. The one line says what the device is and which flag to use.
/// </summary>
internal static class NetworkFit
{
    /// <summary>Why the flags do not fit <paramref name="support"/>'s device, or null when they do.</summary>
    public static string? Check(ProvisionSettings settings, NetworkSupport support) =>
        Check(settings, support.Network, Describe(support));

    /// <summary>A QR payload that names the network: the same check before anything is sent.</summary>
    public static string? CheckQr(ProvisionSettings settings) => settings.QrNetwork switch
    {
        "thread" => Check(settings, NetworkKind.Thread, "the QR payload is of a Thread device"),
        "wifi" => Check(settings, NetworkKind.Wifi, "the QR payload is of a Wi-Fi device"),
        _ => null,
    };

    /// <summary>The device as the fit line and doctor name it.</summary>
    public static string Describe(NetworkSupport support) => (support.Generation, support.Network) switch
    {
        (_, NetworkKind.Thread) => "a Thread device (network_provisioning, ESP-IDF 6 generation)",
        (DeviceGeneration.NetworkProvisioning, _) => "a Wi-Fi device (network_provisioning, ESP-IDF 6 generation)",
        _ => "a Wi-Fi device (wifi_provisioning)",
    };

    private static string? Check(ProvisionSettings settings, NetworkKind kind, string device)
    {
        if (kind == NetworkKind.Thread && settings.WifiFlag is { } flag)
        {
            return $"{device}: it takes a Thread dataset, not {flag}: give --dataset_tlvs <hex> (or --dataset-file)";
        }

        if (kind == NetworkKind.Wifi && settings.Dataset is not null)
        {
            return $"{device}: it takes --ssid and --passphrase, not a Thread dataset ({settings.DatasetSource})";
        }

        return null;
    }
}
