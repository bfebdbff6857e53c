using System.Text;
using System.Text.RegularExpressions;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Tests.Support;

namespace EspProv.Tests.SerialConsole;

/// <summary>
/// The simulated console's bytes on the pseudo-terminal, read raw by the test: what firmware's protocomm console prints
/// for an answered request, a failed one, an unknown command, a line too long, and after provisioning stopped.
/// </summary>
public sealed partial class ConsoleWireTests
{
    private static readonly TestDevice Sec1Device = TestDevice.InMemory().Security(new DeviceSecurity1("abcd1234"));

    [GeneratedRegex(@"proto-ver 0 56302e31\r\n\r\r\n([0-9a-f]+)\r\r\n\n>> $")]
    private static partial Regex AnsweredProtoVer();

    [GeneratedRegex(@"prov-config 0 0800\r\n\u001b\[0;31mE \(\d+\) protocomm: [^\r\n]*\u001b\[0m\r\n\n>> $")]
    private static partial Regex FailedConfig();

    [Fact]
    public async Task AnsweredRequest_IsEcho_ThenTheReplyBetweenCrCrLf_ThenThePrompt()
    {
        await using var device = ConsoleDevice.Start(Sec1Device);
        using var console = RawConsole.Open(device.Path);

        await console.SendAsync("proto-ver 0 56302e31\r");
        var printed = await console.ReadUntilAsync(text => AnsweredProtoVer().IsMatch(text));

        var reply = Encoding.ASCII.GetString(Convert.FromHexString(AnsweredProtoVer().Match(printed).Groups[1].Value));
        Assert.Contains("\"prov\"", reply, StringComparison.Ordinal);
        var request = Assert.Single(device.Device.Requests);
        Assert.Equal(("proto-ver", 4L, DeviceRequestOutcome.Answered, "console"), (request.Endpoint, request.RequestBytes, request.Outcome, request.FrontEnd));
    }

    [Fact]
    public async Task FailedRequest_GetsNoReplyLine_OnlyALogLineAndThePrompt()
    {
        await using var device = ConsoleDevice.Start(Sec1Device);
        using var console = RawConsole.Open(device.Path);

        // An encrypted endpoint before any session: protocomm refuses it.
        await console.SendAsync("prov-config 0 0800\r");
        await console.ReadUntilAsync(text => FailedConfig().IsMatch(text));

        Assert.Equal(DeviceRequestOutcome.Closed, Assert.Single(device.Device.Requests).Outcome);
    }

    [Theory]
    [InlineData("bogus 0 00")]
    [InlineData("proto-ver 0")]
    [InlineData("proto-ver")]
    public async Task UnknownCommandsAndShortLines_GetOnlyTheEchoAndThePrompt(string line)
    {
        await using var device = ConsoleDevice.Start(Sec1Device);
        using var console = RawConsole.Open(device.Path);

        await console.SendAsync(line + "\r");
        var printed = await console.ReadUntilAsync(text => text.EndsWith(line + "\r\n\n>> ", StringComparison.Ordinal));

        Assert.DoesNotContain("\r\r\n", printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrLf_RunsOnIntoTheNextLine_SoOnlyCrEndsACommand()
    {
        await using var device = ConsoleDevice.Start(Sec1Device);
        using var console = RawConsole.Open(device.Path);

        await console.SendAsync("proto-ver 0 56302e31\r\n");
        await console.ReadUntilAsync("proto-ver 0 56302e31\r\n\n");
        Assert.Empty(device.Device.Requests);

        // The next CR ends the merged line: its first word is still proto-ver, so it runs once (with a garbled body).
        await console.SendAsync("proto-ver 0 56302e31\r");
        await console.ReadUntilAsync(text => text.EndsWith("\r\r\n\n>> ", StringComparison.Ordinal));
        Assert.Equal("proto-ver", Assert.Single(device.Device.Requests).Endpoint);
    }

    [Fact]
    public async Task ALineLongerThan255Characters_IsCutAndRun_AndItsTailRunsAsAnotherLine()
    {
        await using var device = ConsoleDevice.Start(Sec1Device);
        using var console = RawConsole.Open(device.Path);

        await console.SendAsync("proto-ver 0 " + new string('a', 300) + "\r");
        await console.ReadUntilAsync(text => Regex.IsMatch(text, @"\r\r\n[0-9a-f]+\r\r\n\n>> a+\r\n\n>> $"));

        // The first 255 characters ran as proto-ver with 121 bytes; the tail was an unknown command.
        Assert.Collection(
            device.Device.Requests,
            r => Assert.Equal(("proto-ver", 121L, DeviceRequestOutcome.Answered), (r.Endpoint, r.RequestBytes, r.Outcome)),
            r => Assert.Equal(DeviceRequestOutcome.Rejected, r.Outcome));
    }

    [Fact]
    public async Task OnceProvisioningStopped_TheConsoleLogsItAndEchoesNothing()
    {
        await using var device = ConsoleDevice.Start(Sec1Device);
        using var console = RawConsole.Open(device.Path);
        await console.SendAsync("proto-ver 0 00\r");
        await console.ReadUntilAsync("\r\r\n\n>> ");

        await device.Device.StopAsync();
        await console.ReadUntilAsync("protocomm_console: console stopped\u001b[0m\r\n");
        const string Late = "proto-ver 0 56302e31\r";
        await Eventually.UntilAsync(device.Device, () => device.Console.BytesRead == device.Console.BytesTaken, "the console dealt with the first line");
        var readBefore = device.Console.BytesRead;
        await console.SendAsync(Late);
        await Eventually.UntilAsync(device.Device, () => device.Console.BytesRead >= readBefore + Late.Length, "the console took the line");
        // Anything the console printed for the line would come before this mark.
        await device.Console.WriteRawAsync("MARK\r\n"u8.ToArray());
        var printed = await console.ReadUntilAsync("MARK\r\n");

        Assert.Equal("MARK\r\n", printed);
        Assert.Single(device.Device.Requests);
    }
}
