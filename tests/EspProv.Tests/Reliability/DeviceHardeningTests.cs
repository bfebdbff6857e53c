using System.Text.RegularExpressions;
using EspProv.Device;
using EspProv.Device.Hosting;
using EspProv.Device.Protocomm;
using EspProv.Device.Security;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Tests.Device.Support;
using EspProv.Tests.Support;
using EspProv.Transport;
using Google.Protobuf;
using static EspProv.Tests.Device.Support.DeviceTestKit;

namespace EspProv.Tests.Reliability;

/// <summary>
/// Simulator hardening (issue #6): slow and idle clients cannot hold the device, firmware's header limits per flavor,
/// sessions bound to their cookie, bounded bookkeeping, constant-time comparisons and CSPRNG only (source audits).
/// </summary>
public sealed partial class DeviceHardeningTests
{
    private const string Pop = "abcd1234";

    [Fact]
    public async Task Slowloris_HeaderByteByByte_IsCutAtTheReceiveDeadline()
    {
        var clock = new TestClock();
        var deadline = TimeSpan.FromMilliseconds(600);
        var step = TimeSpan.FromMilliseconds(40);
        await using var device = await TestDevice.Http().Http(h => h with { ReceiveTimeout = deadline }).With(o => o.TimeProvider, clock).StartAsync();
        await using var slow = await RawHttpConnection.OpenAsync(device.EndPoint.Port);
        var head = "POST /proto-ver HTTP/1.1\r\nHost: 192.168.4.1\r\nX-Slow: "u8.ToArray();

        // The first byte starts the head's deadline; then one byte every 40 ms of device time, which never completes the
        // head: bytes that keep coming must not push the deadline back.
        await slow.SendAsync([head[0]]);
        await clock.TimerDueWithinAsync(deadline, "the receive deadline is armed");
        var sent = 1;
        for (var elapsed = step; elapsed < deadline; elapsed += step)
        {
            await slow.SendAsync([sent < head.Length ? head[sent] : (byte)'a']);
            sent++;
            clock.Advance(step);
        }

        Assert.DoesNotContain(device.Requests, r => r.Code == 408); // 560 ms of device time: not yet
        clock.Advance(deadline - TimeSpan.FromTicks(step.Ticks * (sent - 1)));
        Assert.Equal(408, (await slow.ReadResponseAsync())!.Status);
        Assert.True(await slow.IsClosedByDeviceAsync());
        Assert.Contains(device.Requests, r => r.Code == 408);
    }

    [Fact]
    public async Task Slowloris_DoesNotBlockAnotherClient_WhichProvisionsAtOnce()
    {
        // The device's clock never moves: the slow client's 5 s body deadline never passes, so another client that
        // provisions in full cannot have waited for it.
        var clock = new TestClock();
        await using var device = await TestDevice.Http().Security(new DeviceSecurity1(Pop)).ConnectDelay(TimeSpan.Zero).With(o => o.TimeProvider, clock).StartAsync();
        await using var slow = await RawHttpConnection.OpenAsync(device.EndPoint.Port);
        await slow.SendAsync("POST /prov-config HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc"); // body never completes
        await Eventually.UntilAsync(device, () => device.ConnectionsAccepted == 1, "the device accepts");
        var start = clock.GetUtcNow();

        await using var client = new ProvisioningClient(OpenTransport(device), ownsTransport: true);
        await client.EstablishSessionAsync(new Security1(Pop));
        await client.SetWifiConfigAsync(new WifiCredentials("myssid", "mypassword"));
        await client.ApplyWifiConfigAsync();
        await client.WaitForConnectionAsync();

        Assert.Equal("myssid", device.AppliedCredentials?.Ssid);
        Assert.Equal(start, clock.GetUtcNow());
        Assert.True(await slow.IsClosedByDeviceAsync(), "LRU purge closes the slow connection");
        Assert.DoesNotContain(device.Requests, r => r.Code == 408);
    }

