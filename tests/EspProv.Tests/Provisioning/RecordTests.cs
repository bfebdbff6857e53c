using System.Net;
using EspProv.Provisioning;

namespace EspProv.Tests.Provisioning;

/// <summary>The public records compare by value and print readably (no memory blocks, never a passphrase).</summary>
public sealed class RecordTests
{
    private static readonly Bssid Ap = new([0x02, 0x11, 0x22, 0x33, 0x44, 0x55]);

    [Fact]
    public void Bssid_PrintsWithColons_ParsesBack_AndComparesByValue()
    {
        Assert.Equal("02:11:22:33:44:55", Ap.ToString());
        Assert.True(Bssid.TryParse("02:11:22:33:44:55", out var parsed));
        Assert.Equal(Ap, parsed);
        Assert.True(Bssid.TryParse("021122334455", out var bare));
        Assert.Equal(Ap, bare);
        Assert.False(Bssid.TryParse("02:11:22:33:44", out _));
        Assert.Equal(new byte[] { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 }, Ap.ToArray());
        Assert.Null(Bssid.FromBytesOrEmpty([]));
        Assert.Throws<ArgumentException>(() => new Bssid([1, 2, 3]));
    }

    [Fact]
    public void WifiConnectionInfo_EqualValues_AreEqual_AndPrintReadably()
    {
        var a = new WifiConnectionInfo(IPAddress.Parse("192.168.1.42"), "myssid", Ap, 6, WifiAuthMode.Wpa2Psk);
        var b = new WifiConnectionInfo(IPAddress.Parse("192.168.1.42"), "myssid", new Bssid(Ap.ToArray()), 6, WifiAuthMode.Wpa2Psk);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal("WifiConnectionInfo { IPAddress = 192.168.1.42, Ssid = myssid, Bssid = 02:11:22:33:44:55, Channel = 6, AuthMode = Wpa2Psk }", a.ToString());
    }

    [Fact]
    public void WifiNetwork_ComparesSsidBytesByValue()
    {
        var a = new WifiNetwork("net", "net"u8.ToArray(), Ap, 1, -40, WifiAuthMode.Open);
        var b = new WifiNetwork("net", "net"u8.ToArray(), Ap, 1, -40, WifiAuthMode.Open);

        Assert.Equal(a, b);
        Assert.Contains("02:11:22:33:44:55", a.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void WifiCredentials_CompareByValue_AndNeverPrintThePassphrase()
    {
        var a = new WifiCredentials("myssid", "secret-passphrase", Ap, 6);
        var b = new WifiCredentials("myssid", "secret-passphrase", new Bssid(Ap.ToArray()), 6);

        Assert.Equal(a, b);
        Assert.DoesNotContain("secret-passphrase", a.ToString(), StringComparison.Ordinal);
    }
}
