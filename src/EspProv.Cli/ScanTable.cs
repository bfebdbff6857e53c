using System.Globalization;
using EspProv.Provisioning;
using Spectre.Console;

namespace EspProv.Cli;

/// <summary>Prints scan results as esp_prov's table (S.N., SSID, BSSID, CHN, RSSI, AUTH) plus a signal bar, strongest first.</summary>
internal static class ScanTable
{
    public static IReadOnlyList<WifiNetwork> Sort(IReadOnlyList<WifiNetwork> networks) =>
        [.. networks.OrderByDescending(n => n.Rssi)];

    public static void Write(TextWriter output, IReadOnlyList<WifiNetwork> sorted, bool ansi) =>
        Write(output, ansi, ["SSID", "BSSID", "CHN", "RSSI", "SIGNAL", "AUTH"], sorted.Select(n => new[]
        {
            Markup.Escape(n.Ssid),
            n.BssidHex,
            n.Channel.ToString(CultureInfo.InvariantCulture),
            n.Rssi.ToString(CultureInfo.InvariantCulture),
            SignalBar(n.Rssi),
            Provision.StepWording.AuthName(n.AuthMode),
        }));

    /// <summary>A scan table of any network kind: an S.N. column, then <paramref name="columns"/>, one row per network (cells already escaped).</summary>
    public static void Write(TextWriter output, bool ansi, string[] columns, IEnumerable<string[]> rows)
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

        var table = new Table().Border(ansi ? TableBorder.Rounded : TableBorder.Ascii).AddColumn("S.N.");
        foreach (var column in columns)
        {
            table.AddColumn(column);
        }

        var number = 0;
        foreach (var row in rows)
        {
            number++;
            table.AddRow([number.ToString(CultureInfo.InvariantCulture), .. row]);
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
