using System.Text;
using EspProv.Protocol;
using EspProv.Tests.Support;
using Google.Protobuf;

namespace EspProv.Tests.Cli;

/// <summary>Security chosen from proto-ver answers the simulator does not produce (ESP-IDF 4.x JSON without sec_ver).</summary>
public sealed class CliSecuritySelectionTests
{
    private static async Task<CliResult> RunAgainstAsync(string protoVer, params string[] more) => await RunAgainstAsync(protoVer, null, more);

    private static async Task<CliResult> RunAgainstAsync(string protoVer, byte[]? sessionAnswer, params string[] more)
    {
        await using var server = new ScriptedServer(async c =>
        {
            while (await c.ReadRequestAsync() is { } r)
            {
                if (r.Head.StartsWith("POST /proto-ver ", StringComparison.Ordinal))
                {
                    await c.SendOkAsync(Encoding.UTF8.GetBytes(protoVer));
                }
                else if (sessionAnswer is not null && r.Head.StartsWith("POST /prov-session ", StringComparison.Ordinal))
                {
                    await c.SendOkAsync(sessionAnswer);
                }
                else
                {
                    c.Close(); // stop at the session: only the choice of scheme is under test
                    return;
                }
            }
        });
        return await CliHarness.RunAsync(["--softap_endpoint", server.Endpoint, "--ssid", "x", "--timeout", "10", .. more]);
    }

    [Theory]
    [InlineData("{\"prov\":{\"ver\":\"v1.1\",\"cap\":[\"no_sec\",\"wifi_scan\"]}}", "0 (from the device's capabilities)")]
    [InlineData("{\"prov\":{\"ver\":\"v1.1\",\"cap\":[\"no_pop\",\"wifi_scan\"]}}", "1 (from the device's capabilities)")]
    [InlineData("{\"prov\":{\"ver\":\"v1.1\",\"sec_ver\":2,\"cap\":[\"wifi_scan\"]}}", "2 (from the device's sec_ver)")]
    public async Task Json_ChoosesScheme(string json, string expected)
    {
        var r = await RunAgainstAsync(json, "--sec2_username", "u", "--sec2_pwd", "p");
        Assert.Contains($"Security scheme determined to be: {expected}", r.Output, StringComparison.Ordinal);
        Assert.True(r.ExitCode == 4, r.ToString());
    }

    [Fact]
    public async Task PlainV01_DefaultsToSecurity1_WithoutNote()
    {
        var r = await RunAgainstAsync("V0.1", "--pop", "abcd1234");
        Assert.DoesNotContain("Security scheme determined", r.Output, StringComparison.Ordinal);
        Assert.Contains("==== Starting Session ====", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainVersionOtherThanV01_FailsTheCheck_Exit3()
    {
        var r = await RunAgainstAsync("V0.2");
        Assert.True(r.ExitCode == 3, r.ToString());
        Assert.Contains("expected 'V0.1'", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonVersion_IsAcceptedWhateverItIs_UnlessProtoVerGiven()
    {
        var json = "{\"prov\":{\"ver\":\"netprov-v1.2\",\"sec_ver\":0,\"cap\":[\"no_sec\"]}}";
        var accepted = await RunAgainstAsync(json);
        Assert.Contains("==== Verified protocol version successfully ====", accepted.Output, StringComparison.Ordinal);
        var rejected = await RunAgainstAsync(json, "--proto_ver", "v1.1");
        Assert.True(rejected.ExitCode == 3, rejected.ToString());
        var matching = await RunAgainstAsync(json, "--proto_ver", "NETPROV-V1.2");
        Assert.Contains("==== Verified protocol version successfully ====", matching.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeviceAnswersAnotherScheme_TheCliAddsTheSecVerFlag()
    {
        var sec1Answer = new SessionData { SecVer = SecSchemeVersion.SecScheme1, Sec1 = new Sec1Payload { Msg = Sec1MsgType.SessionResponse0 } }.ToByteArray();
        var r = await RunAgainstAsync("V0.1", sec1Answer, "--sec_ver", "2", "--sec2_username", "u", "--sec2_pwd", "p");
        Assert.True(r.ExitCode == 4, r.ToString());
        Assert.True(r.Error.Contains("the device answered with security 1", StringComparison.Ordinal), r.ToString());
        Assert.True(r.Error.Contains("; try --sec_ver 1", StringComparison.Ordinal), r.ToString());
    }
}
