using System.Globalization;
using EspProv.Provisioning;
using Spectre.Console;

namespace EspProv.Cli;

/// <summary>Prints scan results as esp_prov's table (S.N., SSID, BSSID, CHN, RSSI, AUTH) plus a signal bar, strongest first.</summary>
internal static class ScanTable
{
    public static IReadOnlyList<WifiNetwork> Sort(IReadOnlyList<WifiNetwork> networks) =>
        [.. networks.OrderByDescending(n => n.Rssi)];

    public static void Write(TextWriter output, IReadOnlyList<WifiNetwork> sorted, bool ansi)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = ansi ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ansi ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!ansi)
        {
            console.Profile.Width = 120;
        }

        var table = new Table().Border(ansi ? TableBorder.Rounded : TableBorder.Ascii)
            .AddColumn("S.N.").AddColumn("SSID").AddColumn("BSSID").AddColumn("CHN").AddColumn("RSSI").AddColumn("SIGNAL").AddColumn("AUTH");
        for (var i = 0; i < sorted.Count; i++)
        {
            var n = sorted[i];
            table.AddRow(
                (i + 1).ToString(CultureInfo.InvariantCulture),
                Markup.Escape(n.Ssid),
                n.BssidHex,
                n.Channel.ToString(CultureInfo.InvariantCulture),
                n.Rssi.ToString(CultureInfo.InvariantCulture),
                SignalBar(n.Rssi),
                Provision.StepWording.AuthName(n.AuthMode));
        }

        console.Write(table);
    }

    /// <summary>Four bars at -50 dBm and stronger, one below -70 dBm.</summary>
    public static string SignalBar(int rssi)
    {
        var bars = rssi >= -50 ? 4 : rssi >= -60 ? 3 : rssi >= -70 ? 2 : 1;
        return new string('#', bars) + new string('.', 4 - bars);
    }
}
