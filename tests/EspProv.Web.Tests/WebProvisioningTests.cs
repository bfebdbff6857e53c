using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;

namespace EspProv.Web.Tests;

/// <summary>
/// The page in a real headless Chromium provisioning the simulated BLE device through Chromium's own BlueZ backend and
/// the virtual BlueZ: every case the CLI covers, in the CLI's words (docs/web.md, "Tests").
/// </summary>
[Collection(WebBrowserGroup.Name)]
public sealed class WebProvisioningTests(WebBrowserFixture fixture)
{
    private const string Pop = "web-pop-5a1t";
    private const string Sec2User = "wifiprov";
    private const string Sec2Password = "web-sec2-pa55";
    private const string Passphrase = "web-pass-phr4se";

    private static readonly SimulatedNetwork Home = new("home-net", Passphrase) { Rssi = -48, Channel = 6 };

    private static SimulatedDeviceOptions Options(IDeviceSecurity security, params SimulatedNetwork[] networks) => new()
    {
        Security = security,
        Networks = networks.Length > 0 ? networks : [Home],
        ConnectDelay = TimeSpan.FromMilliseconds(300),
    };

    [WebFact]
    public async Task Web_Security0_ProvisionsWithoutSecrets()
    {
        await using var device = await fixture.StartDeviceAsync("PROV_WEB000", Options(new DeviceSecurity0()));
        await using var page = await WebPageDriver.OpenAsync(fixture);
        await page.ChooseDeviceAsync("PROV_WEB000");
        await page.ProvisionAsync(Home.Ssid, Passphrase);
        var log = await page.OutcomeAsync();
        Assert.Contains("Security scheme determined to be: 0", log);
        Assert.Contains("==== Provisioning was successful ====", log);
        Assert.Contains("Device joined 'home-net'", log);
    }

    [WebFact]
    public async Task Web_Security1_ProvisionsWithPopAndCustomData()
    {
        await using var device = await fixture.StartDeviceAsync("PROV_WEB001", Options(new DeviceSecurity1(Pop)));
        await using var page = await WebPageDriver.OpenAsync(fixture);
        await page.ChooseDeviceAsync("PROV_WEB001");
        await page.WaitForSecurityAsync();
        await page.Page.FillAsync("#pop", Pop);
        await page.Page.ClickAsync("#start-session");
        await page.ProvisionAsync(Home.Ssid, Passphrase, customData: "hello from the page");
        var log = await page.OutcomeAsync();
        Assert.Contains("==== Session Established ====", log);
        Assert.Contains("CustomData response: SUCCESS", log);
        Assert.Contains("==== Provisioning was successful ====", log);
        Assert.Matches(@"Device joined 'home-net' \(BSSID [0-9a-f:]+, channel 6, WPA2_PSK\): IP address \d+\.\d+\.\d+\.\d+", log);
    }

    [WebFact]
    public async Task Web_Security2_ProvisionsWithUsernameAndPassword()
    {
        await using var device = await fixture.StartDeviceAsync("PROV_WEB002", Options(DeviceSecurity2.FromPassword(Sec2User, Sec2Password)));
        await using var page = await WebPageDriver.OpenAsync(fixture);
        await page.ChooseDeviceAsync("PROV_WEB002");
        await page.WaitForSecurityAsync();
        await page.Page.FillAsync("#sec2-username", Sec2User);
        await page.Page.FillAsync("#sec2-password", Sec2Password);
        await page.Page.ClickAsync("#start-session");
        await page.ProvisionAsync(Home.Ssid, Passphrase);
        var log = await page.OutcomeAsync();
        Assert.Contains("security 2", log);
        Assert.Contains("==== Provisioning was successful ====", log);
    }

