using System.Diagnostics;
using System.Globalization;
using System.Net;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Transport;
using EspProv.Transport.Http;

namespace EspProv.Bench.Timing;

/// <summary>
/// <c>load --devices 16 --seconds 10 [--sec 1] [--warmup 5] [--transport http|memory] [--alloc-types N]</c>: a re-arming simulated fleet
/// (connect delay 0) on loopback HTTP or in-memory links, and one client per device running complete provisioning flows back to back, each on a new connection like
/// a new esp-prov run: proto-ver, session handshake, set config, apply, status until Connected. Client and devices share
/// this process (and the machine's cores). Prints a progress line every 5 s (throughput, CPU use in % of one core, GC pause share, working set, GC heap, collections) and ends
/// with <c>flows/s=… p50_ms=… p99_ms=… alloc_kb_per_flow=… peak_mb=…</c>.
/// </summary>
internal static class LoadCommand
{
    private const string Pop = "abcd1234";
    private const string Sec2User = "wifiprov";
    private const string Sec2Password = "abcd1234";

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var deviceCount = args.Int("devices", 16);
        var seconds = args.Double("seconds", 10);
        var warmup = args.Double("warmup", 5);
        var sec = args.Int("sec", 1);
        var transportName = args.String("transport", "http");
        if (deviceCount < 1 || seconds <= 0 || warmup < 0 || sec is < 0 or > 2 || transportName is not ("http" or "memory"))
        {
            await Console.Error.WriteLineAsync("load: --devices ≥ 1, --seconds > 0, --warmup ≥ 0, --sec 0|1|2, --transport http|memory").ConfigureAwait(false);
            return 64;
        }

        IDeviceSecurity deviceSecurity = sec switch
        {
            0 => DeviceSecurity0.Instance,
            1 => new DeviceSecurity1(Pop),
            _ => DeviceSecurity2.FromPassword(Sec2User, Sec2Password),
        };
        ISecurity clientSecurity = sec switch
        {
            0 => Security0.Instance,
            1 => new Security1(Pop),
            _ => new Security2(Sec2User, Sec2Password, patchVersion: 1),
        };

        var options = new SimulatedDeviceOptions
        {
            ConnectDelay = TimeSpan.Zero,
            Rearm = true,
            Security = deviceSecurity,
            MaxRecordedRequests = args.Int("record", EspProv.Device.Core.DeviceService.DefaultMaxRecordedRequests),
        };
        var memory = transportName == "memory";
        await using var fleet = memory ? null : await SimulatedFleet.StartAsync(options, deviceCount, new HttpDeviceOptions { Port = 0 }).ConfigureAwait(false);
        var devices = fleet?.Devices ?? [.. Enumerable.Range(0, deviceCount).Select(_ => SimulatedDevice.CreateInMemory(options))];

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: {deviceCount} devices over {transportName}, security {sec}, {warmup:0.#} s warm-up + {seconds:0.#} s measured, {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}"));

        var histogram = new LatencyHistogram();
        var measuring = 0;
        var errors = 0L;
        using var stop = new CancellationTokenSource();
        var clients = devices
            .Select(d => Task.Run(() => ClientLoopAsync(memory ? () => d.CreateInMemoryTransport() : Http(d.EndPoint.Port), clientSecurity, histogram, () => Volatile.Read(ref measuring) == 1, () => Interlocked.Increment(ref errors), stop.Token)))
            .ToArray();

        await Task.Delay(TimeSpan.FromSeconds(warmup)).ConfigureAwait(false);
        var warmedUp = await WaitForSteadyJitAsync().ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up: {warmup + warmedUp.TotalSeconds:0.#} s, {System.Runtime.JitInfo.GetCompiledMethodCount()} methods compiled"));
        var topTypes = args.Int("alloc-types", 0);
        using var sampler = topTypes > 0 ? new AllocationSampler() : null;
        GC.Collect();
        var process = Process.GetCurrentProcess();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        Volatile.Write(ref measuring, 1);
        sampler?.Recording = true;

        var lastCount = 0L;
        var lastTime = TimeSpan.Zero;
        var lastPause = GC.GetTotalPauseDuration();
        var lastCpu = process.TotalProcessorTime;
        var end = TimeSpan.FromSeconds(seconds);
        while (clock.Elapsed < end)
        {
            var wait = TimeSpan.FromSeconds(5) < end - clock.Elapsed ? TimeSpan.FromSeconds(5) : end - clock.Elapsed;
            await Task.Delay(wait).ConfigureAwait(false);
            var now = clock.Elapsed;
            var count = histogram.Count;
            process.Refresh();
            var pause = GC.GetTotalPauseDuration();
            var cpu = process.TotalProcessorTime;
            var span = now - lastTime;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"t={now.TotalSeconds:0}s flows/s={(count - lastCount) / span.TotalSeconds:0} cpu%={100 * (cpu - lastCpu) / span:0} gc_pause%={100 * (pause - lastPause) / span:0.0} ws_mb={process.WorkingSet64 / 1048576.0:0.0} gc_heap_mb={GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0:0.0} gen0/1/2={GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} jitted={System.Runtime.JitInfo.GetCompiledMethodCount()}"));
            lastCount = count;
            lastTime = now;
            lastPause = pause;
            lastCpu = cpu;
        }

