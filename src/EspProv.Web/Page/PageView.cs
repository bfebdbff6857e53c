using System.Globalization;
using System.Runtime.InteropServices.JavaScript;
using EspProv.Cli.Provision;
using EspProv.Web.Provisioning;

namespace EspProv.Web.Page;

/// <summary>
/// Sends a run's state to the page's script (wwwroot/js/app.js, module <c>page</c>) as it changes: new log lines, the
/// stage, the network list once. Plain arguments, no JSON: in a trace, writing the first JSON state took about 70 ms of
/// interpreter time, more than everything else a render does. Device text is sanitised
/// (<see cref="ProvisionSession.Shown"/>) and the script sets it as text, never as markup. No secret is ever sent.
/// </summary>
internal sealed partial class PageView
{
    private int _run;
    private int _linesSent;
    private IReadOnlyList<EspProv.Provisioning.WifiNetwork>? _networksSent;

    /// <summary>The chooser or the device filter failed: shown under the device form.</summary>
    public static void PickError(string? message) => ShowPickError(message ?? string.Empty);

    /// <summary>A new device was picked: the page starts a new run's log.</summary>
    public void Start(ProvisionSession session)
    {
        _run++;
        _linesSent = 0;
        _networksSent = null;
        Update(session);
    }

    /// <summary>Sends what changed since the last update.</summary>
    public void Update(ProvisionSession session)
    {
        var lines = session.Lines;
        for (; _linesSent < lines.Count; _linesSent++)
        {
            AddLine(_run, _linesSent, lines[_linesSent].Text, lines[_linesSent].IsError);
        }

        if (session.Networks is { } networks && !ReferenceEquals(networks, _networksSent))
        {
            _networksSent = networks;
            SetNetworks(_run, [.. networks.SelectMany(n => new[]
            {
                n.Ssid, ProvisionSession.Shown(n.Ssid), n.BssidHex, n.Channel.ToString(CultureInfo.InvariantCulture),
                n.Rssi.ToString(CultureInfo.InvariantCulture), StepWording.AuthName(n.AuthMode),
            })]);
        }

        var security = session.Security;
        ShowStage(_run, ProvisionSession.Shown(session.DeviceName), session.Stage.ToString(), session.CanRetry, security?.Scheme ?? -1);
    }

    [JSImport("showPickError", "page")]
    private static partial void ShowPickError(string message);

    [JSImport("addLine", "page")]
    private static partial void AddLine(int run, int index, string text, bool isError);

    /// <summary>Six strings per network: SSID as sent, SSID as shown, BSSID, channel, RSSI, security.</summary>
    [JSImport("setNetworks", "page")]
    private static partial void SetNetworks(int run, [JSMarshalAs<JSType.Array<JSType.String>>] string[] rows);

    [JSImport("showStage", "page")]
    private static partial void ShowStage(int run, string device, string stage, bool canRetry, int scheme);
}
