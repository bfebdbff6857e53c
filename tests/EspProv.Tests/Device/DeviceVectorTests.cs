using System.Text;
using System.Text.Json;
using EspProv.Device;
using EspProv.Device.Protocomm;
using EspProv.Device.Security;
using EspProv.Tests.Support;
using EspProv.Tests.Vectors;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Tests.Device;

/// <summary>The device side of Espressif's vectors, byte for byte, with pinned device randomness.</summary>
public sealed class DeviceVectorTests
{
    public static TheoryData<string> AllFiles => new() { "idf_sec0.json", "8266_sec0.json", "idf_sec1_pop.json", "8266_sec1_pop.json" };

    public static TheoryData<string> Sec1Files => new() { "idf_sec1_pop.json", "8266_sec1_pop.json" };

    [Theory]
    [MemberData(nameof(AllFiles))]
    public void Device_ReproducesEveryVectorMessage(string file)
    {
        var v = VectorFile.Load(file);
        using var core = CoreFor(v);
        core.Protocomm.BeginRequest(1, SessionKeying.ByLink);

        var session = v.SessionMessages;
        for (var i = 0; i < session.Count; i += 2)
        {
            var response = core.Protocomm.Handle("prov-session", VectorFile.Hex(session[i], "hex"));
            Assert.Equal(VectorFile.Hex(session[i + 1], "hex"), response);
        }

        foreach (var m in v.ApplicationMessages)
        {
            var response = core.Protocomm.Handle(m.GetProperty("endpoint").GetString()!, VectorFile.Hex(m, "request_ciphertext_hex"));
            Assert.Equal(VectorFile.Hex(m, "response_ciphertext_hex"), response);
        }

        Assert.Equal("myssid", core.Manager.AppliedCredentials!.Ssid);
        Assert.Equal("mypassword", core.Manager.AppliedCredentials!.Passphrase);
    }

    [Theory]
    [MemberData(nameof(Sec1Files))]
    public void Sec1_WrongPop_DeviceFailsAtCommand1(string file)
    {
        var v = VectorFile.Load(file);
        var negative = v.Root.GetProperty("negative_wrong_pop");
        var messages = negative.GetProperty("messages").EnumerateArray().ToArray();
        using var core = CoreFor(v);
        core.Protocomm.BeginRequest(1, SessionKeying.ByLink);

        Assert.Equal(VectorFile.Hex(messages[1], "hex"), core.Protocomm.Handle("prov-session", VectorFile.Hex(messages[0], "hex")));
        Assert.Equal("device-error", messages[^1].GetProperty("name").GetString());
        Assert.Null(core.Protocomm.Handle("prov-session", VectorFile.Hex(messages[2], "hex")));

        // Nothing encrypted gets through a session that failed its handshake.
        Assert.Null(core.Protocomm.Handle("prov-config", [0x52, 0x00]));
    }

    [Fact]
    public void ProtoVer_IdfSec1WithPop_EqualsTranscriptBody()
    {
        var transcript = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "transcripts", "idf_sec1.json")));
        var body = Convert.FromHexString(transcript.RootElement.GetProperty("connections")[0].GetProperty("exchanges")[0]
            .GetProperty("response").GetProperty("body_hex").GetString()!);

        var json = VersionDocument.For(DeviceFlavor.Idf, new DeviceSecurity1("abcd1234"));

        Assert.Equal(95, json.Length);
        Assert.Equal(body, json);
    }

    [Fact]
    public void ProtoVer_CapabilitiesFollowTheSecurity()
    {
        Assert.Contains("\"cap\":\t[\"no_pop\", \"wifi_scan\"]", VersionDocument.Json(new DeviceSecurity1(null)), StringComparison.Ordinal);
        Assert.Contains("\"cap\":\t[\"no_sec\", \"wifi_scan\"]", VersionDocument.Json(DeviceSecurity0.Instance), StringComparison.Ordinal);
        Assert.Contains("\"sec_ver\":\t0,", VersionDocument.Json(DeviceSecurity0.Instance), StringComparison.Ordinal);
        Assert.Equal("V0.1", Encoding.ASCII.GetString(VersionDocument.For(DeviceFlavor.Esp8266, new DeviceSecurity1("abcd1234"))));
    }

    internal static DeviceCore CoreFor(VectorFile v)
    {
        var flavor = v.String("flavour") == "8266" ? DeviceFlavor.Esp8266 : DeviceFlavor.Idf;
        IDeviceSecurity security = v.String("scheme") == "security0"
            ? DeviceSecurity0.Instance
            : new DeviceSecurity1(v.String("pop"), new FixedRandomSource(v.Hex("device_private_key_hex"), v.Hex("device_random_hex")));
        var options = new SimulatedDeviceOptions { Flavor = flavor, Security = security, ConnectDelay = TimeSpan.Zero };
        return new DeviceCore(options, NullLoggerFactory.Instance);
    }
}
