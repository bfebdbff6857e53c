using System.Net;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Tests.Support;
using EspProv.Tests.Vectors;

namespace EspProv.Tests.Device;

/// <summary>Network definitions, options validation and the security 1 Command0 rule per flavor.</summary>
public sealed class DeviceUnitTests
{
    [Fact]
    public void NetworkParse_SplitsAtTheFirstColonAndReadsOptions()
    {
        var network = SimulatedNetwork.Parse("home:pa:ss;channel=11;rssi=-70;auth=WPA3_PSK;bssid=aa:bb:cc:dd:ee:ff;ip=10.0.0.7");

        Assert.Equal("home", network.Ssid);
        Assert.Equal("pa:ss", network.Passphrase);
        Assert.Equal(11, network.Channel);
        Assert.Equal(-70, network.Rssi);
        Assert.Equal(WifiAuthMode.Wpa3Psk, network.AuthMode);
        Assert.Equal(Convert.FromHexString("aabbccddeeff"), network.Bssid.ToArray());
        Assert.Equal(IPAddress.Parse("10.0.0.7"), network.IPAddress);
    }

    [Fact]
    public void NetworkParse_EmptyPassphraseIsOpenAndDefaultsMatchTheVectors()
    {
        Assert.Equal(WifiAuthMode.Open, SimulatedNetwork.Parse("cafe:").AuthMode);
        var mine = SimulatedNetwork.Parse("myssid:mypassword");
        Assert.Equal(SimulatedNetwork.Default.Bssid.ToArray(), mine.Bssid.ToArray());
        Assert.Equal(WifiAuthMode.Wpa2Psk, mine.AuthMode);
        Assert.Equal(6, mine.Channel);
        Assert.DoesNotContain("mypassword", mine.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-colon", "expected ssid:passphrase")]
    [InlineData("x:y;channel=abc", "channel 'abc' is not an integer")]
    [InlineData("x:y;auth=WPA9", "auth 'WPA9'")]
    [InlineData("x:y;bssid=aa:bb", "six hex bytes")]
    [InlineData("x:y;ip=::1", "not an IPv4 address")]
    [InlineData("x:y;color=red", "unknown option 'color'")]
    [InlineData(":y", "SSID must be 1 to 32 bytes")]
    public void NetworkParse_BadInput_ThrowsFormatExceptionNamingThePart(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => SimulatedNetwork.Parse(text));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NetworksFile_ReadsSsidsWithColons()
    {
        var networks = NetworksFile.Parse("""[{"ssid":"a:b","passphrase":"p;q","channel":3,"rssi":-55,"auth":"WPA_WPA2_PSK"},{"ssid":"open"}]""");

        Assert.Equal("a:b", networks[0].Ssid);
        Assert.Equal("p;q", networks[0].Passphrase);
        Assert.Equal(3, networks[0].Channel);
        Assert.Equal(WifiAuthMode.WpaWpa2Psk, networks[0].AuthMode);
        Assert.Equal(WifiAuthMode.Open, networks[1].AuthMode);
        Assert.Throws<FormatException>(() => NetworksFile.Parse("""[{"passphrase":"x"}]"""));
        Assert.Throws<FormatException>(() => NetworksFile.Parse("{}"));
    }

    [Fact]
    public void Options_AreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpDeviceOptions { Port = 70000 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpDeviceOptions { IdleTimeout = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedDeviceOptions { ConnectDelay = TimeSpan.FromSeconds(-1) }.Validate());
        Assert.Throws<ArgumentException>(() => new SimulatedDeviceOptions { Networks = [new SimulatedNetwork(new string('s', 33), "x")] }.Validate());
        new SimulatedDeviceOptions().Validate();
        new HttpDeviceOptions().Validate();
    }

    [Theory]
    [InlineData(DeviceFlavor.Idf, true)]
    [InlineData(DeviceFlavor.Esp8266, false)]
    public void Sec1_Command0AfterTheHandshake_RestartsOnIdfAndFailsOnEsp8266(DeviceFlavor flavor, bool restarts)
    {
        var v = VectorFile.Load("idf_sec1_pop.json");
        var random = new FixedRandomSource(v.Hex("device_private_key_hex"), v.Hex("device_random_hex"), v.Hex("device_private_key_hex"), v.Hex("device_random_hex"));
        using var session = new DeviceSecurity1("abcd1234", random).CreateSessionForTest(flavor);
        var messages = v.SessionMessages;
        session.HandleSessionRequest(VectorFile.Hex(messages[0], "hex"));
        Assert.NotNull(session.HandleSessionRequest(VectorFile.Hex(messages[2], "hex")));
        Assert.True(session.IsEstablished);

        var again = session.HandleSessionRequest(VectorFile.Hex(messages[0], "hex"));

        Assert.Equal(restarts, again is not null);
        if (restarts)
        {
            Assert.Equal(VectorFile.Hex(messages[1], "hex"), again);
            Assert.False(session.IsEstablished);
        }
    }

    [Fact]
    public void Sec1_RejectsShortKeysAndCommand1BeforeCommand0()
    {
        using var session = new DeviceSecurity1("abcd1234").CreateSession();
        var v = VectorFile.Load("idf_sec1_pop.json");

        Assert.Null(session.HandleSessionRequest(VectorFile.Hex(v.SessionMessages[2], "hex")));
        Assert.Null(session.HandleSessionRequest(Convert.FromHexString("10015a07a201040a020000")));
        Assert.False(session.TryDecrypt([1, 2], out _));
        Assert.Equal("no_pop", new DeviceSecurity1(string.Empty).Capability);
        Assert.Null(new DeviceSecurity1("abcd1234").Capability);
    }
}

internal static class DeviceSecurity1TestExtensions
{
    public static IDeviceSecuritySession CreateSessionForTest(this DeviceSecurity1 security, DeviceFlavor flavor) => security.CreateSession(flavor);
}
