using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Transport;
using EspProv.Transport.Http;

namespace EspProv.Flood;

/// <summary>
/// Connection flood against one simulated device (issue #6), in-process on 127.0.0.1: N concurrent clients for a
/// bounded time, each looping over four behaviours (complete request, slowloris header, oversized/garbage head, idle
/// connect), while a monitor samples the device's open connections and connection handlers (and the kernel's
/// established sockets on the device port), and a probe asks <c>proto-ver</c> every 2 s. Afterwards: handlers back to
/// zero, managed heap and RSS against the baseline, and a complete provisioning flow. Exit 0 only if every check holds.
/// </summary>
internal static class Program
{
    private const string Pop = "abcd1234";
    private static readonly byte[] ValidRequest = Encoding.ASCII.GetBytes(
        "POST /proto-ver HTTP/1.1\r\nHost: 192.168.4.1\r\nContent-Length: 4\r\n\r\nV0.1");

    private static async Task<int> Main(string[] args)
    {
        var connections = Option(args, "--connections", 1000);
        var seconds = Option(args, "--seconds", 60);
        if (connections is < 1 or > 5000 || seconds is < 1 or > 600)
        {
            await Console.Error.WriteLineAsync("usage: EspProv.Flood [--connections 1..5000 (1000)] [--seconds 1..600 (60)]");
            return 64;
        }

        ThreadPool.SetMinThreads(Math.Max(Environment.ProcessorCount * 4, 32), 32);
        await using var device = await SimulatedDevice.StartAsync(new SimulatedDeviceOptions
        {
            Security = new DeviceSecurity1(Pop),
            ConnectDelay = TimeSpan.FromMilliseconds(100),
            AutoStop = false,
            Rearm = true,
        }, new HttpDeviceOptions { Port = 0 });
        var port = device.EndPoint.Port;
        Console.WriteLine($"device {device.Url} (ESP-IDF flavor, security 1, max_open_sockets 1 + LRU purge, backlog 5); {connections} clients for {seconds} s");

        var warmup = await ProvisionAsync(device);
        var cold = Measure();
        Console.WriteLine($"after one warm-up flow ({warmup.TotalMilliseconds:0} ms): managed {Mb(cold.Managed)}, RSS {Mb(cold.Rss)}");

        // A short warm-up flood grows what any load grows once (thread pool, socket and pipe pools, the bounded request
        // log); memory after the long flood is compared with this baseline, so growth means a leak.
        await FloodAsync(device, connections, TimeSpan.FromSeconds(3), new FloodStats()).ConfigureAwait(false);
        await SettleAsync(device).ConfigureAwait(false);
        var baseline = Measure();
        Console.WriteLine($"baseline after a 3 s warm-up flood: managed {Mb(baseline.Managed)}, RSS {Mb(baseline.Rss)}");

        var stats = new FloodStats();
        var (acceptedBefore, requestsBefore) = (device.ConnectionsAccepted, device.RequestTotal);
        var floodTime = await FloodAsync(device, connections, TimeSpan.FromSeconds(seconds), stats).ConfigureAwait(false);
        var settleTime = await SettleAsync(device).ConfigureAwait(false);
        var handlersAfter = device.ConnectionHandlersRunning;

        // Connections whose final ACK the kernel dropped while the accept queue was full complete later, when it
        // retransmits its SYN-ACK (1, 2, 4, 8, 16 s): each one still purges whatever connection is open. Wait until
        // none has arrived for 3 s (bounded), so "right afterwards" means once the flood has really stopped.
        var (late, quiet) = await QuiesceAsync(device).ConfigureAwait(false);
        var after = Measure();
        var provisioned = await ProvisionAsync(device);
        var pause = TimeSpan.FromSeconds(Math.Min(10, seconds));
        await Task.Delay(pause).ConfigureAwait(false); // Kestrel's memory pool evicts idle blocks over time
        var later = Measure();

        var latencies = stats.ProbeLatencies.Order().ToArray();
        var checks = new List<(string Check, bool Ok, string Detail)>
        {
            ("open connections never above 1 (max_open_sockets = 1)", stats.MaxOpen <= 1, $"max {stats.MaxOpen} over {stats.Samples:N0} samples (5 ms); handlers incl. purged ones winding down: max {stats.MaxHandlers}"),
            ("kernel sockets on the device port stay bounded (one + purged closing + accept queue)", stats.MaxKernelSockets <= 64,
                $"max {stats.MaxKernelSockets} established server-side sockets (sampled every 250 ms)"),
            ("the device answers throughout the flood (every 1 s window)", stats.AnswerWindows.Count > 0 && stats.AnswerWindows.Min() > 0,
                $"answers per second: min {(stats.AnswerWindows.Count > 0 ? stats.AnswerWindows.Min() : 0):N0}, median {Median(stats.AnswerWindows):N0}, max {(stats.AnswerWindows.Count > 0 ? stats.AnswerWindows.Max() : 0):N0}"),
            ("a probe (fresh client, proto-ver) is answered during the flood", stats.ProbesAnswered > 0,
                $"{stats.ProbesAnswered}/{stats.ProbesSent} rounds answered within 10 s; latency p50 {Ms(Percentile(latencies, 0.5))}, p90 {Ms(Percentile(latencies, 0.9))}, max {Ms(Percentile(latencies, 1))}; attempts max {stats.MaxProbeAttempts}"),
            ("connection handlers back to 0 after the flood", handlersAfter == 0, $"{handlersAfter} running, {settleTime.TotalMilliseconds:0} ms after the flood"),
            ("managed heap back to baseline (+8 MiB: ~10 B per flood connection)", later.Managed <= baseline.Managed + (8 << 20),
                $"{Mb(baseline.Managed)} -> {Mb(after.Managed)} -> {Mb(later.Managed)} ({pause.TotalSeconds:0} s later); before any flood {Mb(cold.Managed)}"),
            ("RSS back to baseline (+32 MiB: ~40 B per flood connection)", later.Rss <= baseline.Rss + (32 << 20),
                $"{Mb(baseline.Rss)} -> {Mb(after.Rss)} -> {Mb(later.Rss)} ({pause.TotalSeconds:0} s later); before any flood {Mb(cold.Rss)}"),
            ("a client provisions right afterwards", provisioned > TimeSpan.Zero,
                $"complete flow in {provisioned.TotalMilliseconds:0} ms, after {late} late connections and {quiet.TotalSeconds:0.0} s of waiting for 3 quiet seconds"),
        };

        Console.WriteLine();
        Console.WriteLine($"flood: {floodTime.TotalSeconds:0.0} s, {connections} clients; connects {stats.Connects:N0} (failed {stats.ConnectFailures:N0}), "
            + $"answers {stats.Answers:N0}, closed by device {stats.ClosedByDevice:N0}, device accepted {device.ConnectionsAccepted - acceptedBefore:N0} connections / {device.RequestTotal - requestsBefore:N0} requests");
        Console.WriteLine($"behaviours: valid {stats.ByKind[0]:N0}, slowloris {stats.ByKind[1]:N0}, oversized {stats.ByKind[2]:N0}, idle {stats.ByKind[3]:N0} (iterations)");
        Console.WriteLine();
        Console.WriteLine("| check | result | measured |");
        Console.WriteLine("|---|---|---|");
        foreach (var (check, ok, detail) in checks)
        {
            Console.WriteLine($"| {check} | {(ok ? "ok" : "FAILED")} | {detail} |");
        }

        return checks.All(c => c.Ok) ? 0 : 1;
    }

