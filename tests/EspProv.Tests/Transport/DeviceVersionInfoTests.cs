using System.Text;
using EspProv.Provisioning;

namespace EspProv.Tests.Transport;

public sealed class DeviceVersionInfoTests
{
    [Fact]
    public void PlainString_Esp8266()
    {
        var info = DeviceVersionInfo.Parse("V0.1"u8);
        Assert.False(info.IsJson);
        Assert.Equal("V0.1", info.Version);
        Assert.Empty(info.Capabilities);
        Assert.True(info.Matches("V0.1"));
        Assert.True(info.Matches("v0.1"));
        Assert.False(info.Matches("V0.2"));
    }

    [Fact]
    public void TranscriptJson_IsParsed()
    {
        // The 95-byte body of Espressif's ESP-IDF 5.5 device code in Vectors/transcripts/idf_sec1.json.
        var body = Convert.FromHexString("7b0a092270726f76223a097b0a090922766572223a092276312e31222c0a0909227365635f766572223a09312c0a0909227365635f70617463685f766572223a09302c0a090922636170223a095b22776966695f7363616e225d0a097d0a7d");
        var info = DeviceVersionInfo.Parse(body);
        Assert.True(info.IsJson);
        Assert.Equal("v1.1", info.Version);
        Assert.Equal(1, info.SecurityVersion);
        Assert.Equal(0, info.SecurityPatchVersion);
        Assert.Equal(["wifi_scan"], info.Capabilities);
        Assert.True(info.HasCapability("wifi_scan"));
        Assert.False(info.HasCapability("WIFI_SCAN"));
        Assert.True(info.Matches("V1.1"));
        Assert.False(info.Matches("V0.1"));
    }

    [Fact]
    public void Json_WithoutSecVer_AndAppEntries()
    {
        var json = "{\n\t\"my-app\":\t{\n\t\t\"ver\":\t\"1.0\",\n\t\t\"cap\":\t[\"x\"]\n\t},\n\t\"prov\":\t{\n\t\t\"ver\":\t\"v1.1\",\n\t\t\"cap\":\t[\"no_sec\", \"wifi_scan\"]\n\t}\n}";
        var info = DeviceVersionInfo.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Null(info.SecurityVersion);
        Assert.Null(info.SecurityPatchVersion);
        Assert.Equal(["no_sec", "wifi_scan"], info.Capabilities);
        Assert.Equal("1.0", info.Applications["my-app"].Version);
    }

    [Fact]
    public void BrokenJson_IsTreatedAsPlainString()
    {
        var info = DeviceVersionInfo.Parse("{not json"u8);
        Assert.False(info.IsJson);
        Assert.Equal("{not json", info.Version);
    }
}