    [Fact]
    public async Task IdleConnection_IsClosedAfterTheIdleTimeout()
    {
        var clock = new TestClock();
        var idle = TimeSpan.FromMilliseconds(300);
        await using var device = await TestDevice.Http().Http(h => h with { IdleTimeout = idle }).With(o => o.TimeProvider, clock).StartAsync();
        await using var raw = await RawHttpConnection.OpenAsync(device.EndPoint.Port);
        await raw.SendAsync(RawHttpConnection.Post("/proto-ver", "---"u8.ToArray()));
        Assert.NotNull(await raw.ReadResponseAsync());
        await clock.TimerDueWithinAsync(idle, "the idle wait");

        clock.Advance(idle - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, device.OpenConnections); // no timer is due yet, so nothing can have closed it
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.UntilAsync(device, () => device.OpenConnections == 0, "the connection is gone");
        Assert.True(await raw.IsClosedByDeviceAsync());
    }

    [Fact]
    public async Task IdleClose_IsOnTheWire_BeforeTheConnectionStopsCountingAsOpen()
    {
        // A client that sees OpenConnections == 0 must also see the close on its socket, or it reuses a dying
        // connection (the CI failure of RecoveryTests). Ten connections: a purge or idle close must hold every time.
        var clock = new TestClock();
        var idle = TimeSpan.FromMilliseconds(50);
        await using var device = await TestDevice.Http().Http(h => h with { IdleTimeout = idle }).With(o => o.TimeProvider, clock).StartAsync();
        for (var i = 0; i < 10; i++)
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await socket.ConnectAsync(System.Net.IPAddress.Loopback, device.EndPoint.Port);
            var accepted = i + 1;
            await clock.TimerDueWithinAsync(idle, $"round {i}: the idle wait", orElse: null);
            clock.Advance(idle);
            // Checked as soon as the count drops (the device reports the drop the moment it happens).
            await Eventually.UntilAsync(device, () => device.ConnectionsAccepted == accepted && device.OpenConnections == 0, "the idle connection ends");
            Assert.True(socket.Poll(0, System.Net.Sockets.SelectMode.SelectRead) && socket.Available == 0, $"round {i}: no FIN yet");
        }
    }

    [Theory]
    [InlineData(DeviceFlavor.Esp8266, 600, 431)]
    [InlineData(DeviceFlavor.Idf, 600, 200)]
    [InlineData(DeviceFlavor.Idf, 1100, 431)]
    public async Task HeaderBlock_LimitIsTheFlavorsOwn(DeviceFlavor flavor, int headerBytes, int expected)
    {
        await using var device = await TestDevice.Http().Flavor(flavor).StartAsync();
        await using var raw = await RawHttpConnection.OpenAsync(device.EndPoint.Port);
        await raw.SendAsync(RawHttpConnection.Post("/proto-ver", "V0.1"u8.ToArray(), extraHeaders: $"X-Pad: {new string('p', headerBytes - 200)}\r\n"));
        Assert.Equal(expected, (await raw.ReadResponseAsync())!.Status);
    }

    [Fact]
    public async Task Idf_SessionIsNotUsableFromAnotherConnection_WithoutItsCookie()
    {
        await using var device = await TestDevice.Http().Security(new DeviceSecurity1(Pop)).StartAsync();
        await using var owner = OpenTransport(device);
        var session = await HandshakeAsync(owner, new Security1(Pop));
        var cookie = owner.SessionCookie!;
        Assert.Matches("^session=[0-9]+$", cookie);

        // A correctly encrypted request on another connection, without the cookie or with a wrong one: closed unanswered.
        foreach (var presented in new string?[] { null, "session=1", cookie + "0", cookie.Replace("session", "Session", StringComparison.Ordinal) })
        {
            await using var other = await RawHttpConnection.OpenAsync(device.EndPoint.Port);
            await other.SendAsync(RawHttpConnection.Post("/prov-config", session.Encrypt(GetStatus().ToByteArray()), presented));
            Assert.Null(await other.ReadResponseAsync());
        }

        // Every attempt started a new session and discarded the owner's: its own cookie no longer works either.
        Assert.Equal(5, device.SessionsCreated);
        await Assert.ThrowsAnyAsync<EspProv.Exceptions.TransportException>(() => owner.SendAsync(Endpoints.Config, session.Encrypt(GetStatus().ToByteArray())));
    }

    [Fact]
    public async Task Idf_SessionFollowsItsCookieToAnotherConnection()
    {
        await using var device = await TestDevice.Http().Security(new DeviceSecurity1(Pop)).StartAsync();
        await using var owner = OpenTransport(device);
        var session = await HandshakeAsync(owner, new Security1(Pop));
        await using var other = await RawHttpConnection.OpenAsync(device.EndPoint.Port);
        await other.SendAsync(RawHttpConnection.Post("/prov-config", session.Encrypt(GetStatus().ToByteArray()), owner.SessionCookie));
        var answer = await other.ReadResponseAsync();
        Assert.NotNull(answer);
        Assert.Equal(200, answer.Status);
        Assert.Equal(1, device.SessionsCreated);
    }

    [Theory]
    [InlineData("session=42", 42u, true)]
    [InlineData("session=4294967295", 4294967295u, true)]
    [InlineData("session=042", 42u, false)]
    [InlineData("session=4", 42u, false)]
    [InlineData("session=420", 42u, false)]
    [InlineData("Session=42", 42u, false)]
    [InlineData("session=42 ", 42u, false)]
    [InlineData("", 42u, false)]
    [InlineData("session=42\u0100", 42u, false)]
    public void CookieMatch_IsExact(string cookie, uint id, bool expected) =>
        Assert.Equal(expected, SessionCookie.Claim(cookie) == id);

    [Fact]
    public async Task RequestLog_IsBounded()
    {
        await using var device = await TestDevice.Http().With(o => o.MaxRecordedRequests, 3).StartAsync();
        await using var raw = await RawHttpConnection.OpenAsync(device.EndPoint.Port);
        for (var i = 0; i < 7; i++)
        {
            await raw.SendAsync(RawHttpConnection.Post("/proto-ver", "---"u8.ToArray()));
            Assert.NotNull(await raw.ReadResponseAsync());
        }

        Assert.Equal(3, device.Requests.Count);
        Assert.Equal(7, device.RequestTotal);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(16, 16)]
    [InlineData(20, 17)]
    [InlineData(20, 100)]
    [InlineData(100, 37)]
    public void RequestRecord_KeepsTheNewestInOrder(int capacity, int added)
    {
        var record = new EspProv.Device.Core.RequestRecord(capacity);
        for (var i = 1; i <= added; i++)
        {
            record.Add(new EspProv.Device.Core.RequestEntry(i, "proto-ver", i, DeviceRequestOutcome.Answered, 0, "memory", null, null));
        }

        var kept = record.ToArray();
        var expected = Enumerable.Range(1, added).TakeLast(capacity).Select(i => (long)i).ToArray();
        Assert.Equal(expected, kept.Select(r => r.Link).ToArray());
        Assert.Equal(expected, kept.Select(r => r.RequestBytes).ToArray());
    }

    [Fact]
    public async Task RequestRecord_SharesTheTextsOfKnownEndpoints_AndCachesNothingFromUnknownOnes()
    {
        await using var device = await TestDevice.Http().StartAsync();
        foreach (var target in new[] { "/proto-ver", "/proto-ver", "/proto-ver?x=1", "/nosuch-1", "/nosuch-1" })
        {
            // A connection each: firmware closes after an error response (and without one on a query string).
            await using var raw = await RawHttpConnection.OpenAsync(device.EndPoint.Port);
            await raw.SendAsync(RawHttpConnection.Post(target, "---"u8.ToArray()));
            _ = await raw.ReadResponseAsync();
        }

        var requests = device.Requests;
        Assert.Equal(["POST /proto-ver", "POST /proto-ver", "POST /proto-ver?x=1", "POST /nosuch-1", "POST /nosuch-1"], requests.Select(r => r.Detail));
        Assert.Equal(["proto-ver", "proto-ver", "proto-ver", "nosuch-1", "nosuch-1"], requests.Select(r => r.Endpoint));

        // The same instance for the two plain requests: the record keeps no string per request.
        Assert.Same(requests[0].Detail, requests[1].Detail);
        Assert.Same(requests[0].Endpoint, requests[1].Endpoint);

        // A query string or an unknown endpoint is kept as received, never added to the shared set.
        Assert.NotSame(requests[3].Detail, requests[4].Detail);
    }

    [Fact]
    public async Task CustomDataRecords_AreBounded()
    {
        await using var device = await TestDevice.Http().Security(DeviceSecurity0.Instance).StartAsync();
        await using var client = new ProvisioningClient(OpenTransport(device), ownsTransport: true);
        await client.EstablishSessionAsync(Security0.Instance);
        for (var i = 0; i < EspProv.Device.Handlers.ProvisioningManager.MaxRecords + 10; i++)
        {
            await client.SendDataAsync(Endpoints.CustomData, new byte[] { (byte)i });
        }

        Assert.Equal(EspProv.Device.Handlers.ProvisioningManager.MaxRecords, device.CustomData.Count);
        Assert.Equal(10, device.CustomData[0][0]); // the oldest ten were dropped
    }

    [Fact]
    public void Audit_NoSystemRandom_InTheLibraryOrTheDevice()
    {
        var offenders = SourceFiles("src/EspProv", "src/EspProv.Device")
            .Where(f => NonCryptoRandom().IsMatch(File.ReadAllText(f)))
            .ToList();
        Assert.Empty(offenders);
        Assert.Contains("RandomNumberGenerator.Fill", File.ReadAllText(Source("src/EspProv/Security/IRandomSource.cs")), StringComparison.Ordinal);
        Assert.Contains("RandomNumberGenerator.Fill", File.ReadAllText(Source("src/EspProv.Device/Protocomm/ProtocommCore.cs")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("src/EspProv.Device/Security/DeviceSecurity1Session.cs", "FixedTimeEquals(check, _devicePublicKey)")]
    [InlineData("src/EspProv.Device/Security/DeviceSecurity2.cs", "FixedTimeEquals(clientProof, expected)")]
    [InlineData("src/EspProv/Security/Security1.cs", "FixedTimeEquals(decrypted, _publicKey)")]
    [InlineData("src/EspProv/Security/Security2.cs", "FixedTimeEquals(sr1.DeviceProof.Span, _expectedDeviceProof)")]
    [InlineData("src/EspProv.Device/Protocomm/ProtocommCore.cs", "if (claimed == current.Id)")] // one integer compare: no early exit on a matching prefix
    [InlineData("src/EspProv.Device/Wifi/SimulatedStation.cs", "FixedTimeEquals(Encoding.UTF8.GetBytes(best.Passphrase), passphrase)")]
    public void Audit_VerifiersAndProofs_AreComparedInConstantTime(string file, string comparison)
    {
        var text = File.ReadAllText(Source(file));
        Assert.Contains(comparison, text, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\bnew\s+Random\s*\(|\bSystem\.Random\b|\bRandom\.Shared\b")]
    private static partial Regex NonCryptoRandom();

    private static string Source(string relative) => RepositoryFiles.Path(relative);

    private static IEnumerable<string> SourceFiles(params string[] dirs) =>
        dirs.SelectMany(d => Directory.EnumerateFiles(Source(d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
}
