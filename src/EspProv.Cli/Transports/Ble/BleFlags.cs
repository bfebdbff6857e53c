using System.CommandLine;

namespace EspProv.Cli.Transports.Ble;

/// <summary>The BLE transport's own settings: <c>--ble_adapter</c>.</summary>
/// <param name="Adapter">The Bluetooth adapter; null = the first powered one.</param>
internal sealed record BleSettings(string? Adapter)
{
    /// <summary>The settings of <paramref name="settings"/>, or the defaults when its flags were not read.</summary>
    public static BleSettings Of(ProvisionSettings settings) => settings.Get<BleSettings>() ?? new BleSettings(Adapter: null);
}

/// <summary>The BLE transport's flags (<c>--service_name</c> and <c>--scan_timeout</c> are esp_prov's, shared).</summary>
internal sealed class BleFlags : ITransportFlags
{
    /// <summary><c>--ble_adapter</c> (batch --discover scans on it too).</summary>
    public Option<string?> Adapter { get; } = new("--ble_adapter", "--ble-adapter")
    {
        Description = "with --transport ble: the Bluetooth adapter (default: the first powered one)",
        HelpName = "hci0",
    };

    public IEnumerable<Option> All => [Adapter];

    public ProvisionSettings Read(ParseResult result, ProvisionSettings settings) => settings.With(new BleSettings(result.GetValue(Adapter)));
}