    [WebFact]
    public async Task Web_WrongPop_SaysSoAndTheRightOneWorksWithoutPickingAgain()
    {
        await using var device = await fixture.StartDeviceAsync("PROV_WEB003", Options(new DeviceSecurity1(Pop)));
        await using var page = await WebPageDriver.OpenAsync(fixture);
        await page.ChooseDeviceAsync("PROV_WEB003");
        await page.WaitForSecurityAsync();
        await page.Page.FillAsync("#pop", "not-the-pop");
        await page.Page.ClickAsync("#start-session");
        var log = await page.OutcomeAsync();
        Assert.Contains("---- Error in establishing session ----", log);
        Assert.Contains("session failed at", log);
        Assert.True(log.Contains("wrong proof of possession?", StringComparison.Ordinal), log);

        await page.Page.ClickAsync("#again");
        await page.WaitForSecurityAsync();
        await page.Page.FillAsync("#pop", Pop);
        await page.Page.ClickAsync("#start-session");
        await page.ProvisionAsync(Home.Ssid, Passphrase);
        await page.Page.WaitForSelectorAsync("#outcome.ok");
        Assert.Contains("==== Provisioning was successful ====", await page.LogAsync());
    }

    [WebFact]
    public async Task Web_WrongPassphrase_ThenAnotherPassphrase_Joins()
    {
        await using var device = await fixture.StartDeviceAsync("PROV_WEB004", Options(new DeviceSecurity1(Pop)));
        await using var page = await WebPageDriver.OpenAsync(fixture);
        await page.ChooseDeviceAsync("PROV_WEB004");
        await page.WaitForSecurityAsync();
        await page.Page.FillAsync("#pop", Pop);
        await page.Page.ClickAsync("#start-session");
        await page.ProvisionAsync(Home.Ssid, "wrong-passphrase");
        var log = await page.OutcomeAsync();
        Assert.Contains("++++ WiFi state: connection failed ++++", log);
        Assert.Contains("++++ Failure reason: Incorrect Password ++++", log);

        await page.Page.FillAsync("#retry-passphrase", Passphrase);
        await page.Page.ClickAsync("#retry-button");
        await page.Page.WaitForSelectorAsync("#outcome.ok");
        log = await page.LogAsync();
        Assert.Contains("==== Wi-Fi config reset successfully ====", log);
        Assert.Contains("==== Provisioning was successful ====", log);
    }

    [WebFact]
    public async Task Web_NetworkList_ShowsWhatTheDeviceSees_StrongestFirst()
    {
        SimulatedNetwork[] networks =
        [
            new("weak-net", "weak-pass-1") { Rssi = -80 },
            new("strong-net", "strong-pass-1") { Rssi = -40 },
            new("middle-net", string.Empty) { Rssi = -60 },
        ];
        await using var device = await fixture.StartDeviceAsync("PROV_WEB005", Options(new DeviceSecurity0(), networks));
        await using var page = await WebPageDriver.OpenAsync(fixture);
        await page.ChooseDeviceAsync("PROV_WEB005");
        await page.WaitForNetworkAsync();
        var rows = await page.Page.Locator("#networks tbody tr td:first-child").AllInnerTextsAsync();
        Assert.Equal(["strong-net", "middle-net", "weak-net"], rows);

        await page.Page.Locator("#networks tbody tr").Nth(0).Locator("button").ClickAsync();
        Assert.Equal("strong-net", await page.Page.InputValueAsync("#ssid"));
        await page.Page.FillAsync("#passphrase", "strong-pass-1");
        await page.Page.ClickAsync("#provision");
        Assert.Contains("Device joined 'strong-net'", await page.OutcomeAsync());
    }

    [WebFact]
    public async Task Web_PastedQrPayload_OpensTheSession()
    {
        await using var device = await fixture.StartDeviceAsync("PROV_WEB006", Options(DeviceSecurity2.FromPassword(Sec2User, Sec2Password)));
        await using var page = await WebPageDriver.OpenAsync(fixture);
        await page.ChooseDeviceAsync("PROV_WEB006");
        await page.WaitForSecurityAsync();
        await page.Page.ClickAsync("#security summary");
        await page.Page.FillAsync("#qr", $$"""{"ver":"v1","name":"PROV_WEB006","username":"{{Sec2User}}","pop":"{{Sec2Password}}","transport":"ble","security":2}""");
        await page.Page.ClickAsync("#qr-use");
        await page.ProvisionAsync(Home.Ssid, Passphrase);
        Assert.Contains("==== Provisioning was successful ====", await page.OutcomeAsync());
    }

