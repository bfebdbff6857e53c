using System.Text.Json;
using Microsoft.Playwright;

namespace EspProv.Web.Bench;

/// <summary>
/// Where the page's main thread spends its time: V8's sampling profiler over CDP, self time per function group, for a
/// cold load (<c>--profile</c>) or for each provisioning run (environment variable <c>ESPPROV_BENCH_PROFILE</c>).
/// </summary>
internal static class Profile
{
    public static async Task LoadAsync(IBrowser browser, string url)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var cdp = await context.NewCDPSessionAsync(page);
        await StartAsync(cdp);
        await page.GotoAsync(url);
        await page.WaitForSelectorAsync("html[data-ready]", new() { Timeout = 60_000 });
        await StopAsync(cdp, "one cold load");
    }

    public static async Task StartAsync(ICDPSession cdp)
    {
        await cdp.SendAsync("Profiler.enable");
        await cdp.SendAsync("Profiler.setSamplingInterval", new Dictionary<string, object> { ["interval"] = 1000 });
        await cdp.SendAsync("Profiler.start");
    }

    public static async Task StopAsync(ICDPSession cdp, string what)
    {
        var result = await cdp.SendAsync("Profiler.stop");
        var profile = result!.Value.GetProperty("profile");
        var names = new Dictionary<int, string>();
        // The runtime pack's symbol map names the functions of dotnet.native.wasm (published unchanged without a wasm workload).
        var symbols = Directory.EnumerateFiles(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget/packages/microsoft.netcore.app.runtime.mono.browser-wasm"),
                "dotnet.native.js.symbols", SearchOption.AllDirectories).Select(f => File.ReadAllLines(f)
                .Select(l => l.Split(':', 2)).ToDictionary(p => "wasm-function[" + p[0] + "]", p => p[1])).FirstOrDefault() ?? [];
        foreach (var node in profile.GetProperty("nodes").EnumerateArray())
        {
            var frame = node.GetProperty("callFrame");
            var function = frame.GetProperty("functionName").GetString();
            var where = frame.GetProperty("url").GetString() ?? string.Empty;
            names[node.GetProperty("id").GetInt32()] = symbols.TryGetValue(function ?? string.Empty, out var symbol) && where.Contains("dotnet.native", StringComparison.Ordinal) ? $"wasm {symbol}"
                : where.StartsWith("wasm://", StringComparison.Ordinal) ? $"wasm {function}"
                : where.Length == 0 ? (function is { Length: > 0 } f ? f : "(native)") : $"{Path.GetFileName(where)} {function}";
        }

        var self = new Dictionary<string, double>();
        var samples = profile.GetProperty("samples").EnumerateArray().Select(s => s.GetInt32()).ToList();
        var deltas = profile.GetProperty("timeDeltas").EnumerateArray().Select(d => d.GetDouble() / 1000).ToList();
        for (var i = 0; i + 1 < samples.Count; i++)
        {
            var name = names[samples[i]];
            self[name] = self.GetValueOrDefault(name) + deltas[i + 1];
        }

        foreach (var (name, ms) in self.ToList())
        {
            if (name.StartsWith("wasm wasm-function[", StringComparison.Ordinal) || name.StartsWith("wasm $", StringComparison.Ordinal))
            {
                // Jiterpreter traces are small modules of their own, unnamed.
                self.Remove(name);
                self["wasm (unnamed: jiterpreter traces)"] = self.GetValueOrDefault("wasm (unnamed: jiterpreter traces)") + ms;
            }
        }

        var total = self.Values.Sum();
        Console.WriteLine($"main thread profile of {what}: {total:N0} ms sampled");
        foreach (var group in self.GroupBy(kv => Group(kv.Key)).OrderByDescending(g => g.Sum(kv => kv.Value)))
        {
            Console.WriteLine($"  {group.Key,-40} {group.Sum(kv => kv.Value),8:N0} ms");
        }

        Console.WriteLine("  top functions:");
        foreach (var (name, ms) in self.OrderByDescending(kv => kv.Value).Take(60))
        {
            Console.WriteLine($"    {ms,8:N1} ms  {name}");
        }
    }

    private static string Group(string name) =>
        name.StartsWith("wasm ", StringComparison.Ordinal) ? "wasm (runtime, interpreter, jiterpreter traces)"
        : name.StartsWith('(') ? name
        : name.Split(' ')[0];
}