    /// <summary>Runs the clients, the monitor and the probe for <paramref name="duration"/>; returns the time it took.</summary>
    private static async Task<TimeSpan> FloodAsync(SimulatedDevice device, int connections, TimeSpan duration, FloodStats stats)
    {
        var port = device.EndPoint.Port;
        using var stop = new CancellationTokenSource(duration);
        var clock = Stopwatch.StartNew();
        var monitor = MonitorAsync(device, stats, stop.Token);
        var probes = ProbeAsync(port, stats, stop.Token);
        var workers = Enumerable.Range(0, connections).Select(i => WorkerAsync(port, i % 4, stats, stop.Token)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        await monitor.ConfigureAwait(false);
        await probes.ConfigureAwait(false);
        return clock.Elapsed;
    }

    /// <summary>Waits until no connection was accepted for 3 s (at most 70 s); returns how many arrived meanwhile and the time waited.</summary>
    private static async Task<(long Late, TimeSpan Waited)> QuiesceAsync(SimulatedDevice device)
    {
        var clock = Stopwatch.StartNew();
        var start = device.ConnectionsAccepted;
        var last = start;
        var lastChange = clock.Elapsed;
        while (clock.Elapsed - lastChange < TimeSpan.FromSeconds(3) && clock.Elapsed < TimeSpan.FromSeconds(70))
        {
            await Task.Delay(50).ConfigureAwait(false);
            if (device.ConnectionsAccepted != last)
            {
                last = device.ConnectionsAccepted;
                lastChange = clock.Elapsed;
            }
        }

        return (last - start, clock.Elapsed);
    }

    private static long Median(List<long> values) => values.Count == 0 ? 0 : values.Order().ElementAt(values.Count / 2);

    /// <summary>Bounded wait (15 s) for every connection handler of the device to finish; returns the time waited.</summary>
    private static async Task<TimeSpan> SettleAsync(SimulatedDevice device)
    {
        var settle = Stopwatch.StartNew();
        while (device.ConnectionHandlersRunning > 0 && settle.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(20).ConfigureAwait(false);
        }

        return settle.Elapsed;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }

    private static string Mb(long bytes) => $"{bytes / 1048576.0:0.0} MiB";

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0.0} ms";