        Volatile.Write(ref measuring, 0);
        var elapsed = clock.Elapsed;
        var flows = histogram.Count;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        sampler?.Recording = false;
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(clients).ConfigureAwait(false);
        if (memory)
        {
            foreach (var device in devices)
            {
                await device.DisposeAsync().ConfigureAwait(false);
            }
        }

        process.Refresh();

        if (errors > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"errors={errors}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"flows/s={flows / elapsed.TotalSeconds:0} p50_ms={histogram.Percentile(50):0.00} p99_ms={histogram.Percentile(99):0.00} alloc_kb_per_flow={allocated / 1024.0 / Math.Max(flows, 1):0.0} peak_mb={process.PeakWorkingSet64 / 1048576.0:0.0}"));
        sampler?.Print(topTypes, flows);
        return errors > 0 ? 1 : 0;
    }

    /// <summary>
    /// Extends the warm-up until tiered compilation has settled (fewer than 20 methods compiled in a second, at most 60 s
    /// more): on a busy 2-core machine the background tier-1 compiler is starved for a while, and a measurement taken
    /// before it finishes times tier-0 code, not the steady state of a long-running fleet app.
    /// </summary>
    private static async Task<TimeSpan> WaitForSteadyJitAsync()
    {
        var clock = Stopwatch.StartNew();
        var last = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now - last < 20)
            {
                break;
            }

            last = now;
        }

        return clock.Elapsed;
    }

    private static Func<IProvisioningTransport> Http(int port)
    {
        var address = new DeviceAddress("127.0.0.1", port, false);
        return () => new HttpTransport(address);
    }

    private static async Task ClientLoopAsync(Func<IProvisioningTransport> open, ISecurity security, LatencyHistogram histogram, Func<bool> measuring, Action onError, CancellationToken stop)
    {
        var credentials = new WifiCredentials(SimulatedNetwork.Default.Ssid, SimulatedNetwork.Default.Passphrase);
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await using var transport = open();
                await using var client = new ProvisioningClient(transport);
                await client.GetVersionAsync(cancellationToken: stop).ConfigureAwait(false);
                await client.EstablishSessionAsync(security, stop).ConfigureAwait(false);
                await client.SetWifiConfigAsync(credentials, stop).ConfigureAwait(false);
                await client.ApplyWifiConfigAsync(stop).ConfigureAwait(false);
                await client.WaitForConnectionAsync(cancellationToken: stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a failed flow is counted and reported; the load goes on
            catch (Exception ex)
#pragma warning restore CA1031
            {
                onError();
                await Console.Error.WriteLineAsync($"flow failed: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
                continue;
            }

            if (measuring())
            {
                histogram.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }
}
