using System.Text.Json;
using Microsoft.Playwright;

namespace EspProv.Web.Tests;

/// <summary>
/// Drives the page as a person would: clicks, typing, and the browser's device chooser answered through CDP's
/// DeviceAccess domain (headless Chromium has no chooser window). Collects everything the page writes to its console.
/// </summary>
public sealed class WebPageDriver : IAsyncDisposable
{
    private static readonly float Timeout = 60_000;
    private readonly ICDPSession _cdp;

    private WebPageDriver(IPage page, ICDPSession cdp)
    {
        Page = page;
        _cdp = cdp;
        page.Console += (_, message) => Console.Add(message.Text);
        page.PageError += (_, error) => Console.Add(error);
    }

    public IPage Page { get; }

    /// <summary>Every console message and page error so far.</summary>
    public List<string> Console { get; } = [];

    /// <summary>Opens the page (in a new tab) and waits until it is interactive.</summary>
    public static async Task<WebPageDriver> OpenAsync(WebBrowserFixture fixture, string? initScript = null)
    {
        var page = await fixture.Browser.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        if (initScript is not null)
        {
            await page.AddInitScriptAsync(initScript);
        }

        var cdp = await fixture.Browser.NewCDPSessionAsync(page);
        var driver = new WebPageDriver(page, cdp);
        await page.GotoAsync(fixture.BaseUrl);
        await page.WaitForSelectorAsync("html[data-ready]");
        return driver;
    }

    /// <summary>Clicks "Choose device" and picks <paramref name="deviceName"/> in the chooser once the browser lists it.</summary>
    public async Task ChooseDeviceAsync(string deviceName)
    {
        var picked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cdp.Event("DeviceAccess.deviceRequestPrompted").OnEvent += async (_, e) =>
        {
            if (e is not { } prompt || picked.Task.IsCompleted)
            {
                return;
            }

            foreach (var device in prompt.GetProperty("devices").EnumerateArray())
            {
                if (device.GetProperty("name").GetString() == deviceName)
                {
                    picked.TrySetResult();
                    await _cdp.SendAsync("DeviceAccess.selectPrompt", new Dictionary<string, object>
                    {
                        ["id"] = prompt.GetProperty("id").GetString()!,
                        ["deviceId"] = device.GetProperty("id").GetString()!,
                    });
                    return;
                }
            }
        };
        await _cdp.SendAsync("DeviceAccess.enable");
        await Page.ClickAsync("#pick");
        await picked.Task.WaitAsync(TimeSpan.FromMilliseconds(Timeout));
    }

    /// <summary>Waits for the security form (the device asked for a PoP or security 2 credentials).</summary>
    public Task WaitForSecurityAsync() => Page.WaitForSelectorAsync("#security");

    /// <summary>Waits for the network form (session established, scan done).</summary>
    public Task WaitForNetworkAsync() => Page.WaitForSelectorAsync("#network");

    public async Task ProvisionAsync(string ssid, string passphrase, string customData = "")
    {
        await WaitForNetworkAsync();
        await Page.FillAsync("#ssid", ssid);
        await Page.FillAsync("#passphrase", passphrase);
        if (customData.Length > 0)
        {
            await Page.FillAsync("#custom-data", customData);
        }

        await Page.ClickAsync("#provision");
    }

    /// <summary>Waits for the run's verdict and returns the step log.</summary>
    public async Task<string> OutcomeAsync()
    {
        await Page.WaitForSelectorAsync("#outcome");
        return await LogAsync();
    }

    public async Task<string> LogAsync() => string.Join('\n', await Page.Locator("#log li").AllInnerTextsAsync());

    /// <summary>Everything the page could have kept: URL, cookies, local/session storage, IndexedDB names, Cache Storage.</summary>
    public async Task<string> StorageAsync()
    {
        var stored = await Page.EvaluateAsync<JsonElement>("""
            async () => ({
              url: location.href,
              cookies: document.cookie,
              local: JSON.stringify(Object.entries(localStorage)),
              session: JSON.stringify(Object.entries(sessionStorage)),
              indexedDb: JSON.stringify(indexedDB.databases ? await indexedDB.databases() : []),
              caches: JSON.stringify(await caches.keys()),
            })
            """);
        return stored.GetRawText();
    }

    public async ValueTask DisposeAsync()
    {
        await _cdp.DetachAsync();
        await Page.CloseAsync();
    }
}
