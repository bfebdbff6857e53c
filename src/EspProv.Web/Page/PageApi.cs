using System.Globalization;
using System.Runtime.InteropServices.JavaScript;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Web.Bluetooth;
using EspProv.Web.Provisioning;

namespace EspProv.Web.Page;

/// <summary>
/// What the page's script (wwwroot/js/app.js) calls: pick a device and run, hand over the secrets and the network,
/// retry. After every change the run's state goes to the script (<see cref="PageView"/>), without any secret: secrets
/// cross only from the page's inputs to here, and stay in memory for the run.
/// </summary>
internal static partial class PageApi
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private static readonly PageView View = new();
    private static ProvisionSession? _session;

    /// <summary>
    /// The first use, while the page waits for the user, of what a run needs right after the device is picked: the
    /// WebAssembly interpreter prepares each method on its first call, and the JSON reader and the X25519 key pair cost
    /// 100–200 ms that way, which would otherwise fall between the user's click and the device's answers
    /// (docs/benchmarks.md). Nothing is kept, nothing is sent.
    /// </summary>
    [JSExport]
    internal static void Warm()
    {
        _ = DeviceVersionInfo.Parse("""{"prov":{"ver":"v1.1","sec_ver":1,"cap":["wifi_scan"]}}"""u8);
        _ = new Security1("warm-up").CreateSession().CreateFirstRequest();
    }

    /// <summary>Shows the browser's chooser with the page's device settings, then runs the flow on the device picked.</summary>
    /// <param name="allDevices">Offer every device, not only <c>PROV_</c> names.</param>
    /// <param name="serviceUuid">The firmware's own service UUID, or empty.</param>
    /// <param name="scheme">"auto" (as the device says), or "0", "1", "2".</param>
    [JSExport]
    internal static async Task Pick(bool allDevices, string serviceUuid, string scheme)
    {
        PageView.PickError(null);
        DeviceFilter filter;
        try
        {
            filter = DeviceFilter.Create(allDevices, serviceUuid);
        }
        catch (FormatException)
        {
            Fail("the service UUID is not a UUID (e.g. 021a9004-0382-4aea-bff4-6b3f1c5adfb4)");
            return;
        }

        WebBluetoothTransport transport;
        try
        {
            transport = await WebBluetoothTransport.RequestDeviceAsync(filter, RequestTimeout).ConfigureAwait(true);
        }
        catch (TransportException ex)
        {
            Fail(ex.Message);
            return;
        }

        if (_session is not null)
        {
            await _session.DisposeAsync().ConfigureAwait(true);
        }

        _session = new ProvisionSession(transport, transport.DeviceName)
        {
            ExplicitScheme = scheme == "auto" ? null : int.Parse(scheme, CultureInfo.InvariantCulture),
        };
        var session = _session;
        View.Start(session);
        // A run replaced by a newer pick may still report its end: only the current one is shown.
        session.Changed += () =>
        {
            if (ReferenceEquals(session, _session))
            {
                View.Update(session);
            }
        };
        await session.RunAsync().ConfigureAwait(true);
    }

    /// <summary>Starts the session with the PoP, or the security 2 username and password; why not, or null.</summary>
    [JSExport]
    internal static string? SubmitSecurity(string pop, string username, string password) =>
        Rendered(_session?.SubmitSecurity(pop, username, password) ?? "no device is waiting for security settings");

    /// <summary>Starts the session with the secrets of a pasted QR payload; why not, or null.</summary>
    [JSExport]
    internal static string? UseQr(string qr)
    {
        if (_session is null)
        {
            return "no device is waiting for security settings";
        }

        if (!QrPayload.TryParse(qr, out var payload, out var error))
        {
            return error;
        }

        if (payload.Name is { } name && name != _session.DeviceName)
        {
            return $"the QR payload is for {name}, not {_session.DeviceName}: choose that device";
        }

        return Rendered(payload.Username is not null
            ? _session.SubmitSecurity(string.Empty, payload.Username, payload.Pop ?? string.Empty)
            : _session.SubmitSecurity(payload.Pop ?? string.Empty, string.Empty, string.Empty));
    }

    /// <summary>Sends the network, passphrase and custom data; why they are not valid, or null.</summary>
    [JSExport]
    internal static string? SubmitNetwork(string ssid, string passphrase, string customData) =>
        Rendered(_session?.SubmitNetwork(new NetworkChoice(ssid, passphrase, customData)) ?? "no device is waiting for a network");

    /// <summary>After a failed join: reset the device's Wi-Fi config and try the same network with another passphrase.</summary>
    [JSExport]
    internal static Task RetryPassphrase(string passphrase) => _session?.RetryPassphraseAsync(passphrase) ?? Task.CompletedTask;

    /// <summary>Runs the flow again on the same device (after a failed connect or session).</summary>
    [JSExport]
    internal static Task Again() => _session?.RunAsync() ?? Task.CompletedTask;

    /// <summary>Shows the act's outcome at once (a form gone, the run working again).</summary>
    private static string? Rendered(string? error)
    {
        if (_session is { } session)
        {
            View.Update(session);
        }

        return error;
    }

    private static void Fail(string message) => PageView.PickError(message);
}
