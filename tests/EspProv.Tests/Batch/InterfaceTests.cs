using System.Diagnostics;
using System.Globalization;
using EspProv.Tests.Cli;

namespace EspProv.Tests.Batch;

/// <summary>
/// <c>--interface</c>: an unknown name is a usage error; a known one carries the connection. As root, a device in a
/// network namespace reachable only through a veth pair proves the binding: through the veth it provisions, bound to
/// <c>lo</c> it cannot connect.
/// </summary>
public sealed class InterfaceTests
{
    [Fact]
    public async Task UnknownInterface_IsUsageError64_ListingInterfaces()
    {
        var r = await CliHarness.RunAsync("--simulate", "--interface", "nosuch-if0", "--ssid", "myssid", "--passphrase", "mypassword", "--pop", "abcd1234");
        Assert.True(r.ExitCode == 64, r.ToString());
        Assert.Contains("nosuch-if0", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownInterface_InABatchManifest_Exit64_NothingSent()
    {
        await using var kit = await new BatchTestKit().StartAsync(1);
        kit.WriteManifest("interface", _ => "nosuch-if0");
        var r = await kit.RunAsync();
        Assert.True(r.ExitCode == 64, r.ToString());
        Assert.Contains("line 2:", r.Error, StringComparison.Ordinal);
        Assert.Equal(0, kit.Devices[0].RequestTotal);
    }

    [Fact]
    public async Task Loopback_Interface_Provisions()
    {
        var r = await CliHarness.RunAsync("--simulate", "--interface", "lo", "--ssid", "myssid", "--passphrase", "mypassword", "--pop", "abcd1234");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [NetnsFact]
    public async Task DeviceInANetworkNamespace_ReachedThroughItsVeth_NotThroughLo()
    {
        var id = (Environment.ProcessId % 100_000).ToString(CultureInfo.InvariantCulture);
        var ns = "espprov" + id;
        var (outer, inner) = ("epva" + id, "epvb" + id);
        var subnet = $"10.77.{(Environment.ProcessId % 250).ToString(CultureInfo.InvariantCulture)}";
        Process? device = null;
        try
        {
            await Ip("netns", "add", ns);
            await Ip("link", "add", outer, "type", "veth", "peer", "name", inner);
            await Ip("link", "set", inner, "netns", ns);
            await Ip("addr", "add", subnet + ".2/24", "dev", outer);
            await Ip("link", "set", outer, "up");
            await Ip("netns", "exec", ns, "ip", "addr", "add", subnet + ".1/24", "dev", inner);
            await Ip("netns", "exec", ns, "ip", "link", "set", inner, "up");
            await Ip("netns", "exec", ns, "ip", "link", "set", "lo", "up");

            var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in new[] { "netns", "exec", ns, "dotnet", Path.Combine(AppContext.BaseDirectory, "esp-prov.dll"), "simulate", "--listen", subnet + ".1:80", "--connect-delay", "0", "--quiet" })
            {
                start.ArgumentList.Add(arg);
            }

            device = Process.Start(start)!;
            using var ready = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (await device.StandardOutput.ReadLineAsync(ready.Token) is { } line && !line.StartsWith("listening on", StringComparison.Ordinal))
            {
            }

            var endpoint = subnet + ".1:80";
            var viaLo = await CliHarness.RunAsync("--softap_endpoint", endpoint, "--interface", "lo", "--timeout", "5", "--ssid", "myssid", "--passphrase", "mypassword", "--pop", "abcd1234");
            Assert.True(viaLo.ExitCode == 2, viaLo.ToString());
            var viaVeth = await CliHarness.RunAsync("--softap_endpoint", endpoint, "--interface", outer, "--ssid", "myssid", "--passphrase", "mypassword", "--pop", "abcd1234");
            Assert.True(viaVeth.ExitCode == 0, viaVeth.ToString());
        }
        finally
        {
            if (device is not null)
            {
                device.Kill(entireProcessTree: true);
                await device.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
                device.Dispose();
            }

            await Ip(ignoreErrors: true, "link", "del", outer);
            await Ip(ignoreErrors: true, "netns", "del", ns);
        }
    }

    private static Task Ip(params string[] args) => Ip(ignoreErrors: false, args);

    private static async Task Ip(bool ignoreErrors, params string[] args)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var error = await process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(ignoreErrors || process.ExitCode == 0, $"ip {string.Join(' ', args)}: {error}");
    }
}

/// <summary>
/// Runs only as root on Linux with the <c>ip</c> tool (network namespaces and veth pairs need both); skipped elsewhere on a
/// developer machine. CI runs as root with iproute2 installed by <c>.ci/run</c>, so there a missing tool fails the test.
/// </summary>
internal sealed class NetnsFactAttribute : FactAttribute
{
    public NetnsFactAttribute()
    {
        var ci = Environment.GetEnvironmentVariable("CI") == "true";
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || (!ci && !File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip")))
        {
            Skip = "needs root and iproute2 (ip netns, veth) on Linux";
        }
    }
}
