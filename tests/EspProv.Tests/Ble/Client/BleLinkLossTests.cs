using EspProv.Cli;
using EspProv.Device.Security;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Tests.Ble.Support;
using EspProv.Tests.Cli;
using EspProv.Tests.Device.Support;
using EspProv.Tests.Logging;
using EspProv.Tests.Support;
using EspProv.Transport;
using EspProv.Transport.Ble;

namespace EspProv.Tests.Ble.Client;

/// <summary>
/// Issue 20 over BLE, against the simulated device on the virtual BlueZ: a link dropped while it is being set up is
/// retried (3 attempts, backoff on the transport's clock); a device BlueZ remembers but that does not advertise is not
/// connected to; the link is closed when a run ends however it ends; a device gone after apply is "outcome unknown".
/// </summary>
public sealed class BleLinkLossTests
{
    private const string Unknown = "the device stopped answering after the credentials were applied; it has probably joined";

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task LinkDroppedDuringServiceDiscovery_IsRetriedAfterTheBackoff_OnTheTransportsClock()
    {
        await using var bench = await BleBench.StartAsync();
        bench.Bluez.DropDuringServiceDiscovery(1);
        var trace = new List<string>();
        var time = new TestClock();
        await using var transport = new BleTransport(bench.Options(trace: trace, time: time));

        var prepare = transport.PrepareAsync(Endpoints.ProtoVer).AsTask();
        await time.TimerDueWithinAsync(Backoff, "the backoff", orElse: () => prepare.IsCompleted);
        Assert.False(prepare.IsCompleted); // waits for the backoff, which only the clock ends
        Assert.Contains(Lines(trace), l => l.StartsWith($"connection attempt 1 of 3 to {bench.Name} (", StringComparison.Ordinal)
            && l.EndsWith("dropped the link during service discovery); retrying in 250 ms", StringComparison.Ordinal));
        time.Advance(Backoff);

        var link = await prepare;
        Assert.Equal(1, link.Generation);
        Assert.Equal(2, bench.Bluez.Connections);
        Assert.Contains(Lines(trace), l => l.StartsWith($"connecting to {bench.Name}", StringComparison.Ordinal) && l.EndsWith("(attempt 2 of 3)", StringComparison.Ordinal));
        Assert.NotEmpty(await transport.SendAsync(Endpoints.ProtoVer, "ESP"u8.ToArray()));
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task LinkDroppedOnEveryAttempt_FailsAfterThreeWithTheLastAttemptsMessage_AndNothingStaysConnected()
    {
        await using var bench = await BleBench.StartAsync();
        foreach (var n in new[] { 1, 2, 3, 4 })
        {
            bench.Bluez.DropDuringServiceDiscovery(n);
        }

        var trace = new List<string>();
        await using var transport = new BleTransport(bench.Options(trace: trace));
        var ex = await Assert.ThrowsAsync<BleTransportException>(() => transport.PrepareAsync(Endpoints.ProtoVer).AsTask());
        Assert.Equal(TransportFailure.ConnectionRefused, ex.Failure);
        Assert.EndsWith("dropped the link during service discovery", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, bench.Bluez.Connections);
        Assert.Equal(2, Lines(trace).Count(l => l.Contains("failed (", StringComparison.Ordinal) && l.Contains("; retrying in", StringComparison.Ordinal)));
        Assert.Contains(Lines(trace), l => l.EndsWith("; retrying in 500 ms", StringComparison.Ordinal));
        await using var central = await TestCentral.StartAsync(bench.Bluez.BusAddress);
        Assert.True(central.Is(DevicePath(bench), "org.bluez.Device1", "Connected", false));
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task RememberedButSilentDevice_IsNotConnectedTo()
    {
        await using var bench = await BleBench.StartAsync(peripheralAdapters: 2);
        bench.Bluez.RememberDevice(bench.Bluez.PeripheralAdapters[1], "PROV_5113E7");
        await using var transport = new BleTransport(bench.Options(name: "PROV_5113E7", scanTimeout: TimeSpan.FromMilliseconds(600)));
        var ex = await Assert.ThrowsAsync<BleTransportException>(() => transport.PrepareAsync(Endpoints.ProtoVer).AsTask());
        Assert.Equal(TransportFailure.DeviceNotFound, ex.Failure);
        Assert.Contains("no BLE device named PROV_5113E7", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, bench.Bluez.ConnectCalls);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task DeviceThatStoppedAdvertising_IsNotReconnectedTo_ItIsLookedForFirst()
    {
        await using var bench = await BleBench.StartAsync();
        await using var transport = new BleTransport(bench.Options(scanTimeout: TimeSpan.FromMilliseconds(600)));
        await transport.SendAsync(Endpoints.ProtoVer, "ESP"u8.ToArray());
        await bench.Device.StopAsync(); // it drops the link and no longer advertises; BlueZ remembers it
        var calls = bench.Bluez.ConnectCalls;

        var ex = await Assert.ThrowsAsync<BleTransportException>(() => transport.PrepareAsync(Endpoints.ProtoVer).AsTask());
        Assert.Equal(TransportFailure.DeviceNotFound, ex.Failure);
        Assert.Equal(calls, bench.Bluez.ConnectCalls);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task BusGoneWhileReconnecting_IsUnavailable_NotAnUnmappedError()
    {
        await using var bench = await BleBench.StartAsync();
        await using var transport = new BleTransport(bench.Options());
        await transport.SendAsync(Endpoints.ProtoVer, "ESP"u8.ToArray());
        using (var daemon = System.Diagnostics.Process.GetProcessById(bench.Bluez.DaemonProcessId))
        {
            daemon.Kill(); // the system bus, and BlueZ with it, goes away (found by hand: this was exit 70, an internal error)
        }

        // Not WaitForExit: the daemon is not our child, and stays a zombie until its shell reaps it. The bus refusing
        // connections is what counts.
        await Eventually.PolledAsync(async () =>
        {
            using var probe = new Tmds.DBus.Protocol.DBusConnection(bench.Bluez.BusAddress);
            try
            {
                await probe.ConnectAsync();
                return false;
            }
            catch (Tmds.DBus.Protocol.DBusConnectionException)
            {
                return true;
            }
        }, "the bus gone");

        var ex = await Assert.ThrowsAsync<BleTransportException>(() => transport.PrepareAsync(Endpoints.ProtoVer).AsTask());
        Assert.True(ex.Failure is TransportFailure.Unavailable, ex.ToString());
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Cli_LinkDroppedWhileConnecting_IsRetried_AndSaysSoAtV()
    {
        await using var bench = await BleBench.StartAsync();
        bench.Bluez.DropDuringServiceDiscovery(1);
        var r = await RunCliAsync(bench, default, "-v", "--pop", "abcd1234", "--passphrase", "mypassword");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"ble: connection attempt 1 of 3 to {bench.Name}", r.All, StringComparison.Ordinal);
        Assert.Contains("dropped the link during service discovery); retrying in 250 ms", r.All, StringComparison.Ordinal);
        Assert.Equal(2, bench.Bluez.Connections);
    }

    [RequiresTheory(Prerequisite.DbusDaemon)]
    [InlineData("success")]
    [InlineData("failure")]
    [InlineData("interrupted")]
    public async Task Cli_DisconnectsWhenDone_SoTheDeviceAdvertisesAgain(string ending)
    {
        await using var bench = await BleBench.StartAsync(connectDelay: ending == "interrupted" ? TimeSpan.FromMinutes(10) : null);
        using var interrupt = new CancellationTokenSource();
        var run = RunCliAsync(bench, interrupt.Token, "--pop", "abcd1234", "--passphrase", ending == "failure" ? "wrong-passphrase" : "mypassword");
        if (ending == "interrupted")
        {
            await Eventually.UntilAsync(bench.Device, () => bench.Device.AppliesReceived == 1, "apply", unlessDone: run);
            await interrupt.CancelAsync(); // Ctrl+C while the status is polled
        }

        var r = await run;
        Assert.True(r.ExitCode == ending switch { "success" => 0, "failure" => 8, _ => 130 }, r.ToString());
        // By the time the run returns BlueZ has taken the link down, and the device is heard again at once.
        await using var central = await TestCentral.StartAsync(bench.Bluez.BusAddress);
        Assert.True(central.Is(DevicePath(bench), "org.bluez.Device1", "Connected", false));
        if (ending != "success") // a provisioned device stops its BLE (auto-stop)
        {
            await using var again = new BleTransport(bench.Options());
            Assert.Equal(1, (await again.PrepareAsync(Endpoints.ProtoVer)).Generation);
        }
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Cli_SessionFailsBeforeApply_Exits4()
    {
        await using var bench = await BleBench.StartAsync();
        bench.Device.Faults.CloseConnectionOnNext(Endpoints.Session);
        var r = await RunCliAsync(bench, default, "--pop", "abcd1234", "--passphrase", "mypassword");
        Assert.True(r.ExitCode == 4, r.ToString());
        Assert.Contains("session failed at Command0", r.Error, StringComparison.Ordinal);
        Assert.Equal(0, bench.Device.AppliesReceived);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Cli_DeviceStopsDuringPolling_Exits9_OutcomeUnknown()
    {
        await using var bench = await BleBench.StartAsync(connectDelay: TimeSpan.FromMinutes(10));
        var run = RunCliAsync(bench, default, "--pop", "abcd1234", "--passphrase", "mypassword", "--timeout", "6", "--scan_timeout", "1");
        await Eventually.UntilAsync(bench.Device, () => bench.Device.Requests.Count(r => r.Endpoint == Endpoints.Config && !r.Closed) >= 3, "a status poll", unlessDone: run);
        await bench.Device.StopAsync(); // joined: firmware stops BLE, the link drops and advertising ends

        var r = await run;
        Assert.True(r.ExitCode == 9, r.ToString());
        Assert.Contains("Wi-Fi status: outcome unknown: " + Unknown, r.Error, StringComparison.Ordinal);
        Assert.Equal(1, bench.Device.AppliesReceived);
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task NewHandshakeFailsDuringPolling_ThenDeviceStops_IsOutcomeUnknown()
    {
        await using var bench = await BleBench.StartAsync(connectDelay: TimeSpan.FromMinutes(10));
        var transport = new BleTransport(bench.Options(scanTimeout: TimeSpan.FromSeconds(1)));
        await using var client = new ProvisioningClient(transport, new ProvisioningClientOptions
        {
            Polling = StatusPolling.Default with { ReconnectWindow = TimeSpan.Zero },
        }, ownsTransport: true);
        await client.EstablishSessionAsync(new Security1("abcd1234"));
        await client.SetWifiConfigAsync(new WifiCredentials("myssid", "mypassword"));
        await client.ApplyWifiConfigAsync();
        Assert.Equal(WifiConnectionState.Connecting, (await client.GetWifiStatusAsync()).State);

        // The link drops and the device ends the handshake on the new one without an answer; then it stops.
        bench.Device.Faults.CloseConnectionOnNext(Endpoints.Session);
        Assert.Equal(1, bench.Device.DropConnections());
        var wait = client.WaitForConnectionAsync();
        await Eventually.UntilAsync(bench.Device, () => bench.Device.Requests.Any(r => r.Endpoint == Endpoints.Session && r.Closed), "the failed handshake", unlessDone: wait);
        await bench.Device.StopAsync();

        var ex = await Assert.ThrowsAsync<StatusUnknownException>(() => wait);
        Assert.Equal(StatusOutcome.Unknown, ex.Outcome);
        Assert.Contains(Unknown, ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, bench.Device.AppliesReceived);
    }

    private static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(250);

    private static string DevicePath(BleBench bench) => "/org/bluez/hci0/dev_" + bench.Bluez.PeripheralAdapters[0].Address.Replace(':', '_');

    private static string[] Lines(List<string> trace)
    {
        lock (trace)
        {
            return [.. trace];
        }
    }

    private static async Task<CliResult> RunCliAsync(BleBench bench, CancellationToken cancellationToken, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        string[] all = ["--transport", "ble", "--service_name", bench.Name, "--sec_ver", "1", "--ssid", "myssid", .. args];
        var code = await new CliApp(output, error, new ScriptedTerminal()) { BleBusAddress = bench.Bluez.BusAddress }.RunAsync(all, cancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}
