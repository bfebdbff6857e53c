using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Tests.Cli;
using EspProv.Tests.Logging;
using EspProv.Tests.Support;
using EspProv.Transport;
using EspProv.Transport.Http;

namespace EspProv.Tests.EndToEnd;

/// <summary>
/// Issue 20, point 1: once apply went out, a device that stops answering (it joined and closed its soft AP, or the link
/// dropped) is "outcome unknown" (exit 9) on every transport and flavour, also when the new handshake a poll needs is
/// what fails (ESP8266 firmware and in-memory links key sessions by link). A session that fails before apply stays a
/// session failure (exit 4). BLE: <c>Ble/Client/BleLinkLossTests</c>.
/// </summary>
public sealed class LinkLossAfterApplyTests
{
    private const string Unknown = "the device stopped answering after the credentials were applied; it has probably joined";

    // ReconnectWindow zero: one reconnect attempt, no wait, so nothing here depends on the clock.
    private static ProvisioningClientOptions OneReconnect => new() { Polling = StatusPolling.Default with { ReconnectWindow = TimeSpan.Zero } };

    private static readonly WifiCredentials Credentials = new("myssid", "mypassword");

    private static TestDevice Joining(TestDevice device) => device.Security(new DeviceSecurity1("abcd1234")).ConnectDelay(TimeSpan.FromMinutes(10));

    [Theory]
    [InlineData(DeviceFlavor.Idf)]
    [InlineData(DeviceFlavor.Esp8266)]
    public async Task Http_DeviceStopsDuringPolling_IsOutcomeUnknown(DeviceFlavor flavor)
    {
        await using var device = await Joining(TestDevice.Http()).Flavor(flavor).StartAsync();
        var transport = new HttpTransport(new DeviceAddress("127.0.0.1", device.EndPoint.Port, false));
        await using var client = new ProvisioningClient(transport, OneReconnect, ownsTransport: true);
        await client.EstablishSessionAsync(new Security1("abcd1234"));
        await client.SetWifiConfigAsync(Credentials);
        await client.ApplyWifiConfigAsync();
        Assert.Equal(WifiConnectionState.Connecting, (await client.GetWifiStatusAsync()).State);

        await device.StopAsync(); // joined: the soft AP and its server go away
        var ex = await Assert.ThrowsAsync<StatusUnknownException>(() => client.WaitForConnectionAsync());
        Assert.Equal(StatusOutcome.Unknown, ex.Outcome);
        Assert.Equal(ProvisioningStep.Status, ex.Step);
        Assert.Contains(Unknown, ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, device.AppliesReceived);
    }

