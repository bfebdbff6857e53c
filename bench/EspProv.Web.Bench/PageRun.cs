using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;

namespace EspProv.Web.Bench;

/// <summary>A cold load of the page: bytes on the wire, navigation → ready, and the load's milestones (ms since navigation).</summary>
internal sealed record LoadSample(double Bytes, double Ready, double MainThreadCpu, Dictionary<string, double> Milestones);

/// <summary>A provisioning run through the page: the bench's own clock (chooser click → outcome) and the page's milestones (ms since the click).</summary>
internal sealed record PageSample(double Total, Dictionary<string, double> Milestones, List<double> Exchanges);

/// <summary>Drives the page in headless Chromium with the probe (probe.js) injected, as a user would.</summary>
internal sealed class PageRun(IBrowser browser)
{
    private static readonly string Probe = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "probe.js"));

    private const string ReadProbe = """
        () => JSON.stringify({
          probe: window.__probe,
          ready: (performance.getEntriesByName('espprov-ready')[0] || { startTime: -1 }).startTime,
          html: performance.getEntriesByType('navigation')[0].responseEnd,
          resources: performance.getEntriesByType('resource').map(r => ({ name: r.name, start: r.startTime, end: r.responseEnd, first: r.responseStart, size: r.encodedBodySize })),
        })
        """;

    // 'change' too, for a page that binds inputs on it (the Blazor build compared in docs/benchmarks.md).
    private const string InstantUser = """
        ([pop, ssid, passphrase]) => {
          const set = (id, value) => {
            const input = document.getElementById(id);
            input.value = value;
            input.dispatchEvent(new Event('change', { bubbles: true }));
          };
          const sent = new Set();
          const answer = (form, act) => {
            if (document.getElementById(form) && !sent.has(form)) {
              sent.add(form);
              act();
            }
          };
          new MutationObserver(() => {
            answer('security', () => { set('pop', pop); document.getElementById('start-session').click(); });
            answer('network', () => { set('ssid', ssid); set('passphrase', passphrase); document.getElementById('provision').click(); });
          }).observe(document, { childList: true, subtree: true });
        }
        """;

    public static readonly string[] LoadMilestones =
    [
        "index.html received", "loader script received (js/app.js or blazor.webassembly.js)", "dotnet.native.wasm received", "last _framework file received",
        "dotnet.native.wasm instantiated", "Web Bluetooth availability asked", "Web Bluetooth availability known", "device form shown", "ready",
    ];

    public static readonly string[] ProvisionMilestones =
    [
        "chooser: device picked", "connected, endpoints mapped", "proto-ver read: security form shown", "user: Start session clicked",
        "session established", "Wi-Fi scan done: network form shown", "user: Provision clicked", "set config sent: apply starts",
        "apply answered: status polls start", "verdict shown",
    ];

    public async Task<LoadSample> LoadAsync(string url)
    {
        await using var context = await browser.NewContextAsync();
        await context.AddInitScriptAsync(Probe);
        var page = await context.NewPageAsync();
        var responses = new List<IResponse>();
        page.Response += (_, r) => responses.Add(r);
        // The renderer's main-thread CPU time: what a load costs, much less stretched than wall time on a busy machine.
        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Performance.enable");
        var cpuBefore = await ThreadTimeAsync(cdp);
        await page.GotoAsync(url);
        await page.WaitForSelectorAsync("html[data-ready]", new() { Timeout = 60_000 });
        var cpu = (await ThreadTimeAsync(cdp)) - cpuBefore;
        using var doc = JsonDocument.Parse(await page.EvaluateAsync<string>(ReadProbe));
        var root = doc.RootElement;
        long total = 0;
        foreach (var response in responses)
        {
            var sizes = await response.Request.SizesAsync();
            total += sizes.ResponseBodySize + sizes.ResponseHeadersSize;
        }

        var resources = root.GetProperty("resources").EnumerateArray()
            .Select(r => (Name: r.GetProperty("name").GetString()!, Start: r.GetProperty("start").GetDouble(), End: r.GetProperty("end").GetDouble())).ToList();
        var probe = root.GetProperty("probe");
        var calls = Calls(probe);
        if (Environment.GetEnvironmentVariable("ESPPROV_BENCH_DUMP") is not null)
        {
            foreach (var r in root.GetProperty("resources").EnumerateArray())
            {
                Console.WriteLine($"{r.GetProperty("start").GetDouble(),8:F0} {r.GetProperty("first").GetDouble(),8:F0} {r.GetProperty("end").GetDouble(),8:F0} {r.GetProperty("size").GetDouble(),9:F0} {r.GetProperty("name").GetString()}");
            }

            foreach (var m in probe.GetProperty("marks").EnumerateObject())
            {
                Console.WriteLine($"{m.Value.GetDouble(),8:F0} mark {m.Name}");
            }

            foreach (var c in calls)
            {
                Console.WriteLine($"{c.Start,8:F0} {c.End,8:F0} {c.What}");
            }
        }

        var ready = root.GetProperty("ready").GetDouble();
        var milestones = new Dictionary<string, double>
        {
            ["index.html received"] = root.GetProperty("html").GetDouble(),
            ["loader script received (js/app.js or blazor.webassembly.js)"] = resources
                .Where(r => r.Name.Contains("blazor.webassembly", StringComparison.Ordinal) || r.Name.EndsWith("/js/app.js", StringComparison.Ordinal))
                .Select(r => r.End).DefaultIfEmpty(double.NaN).Max(),
            ["dotnet.native.wasm received"] = resources.Where(r => r.Name.Contains("dotnet.native", StringComparison.Ordinal) && r.Name.EndsWith(".wasm", StringComparison.Ordinal)).Select(r => r.End).DefaultIfEmpty(double.NaN).Max(),
            ["last _framework file received"] = resources.Where(r => r.Name.Contains("/_framework/", StringComparison.Ordinal)).Select(r => r.End).DefaultIfEmpty(double.NaN).Max(),
            ["dotnet.native.wasm instantiated"] = calls.Where(c => c.What == "wasm.instantiate").Select(c => c.End).DefaultIfEmpty(double.NaN).Max(),
            ["Web Bluetooth availability asked"] = calls.Where(c => c.What == "bt.getAvailability").Select(c => c.Start).DefaultIfEmpty(double.NaN).Min(),
            ["Web Bluetooth availability known"] = calls.Where(c => c.What == "bt.getAvailability").Select(c => c.End).DefaultIfEmpty(double.NaN).Min(),
            ["device form shown"] = Mark(probe, "shown:ready"),
            ["ready"] = ready,
        };
        return new LoadSample(total, ready, cpu, milestones);
    }

    public async Task<PageSample> ProvisionAsync(string url, string deviceName, string pop, string ssid, string passphrase)
    {
        await using var context = await browser.NewContextAsync();
        await context.AddInitScriptAsync(Probe);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(120_000);
        await page.GotoAsync(url);
        await page.WaitForSelectorAsync("html[data-ready]");
        var cdp = await context.NewCDPSessionAsync(page);
        cdp.Event("DeviceAccess.deviceRequestPrompted").OnEvent += async (_, e) =>
        {
            foreach (var d in e!.Value.GetProperty("devices").EnumerateArray().Where(d => d.GetProperty("name").GetString() == deviceName))
            {
                await cdp.SendAsync("DeviceAccess.selectPrompt", new Dictionary<string, object>
                {
                    ["id"] = e.Value.GetProperty("id").GetString()!,
                    ["deviceId"] = d.GetProperty("id").GetString()!,
                });
            }
        };
        await cdp.SendAsync("DeviceAccess.enable");
        var profiling = Environment.GetEnvironmentVariable("ESPPROV_BENCH_PROFILE") is not null;
        if (profiling)
        {
            await Profile.StartAsync(cdp);
        }

        // An instant user: each form is filled and sent the moment it appears, so the run's time is the page's and the
        // browser's, not the bench driver's (a Playwright fill or click costs tens of ms of its own round trips).
        await page.EvaluateAsync(InstantUser, new[] { pop, ssid, passphrase });
        // A user reads the page before the first click: whatever the page does once ready (PageApi.Warm) gets the
        // second a person gives it, the same for every build.
        await page.WaitForTimeoutAsync(1000);
        var clock = Stopwatch.StartNew();
        await page.ClickAsync("#pick");
        await page.WaitForSelectorAsync("#outcome");
        var total = clock.Elapsed.TotalMilliseconds;
        if (profiling)
        {
            await Profile.StopAsync(cdp, "one provisioning run (chooser click → verdict)");
        }

        var outcome = await page.InnerTextAsync("#outcome");
        if (!outcome.Contains("successful", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"page run failed: {await page.InnerTextAsync("#log")}");
        }

        using var doc = JsonDocument.Parse(await page.EvaluateAsync<string>(ReadProbe));
        var probe = doc.RootElement.GetProperty("probe");
        var clicks = probe.GetProperty("clicks").EnumerateArray().Select(c => (Id: c.GetProperty("id").GetString()!, T: c.GetProperty("t").GetDouble())).ToList();
        var lines = new Timeline(0, [.. probe.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("t").GetDouble(), l.GetProperty("text").GetString()!))]);
        var calls = Calls(probe);
        var start = clicks.First(c => c.Id == "pick").T;
        if (Environment.GetEnvironmentVariable("ESPPROV_BENCH_DUMP") is not null)
        {
            foreach (var c in calls)
            {
                Console.WriteLine($"{c.Start - start,8:F0} {c.End - start,8:F0} {c.What}");
            }

            foreach (var (t, text) in lines.Lines)
            {
                Console.WriteLine($"{t - start,8:F0} line {text}");
            }

            foreach (var m in probe.GetProperty("marks").EnumerateObject())
            {
                Console.WriteLine($"{m.Value.GetDouble() - start,8:F0} mark {m.Name}");
            }
        }

        var milestones = new Dictionary<string, double>
        {
            ["chooser: device picked"] = calls.First(c => c.What == "bt.requestDevice").End,
            ["connected, endpoints mapped"] = lines.At("==== Verifying protocol version"),
            ["proto-ver read: security form shown"] = Mark(probe, "shown:security"),
            ["user: Start session clicked"] = clicks.First(c => c.Id == "start-session").T,
            ["session established"] = lines.At("==== Session Established"),
            ["Wi-Fi scan done: network form shown"] = Mark(probe, "shown:network"),
            ["user: Provision clicked"] = clicks.First(c => c.Id == "provision").T,
            ["set config sent: apply starts"] = lines.At("==== Applying config"),
            ["apply answered: status polls start"] = lines.At("==== Wi-Fi connection state"),
            ["verdict shown"] = Mark(probe, "shown:outcome"),
        };
        foreach (var key in milestones.Keys.ToList())
        {
            milestones[key] -= start;
        }

        // One request = a write with response, then a read of the same characteristic.
        var exchanges = new List<double>();
        var gatt = calls.Where(c => c.What is "gatt.write" or "gatt.read").ToList();
        for (var i = 0; i + 1 < gatt.Count; i++)
        {
            if (gatt[i].What == "gatt.write" && gatt[i + 1].What == "gatt.read" && gatt[i].Uuid == gatt[i + 1].Uuid)
            {
                exchanges.Add(gatt[i + 1].End - gatt[i].Start);
            }
        }

        return new PageSample(total, milestones, exchanges);
    }

    private static async Task<double> ThreadTimeAsync(ICDPSession cdp)
    {
        var metrics = await cdp.SendAsync("Performance.getMetrics");
        return metrics!.Value.GetProperty("metrics").EnumerateArray().First(m => m.GetProperty("name").GetString() == "ThreadTime").GetProperty("value").GetDouble() * 1000;
    }

    private static double Mark(JsonElement probe, string name) =>
        probe.GetProperty("marks").TryGetProperty(name, out var t) ? t.GetDouble() : double.NaN;

    private static List<(string What, double Start, double End, string Uuid)> Calls(JsonElement probe) =>
        [.. probe.GetProperty("calls").EnumerateArray().Select(c => (c.GetProperty("what").GetString()!, c.GetProperty("start").GetDouble(),
            c.GetProperty("end").GetDouble(), c.GetProperty("uuid").GetString()!))];
}