    [WebFact]
    public async Task Web_BrowserWithoutWebBluetooth_SaysWhatToUse()
    {
        // As Firefox and Safari: no navigator.bluetooth at all.
        await using var page = await WebPageDriver.OpenAsync(fixture, "delete Navigator.prototype.bluetooth;");
        var text = await page.Page.InnerTextAsync("#no-bluetooth");
        Assert.Contains("This browser has no Web Bluetooth", text);
        Assert.Contains("Chrome", text);
        Assert.Contains("esp-prov", text);
        Assert.Equal(0, await page.Page.Locator("#pick").CountAsync());
        // Such a browser never starts the .NET runtime, so it downloads none of it.
        var fetched = await page.Page.EvaluateAsync<string[]>("() => performance.getEntriesByType('resource').map(r => r.name)");
        Assert.Contains(fetched, url => url.EndsWith("/js/app.js", StringComparison.Ordinal));
        Assert.DoesNotContain(fetched, url => url.Contains("/_framework/dotnet.native", StringComparison.Ordinal) || url.EndsWith(".wasm", StringComparison.Ordinal));
    }

    [WebFact]
    public async Task Web_BluetoothWithoutAnAdapter_SaysToSwitchItOn()
    {
        // As a machine whose Bluetooth is off or missing: the browser has the API and says no adapter is available.
        await using var page = await WebPageDriver.OpenAsync(fixture, "Bluetooth.prototype.getAvailability = () => Promise.resolve(false);");
        var text = await page.Page.InnerTextAsync("#no-bluetooth");
        Assert.Contains("sees no Bluetooth adapter", text);
        Assert.Equal(0, await page.Page.Locator("#pick").CountAsync());
    }

    [WebFact]
    public async Task Web_PageThatIsNotASecureContext_SaysToUseHttpsOrLocalhost()
    {
        // As the page served over plain http from another host: browsers withhold Web Bluetooth there.
        await using var page = await WebPageDriver.OpenAsync(fixture, "Object.defineProperty(window, 'isSecureContext', { value: false });");
        var text = await page.Page.InnerTextAsync("#no-bluetooth");
        Assert.Contains("only on a secure page", text);
        Assert.Contains("esp-prov web", text);
    }

    [WebFact]
    public async Task Web_Secrets_NeverReachTheConsoleStorageOrUrl()
    {
        await using var device = await fixture.StartDeviceAsync("PROV_WEB007", Options(DeviceSecurity2.FromPassword(Sec2User, Sec2Password)));
        await using var page = await WebPageDriver.OpenAsync(fixture);
        await page.Page.EvaluateAsync("() => console.log('console capture works')");
        await page.ChooseDeviceAsync("PROV_WEB007");
        await page.WaitForSecurityAsync();
        await page.Page.FillAsync("#sec2-username", Sec2User);
        await page.Page.FillAsync("#sec2-password", Sec2Password);
        await page.Page.ClickAsync("#start-session");
        await page.ProvisionAsync(Home.Ssid, "a-wrong-passphrase");
        await page.OutcomeAsync();
        await page.Page.FillAsync("#retry-passphrase", Passphrase);
        await page.Page.ClickAsync("#retry-button");
        await page.Page.WaitForSelectorAsync("#outcome.ok");

        var everything = string.Join('\n', page.Console) + '\n' + await page.StorageAsync() + '\n' + await page.LogAsync();
        Assert.Contains("console capture works", everything);
        foreach (var secret in new[] { Sec2Password, Passphrase, "a-wrong-passphrase" })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(secret)), everything, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(secret)), everything, StringComparison.OrdinalIgnoreCase);
        }

        // The fields are cleared once handed to the run.
        Assert.Equal(0, await page.Page.Locator("#sec2-password").CountAsync());
    }
}