    private static TimeSpan Percentile(TimeSpan[] sorted, double p) =>
        sorted.Length == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - (p > 0 ? 1 : 0))];

    private static (long Managed, long Rss) Measure()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return (GC.GetTotalMemory(forceFullCollection: true), self.WorkingSet64);
    }

    /// <summary>A complete flow (version, security 1 session, set, apply, wait for Connected); its time, or zero on failure.</summary>
    private static async Task<TimeSpan> ProvisionAsync(SimulatedDevice device)
    {
        var clock = Stopwatch.StartNew();
        var log = new List<string>();
        try
        {
            var transport = new HttpTransport(new DeviceAddress("127.0.0.1", device.EndPoint.Port, false), new HttpTransportOptions { RequestTimeout = TimeSpan.FromSeconds(5) });
            await using var client = new ProvisioningClient(transport, new ProvisioningClientOptions { LoggerFactory = new FloodLog(line => log.Add($"{clock.Elapsed.TotalMilliseconds,8:0.0} ms {line}")) }, ownsTransport: true);
            await client.ProvisionAsync(ProvisioningPlan.For(new Security1(Pop), new WifiCredentials("myssid", "mypassword"))).ConfigureAwait(false);
            return clock.Elapsed;
        }
        catch (Exception ex) when (ex is EspProv.Exceptions.ProvisioningException or IOException or SocketException)
        {
            // The client's log redacts the passphrase; the device's request log carries no secrets.
            await Console.Error.WriteLineAsync($"provisioning failed: {ex.Message}\nclient:\n  {string.Join("\n  ", log)}\ndevice (last 12):\n  {string.Join("\n  ", device.Requests.TakeLast(12))}").ConfigureAwait(false);
            return TimeSpan.Zero;
        }
    }

    private static async Task MonitorAsync(SimulatedDevice device, FloodStats stats, CancellationToken stop)
    {
        var lastKernel = Stopwatch.StartNew();
        var window = Stopwatch.StartNew();
        var answersAtWindow = Interlocked.Read(ref stats.Answers);
        while (!stop.IsCancellationRequested)
        {
            stats.MaxOpen = Math.Max(stats.MaxOpen, device.OpenConnections);
            stats.MaxHandlers = Math.Max(stats.MaxHandlers, device.ConnectionHandlersRunning);
            stats.Samples++;
            if (lastKernel.Elapsed >= TimeSpan.FromMilliseconds(250))
            {
                stats.MaxKernelSockets = Math.Max(stats.MaxKernelSockets, KernelEstablished(device.EndPoint.Port));
                lastKernel.Restart();
            }

            if (window.Elapsed >= TimeSpan.FromSeconds(1))
            {
                var answers = Interlocked.Read(ref stats.Answers);
                stats.AnswerWindows.Add(answers - answersAtWindow);
                answersAtWindow = answers;
                window.Restart();
            }

            try
            {
                await Task.Delay(5, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Server-side ESTABLISHED sockets on <paramref name="port"/> from /proc/net/tcp (0 where it does not exist).</summary>
    private static int KernelEstablished(int port)
    {
        const string table = "/proc/net/tcp";
        if (!File.Exists(table))
        {
            return 0;
        }

        var local = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        var count = 0;
        foreach (var line in File.ReadLines(table).Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 3 && fields[1].EndsWith(local, StringComparison.Ordinal) && fields[3] == "01")
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Every 2 s: a fresh connection asks proto-ver, retried (each attempt 1 s, 10 ms apart) for up to 10 s; latency from the first attempt.</summary>
    private static async Task ProbeAsync(int port, FloodStats stats, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref stats.ProbesSent);
            var clock = Stopwatch.StartNew();
            for (var attempt = 1; attempt <= 1000 && clock.Elapsed < TimeSpan.FromSeconds(10); attempt++)
            {
                if (attempt > 1)
                {
                    await Task.Delay(10, CancellationToken.None).ConfigureAwait(false); // a purged attempt fails at once
                }

                await using var transport = new HttpTransport(new DeviceAddress("127.0.0.1", port, false), new HttpTransportOptions { RequestTimeout = TimeSpan.FromSeconds(1) });
                try
                {
                    var answer = await transport.SendAsync(Endpoints.ProtoVer, "V0.1"u8.ToArray(), CancellationToken.None).ConfigureAwait(false);
                    if (answer.Length > 0)
                    {
                        Interlocked.Increment(ref stats.ProbesAnswered);
                        lock (stats.ProbeLatencies)
                        {
                            stats.ProbeLatencies.Add(clock.Elapsed);
                        }

                        stats.MaxProbeAttempts = Math.Max(stats.MaxProbeAttempts, attempt);
                        break;
                    }
                }
                catch (EspProv.Exceptions.TransportException)
                {
                    // purged by a flood connection before the answer: try again
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task WorkerAsync(int port, int kind, FloodStats stats, CancellationToken stop)
    {
        var buffer = new byte[4096];
        var junk = new byte[2048];
        for (var i = 0; i < junk.Length; i++)
        {
            junk[i] = (byte)('A' + (i % 26));
        }

        while (!stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref stats.ByKind[kind]);
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop);
            attempt.CancelAfter(TimeSpan.FromSeconds(3));
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), attempt.Token).ConfigureAwait(false);
                Interlocked.Increment(ref stats.Connects);
                switch (kind)
                {
                    case 0:
                        await socket.SendAsync(ValidRequest, attempt.Token).ConfigureAwait(false);
                        break;
                    case 1:
                        // Slowloris: the request head one byte every 100 ms.
                        for (var b = 0; b < ValidRequest.Length - 8; b++)
                        {
                            await socket.SendAsync(ValidRequest.AsMemory(b, 1), attempt.Token).ConfigureAwait(false);
                            await Task.Delay(100, attempt.Token).ConfigureAwait(false);
                        }

                        break;
                    case 2:
                        await socket.SendAsync("POST /proto-ver HTTP/1.1\r\nX-Junk: "u8.ToArray(), attempt.Token).ConfigureAwait(false);
                        await socket.SendAsync(junk, attempt.Token).ConfigureAwait(false);
                        break;
                }

                // Read until the device answers and/or closes (LRU purge, limit, timeout) or the attempt ends.
                var received = 0;
                while (true)
                {
                    var n = await socket.ReceiveAsync(buffer, attempt.Token).ConfigureAwait(false);
                    if (n == 0)
                    {
                        Interlocked.Increment(ref stats.ClosedByDevice);
                        break;
                    }

                    if (received == 0)
                    {
                        Interlocked.Increment(ref stats.Answers);
                    }

                    received += n;
                    if (kind == 0)
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                if (!socket.Connected)
                {
                    Interlocked.Increment(ref stats.ConnectFailures);
                }
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref stats.ClosedByDevice); // reset by the device (purge) or refused
            }
        }
    }
}