    [Theory]
    [InlineData(DeviceFlavor.Idf)]
    [InlineData(DeviceFlavor.Esp8266)]
    public async Task Cli_Http_DeviceStopsDuringPolling_Exits9_OutcomeUnknown(DeviceFlavor flavor)
    {
        await using var device = await Joining(TestDevice.Http()).Flavor(flavor).StartAsync();
        var run = CliHarness.RunAsync("--softap_endpoint", $"127.0.0.1:{device.EndPoint.Port}", "--ssid", "myssid", "--passphrase", "mypassword",
            "--sec_ver", "1", "--pop", "abcd1234", "--timeout", "4");
        // Set config, apply, then a status poll answered "connecting": the device is being polled.
        await Eventually.UntilAsync(device, () => device.Requests.Count(r => r.Endpoint == Endpoints.Config && !r.Closed) >= 3, "a status poll", unlessDone: run);
        await device.StopAsync();

        var r = await run;
        Assert.True(r.ExitCode == 9, r.ToString());
        Assert.Contains("Wi-Fi status: outcome unknown: " + Unknown, r.Error, StringComparison.Ordinal);
        Assert.Contains("---- Provisioning outcome unknown ----", r.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("---- Error in establishing session ----", r.Output, StringComparison.Ordinal);
        Assert.Equal(1, device.AppliesReceived);
    }

    [Fact]
    public async Task InMemory_DeviceGoneWhenThePollsNewHandshakeStarts_IsOutcomeUnknown()
    {
        await using var device = Joining(TestDevice.InMemory()).Create();
        // The device drops its links after the first poll; when the client has opened a new link for the handshake the
        // next poll needs, the device is gone (it refuses the link the handshake is sent on).
        var logs = new CapturingLoggerFactory(line =>
        {
            if (line.Contains("new handshake before", StringComparison.Ordinal))
            {
                _ = device.StopAsync(); // in-memory only: stopped before this returns
            }
        });
        await using var client = new ProvisioningClient(device.CreateInMemoryTransport(), new ProvisioningClientOptions
        {
            Polling = OneReconnect.Polling,
            LoggerFactory = logs,
        }, ownsTransport: true);
        var observer = new AfterFirstStatus(() => device.DropConnections());

        var ex = await Assert.ThrowsAsync<StatusUnknownException>(() => client.ProvisionAsync(Plan(), observer));
        Assert.Equal(StatusOutcome.Unknown, ex.Outcome);
        Assert.Contains(Unknown, ex.Message, StringComparison.Ordinal);
        // The poll's new handshake failed, then the one reconnect's: both are "no answer", not "session failed".
        Assert.Contains(logs.Lines, l => l.StartsWith("status poll failed (session failed at Command0", StringComparison.Ordinal));
        Assert.IsType<SessionFailedException>(ex.InnerException);
        Assert.Equal(1, device.AppliesReceived);
    }

    [Fact]
    public async Task InMemory_NewHandshakeClosedDuringPolling_ThenDeviceStops_IsOutcomeUnknown()
    {
        await using var device = Joining(TestDevice.InMemory()).Create();
        var polls = 0;
        await using var client = new ProvisioningClient(device.CreateInMemoryTransport(), OneReconnect, ownsTransport: true);
        var observer = new AfterFirstStatus(() =>
        {
            if (++polls == 1)
            {
                // The link drops and the device ends the new handshake without an answer (firmware's reply to a session it will not open).
                device.Faults.CloseConnectionOnNext(Endpoints.Session);
                device.DropConnections();
            }
            else
            {
                _ = device.StopAsync();
            }
        }, everyStatus: true);

        var ex = await Assert.ThrowsAsync<StatusUnknownException>(() => client.ProvisionAsync(Plan(), observer));
        Assert.Equal(StatusOutcome.Unknown, ex.Outcome);
        Assert.Contains(Unknown, ex.Message, StringComparison.Ordinal);
        Assert.Contains(device.Requests, r => r.Endpoint == Endpoints.Session && r.Closed);
        Assert.Equal(1, device.AppliesReceived);
    }

    [Fact]
    public async Task InMemory_NewHandshakeFailsBeforeApply_IsASessionFailure_AndNothingIsApplied()
    {
        await using var device = Joining(TestDevice.InMemory()).Create();
        await using var client = new ProvisioningClient(device.CreateInMemoryTransport(), OneReconnect, ownsTransport: true);
        var observer = new BeforeApply(() =>
        {
            device.Faults.CloseConnectionOnNext(Endpoints.Session);
            device.DropConnections();
        });

        var ex = await Assert.ThrowsAsync<SessionFailedException>(() => client.ProvisionAsync(Plan(), observer));
        Assert.Equal(ProvisioningStep.Session, ex.Step);
        Assert.Equal(0, device.AppliesReceived);
        Assert.NotNull(device.PendingCredentials);
    }

    [Theory]
    [InlineData(DeviceFlavor.Idf)]
    [InlineData(DeviceFlavor.Esp8266)]
    public async Task Http_NewHandshakeFailsBeforeApply_IsASessionFailure_AndNothingIsApplied(DeviceFlavor flavor)
    {
        await using var device = await Joining(TestDevice.Http()).Flavor(flavor).StartAsync();
        var transport = new HttpTransport(new DeviceAddress("127.0.0.1", device.EndPoint.Port, false));
        await using var client = new ProvisioningClient(transport, OneReconnect, ownsTransport: true);
        // Before apply the link drops and the device is gone: apply never leaves; the idf flavour's cookie keeps the
        // session, so there the failure is the apply request's own (refused: it never reached the device).
        var observer = new BeforeApplyAsync(() => device.StopAsync());

        var ex = await Assert.ThrowsAnyAsync<ProvisioningException>(() => client.ProvisionAsync(Plan(), observer));
        Assert.Equal(flavor == DeviceFlavor.Esp8266 ? ProvisioningStep.Session : ProvisioningStep.ApplyConfig, ex.Step);
        if (flavor == DeviceFlavor.Esp8266)
        {
            Assert.IsType<SessionFailedException>(ex);
        }

        Assert.Equal(0, device.AppliesReceived);
    }

    [Theory]
    [InlineData(DeviceFlavor.Idf)]
    [InlineData(DeviceFlavor.Esp8266)]
    public async Task Cli_Http_SessionFailsBeforeApply_Exits4(DeviceFlavor flavor)
    {
        await using var device = await Joining(TestDevice.Http()).Flavor(flavor).StartAsync();
        device.Faults.CloseConnectionOnNext(Endpoints.Session);
        var r = await CliHarness.RunAsync("--softap_endpoint", $"127.0.0.1:{device.EndPoint.Port}", "--ssid", "myssid", "--passphrase", "mypassword",
            "--sec_ver", "1", "--pop", "abcd1234");
        Assert.True(r.ExitCode == 4, r.ToString());
        Assert.Contains("session failed at Command0", r.Error, StringComparison.Ordinal);
        Assert.Equal(0, device.AppliesReceived);
    }

    private static ProvisioningPlan Plan() => ProvisioningPlan.For(new Security1("abcd1234"), Credentials);

    /// <summary>Runs an action on the first status answer (or every one), on the polling thread, before the next poll.</summary>
    private sealed class AfterFirstStatus(Action action, bool everyStatus = false) : IProvisioningObserver
    {
        private bool _done;

        public void StatusReceived(NetworkStatus status)
        {
            if (everyStatus || !_done)
            {
                _done = true;
                action();
            }
        }
    }

    /// <summary>Runs an action before apply goes out.</summary>
    private sealed class BeforeApply(Action action) : IProvisioningObserver
    {
        public ValueTask StepStartingAsync(ProvisioningStep provisioningStep, CancellationToken cancellationToken)
        {
            if (provisioningStep == ProvisioningStep.ApplyConfig)
            {
                action();
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Awaits an action before apply goes out.</summary>
    private sealed class BeforeApplyAsync(Func<Task> action) : IProvisioningObserver
    {
        public async ValueTask StepStartingAsync(ProvisioningStep provisioningStep, CancellationToken cancellationToken)
        {
            if (provisioningStep == ProvisioningStep.ApplyConfig)
            {
                await action();
            }
        }
    }
}
