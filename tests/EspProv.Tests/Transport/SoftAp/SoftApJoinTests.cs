using EspProv.Exceptions;
using EspProv.Tests.Support;
using EspProv.Transport.SoftAp;
using EspProv.Transport.SoftAp.NetworkManager;
using EspProv.VirtualBluez;

namespace EspProv.Tests.Transport.SoftAp;

/// <summary>
/// The NetworkManager joiner where NetworkManager is missing, its restore note and its reason mapping. Joining itself
/// is tested against the real NetworkManager, wpa_supplicant and hostapd in the guest lab (tests/guest, docs/guest-lab.md).
/// </summary>
public sealed class SoftApJoinTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly string _dir = Directory.CreateTempSubdirectory("espprov-join-").FullName;

    [Fact]
    public async Task Join_WithoutASystemBus_IsUnavailable_NamingNetworkManager()
    {
        var joiner = new NetworkManagerJoiner(new NetworkManagerJoinerOptions { BusAddress = "unix:path=/nonexistent/espprov-nm-bus", RestoreNotePath = NotePath });
        var ex = await Assert.ThrowsAsync<SoftApJoinException>(() => joiner.JoinAsync(new SoftApJoinRequest("PROV_1A2B3C"), CancellationToken.None));
        Assert.Equal(SoftApJoinFailure.Unavailable, ex.Reason);
        Assert.Equal(TransportFailure.Unavailable, ex.Failure);
        Assert.StartsWith("joining needs NetworkManager", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(NotePath));
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Join_OnABusWithoutNetworkManager_SaysItIsNotRunning()
    {
        await using var daemon = await DaemonProcess.StartAsync("dbus-daemon", Timeout);
        var joiner = new NetworkManagerJoiner(new NetworkManagerJoinerOptions { BusAddress = daemon.Address, RestoreNotePath = NotePath });
        var ex = await Assert.ThrowsAsync<SoftApJoinException>(() => joiner.JoinAsync(new SoftApJoinRequest("PROV_1A2B3C") { Passphrase = "secret-pass" }, CancellationToken.None));
        Assert.Equal(SoftApJoinFailure.Unavailable, ex.Reason);
        Assert.Contains("NetworkManager, and it is not running", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pass", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Note_DefaultPath_FollowsXdgStateHome_ElseHome()
    {
        Assert.Equal("/x/state/esp-prov/join-restore.json", JoinRestoreNote.DefaultPath(v => v switch { "XDG_STATE_HOME" => "/x/state", "HOME" => "/home/u", _ => null }));
        Assert.Equal("/home/u/.local/state/esp-prov/join-restore.json", JoinRestoreNote.DefaultPath(v => v == "HOME" ? "/home/u" : null));
        // A relative XDG_STATE_HOME is invalid by the XDG rules and ignored.
        Assert.Equal("/home/u/.local/state/esp-prov/join-restore.json", JoinRestoreNote.DefaultPath(v => v switch { "XDG_STATE_HOME" => "rel", "HOME" => "/home/u", _ => null }));
    }

    [Fact]
    public void Note_RoundTrips_AndAnUnreadableOneIsRemoved()
    {
        var note = new JoinRestoreNote("wlan0", "5b2f7c1e-0000-4000-8000-0000000000aa", "HomeNet", "PROV_1A2B3C", "0d9c1c55-1111-4000-8000-000000000001", 1234);
        note.Write(NotePath);
        Assert.Equal(note, JoinRestoreNote.Read(NotePath));
        Assert.Contains("\"previousId\": \"HomeNet\"", File.ReadAllText(NotePath), StringComparison.Ordinal);

        File.WriteAllText(NotePath, "{ not json");
        Assert.Null(JoinRestoreNote.Read(NotePath));
        Assert.False(File.Exists(NotePath));
        Assert.Null(JoinRestoreNote.Read(NotePath));
    }

    [Fact]
    public async Task RestoreFromNote_OfARunStillGoing_LeavesItAlone()
    {
        // PID 1 always runs: another esp-prov holding the interface must not have it taken away.
        new JoinRestoreNote("wlan0", null, null, "PROV_1A2B3C", Guid.NewGuid().ToString(), 1).Write(NotePath);
        var joiner = new NetworkManagerJoiner(new NetworkManagerJoinerOptions { BusAddress = "unix:path=/nonexistent/espprov-nm-bus", RestoreNotePath = NotePath });
        Assert.Null(await joiner.RestoreFromNoteAsync(CancellationToken.None));
        Assert.True(File.Exists(NotePath));
    }

    [Fact]
    public async Task RestoreFromNote_WithoutANote_DoesNothing()
    {
        var joiner = new NetworkManagerJoiner(new NetworkManagerJoinerOptions { BusAddress = "unix:path=/nonexistent/espprov-nm-bus", RestoreNotePath = NotePath });
        Assert.Null(await joiner.RestoreFromNoteAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(7u, true, SoftApJoinFailure.PassphraseRefused)]   // no-secrets: the AP refused the key and no agent gave another
    [InlineData(8u, true, SoftApJoinFailure.PassphraseRefused)]   // supplicant-disconnect (4-way handshake failed)
    [InlineData(11u, true, SoftApJoinFailure.PassphraseRefused)]  // supplicant-timeout
    [InlineData(8u, false, SoftApJoinFailure.JoinFailed)]         // an open AP has no passphrase to refuse
    [InlineData(5u, false, SoftApJoinFailure.DhcpFailed)]         // ip-config-unavailable
    [InlineData(17u, true, SoftApJoinFailure.DhcpFailed)]         // dhcp-failed
    [InlineData(53u, false, SoftApJoinFailure.NetworkNotFound)]   // ssid-not-found
    [InlineData(1u, true, SoftApJoinFailure.JoinFailed)]
    public void DeviceStateReasons_MapToTheirFailure(uint reason, bool secured, SoftApJoinFailure expected) =>
        Assert.Equal(expected, NmReasons.Classify(reason, secured));

    [Fact]
    public void Request_ToString_NeverShowsThePassphrase() =>
        Assert.DoesNotContain("hunter22", new SoftApJoinRequest("PROV_1") { Passphrase = "hunter22" }.ToString(), StringComparison.Ordinal);

    private string NotePath => Path.Combine(_dir, "esp-prov", "join-restore.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
