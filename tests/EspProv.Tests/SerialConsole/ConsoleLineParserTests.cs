using System.Text;
using CsCheck;
using EspProv.Transport.Console;

namespace EspProv.Tests.SerialConsole;

/// <summary>The client's reading of a device console on scripted byte streams: lines, prompts, colours, and the reply rules.</summary>
public sealed class ConsoleLineParserTests
{
    private const string Request = "prov-session 0 10015a240a2200201234";

    /// <summary>What firmware prints for one command: its echo, a coloured log line, the reply, the next prompt.</summary>
    private static readonly string Answered =
        $"{Request}\r\n\u001b[0;32mI (5123) wifi_prov_mgr: Wi-Fi credentials received\u001b[0m\r\n\r\r\n0801a2aa\r\r\n\n>> ";

    private static List<ConsoleEvent> Parse(string text, int maxLineChars = 1024)
    {
        var events = new List<ConsoleEvent>();
        new ConsoleLineParser(maxLineChars).Feed(Encoding.Latin1.GetBytes(text), events);
        return events;
    }

    private static (ConsoleReplyState State, ConsoleReply Reply) Run(string output, int maxLineChars = 1024)
    {
        var reply = new ConsoleReply(Request);
        foreach (var e in Parse(output, maxLineChars))
        {
            var state = reply.Accept(e);
            if (state != ConsoleReplyState.Waiting)
            {
                return (state, reply);
            }
        }

        return (ConsoleReplyState.Waiting, reply);
    }

    [Fact]
    public void Lines_EndAtCrOrLf_EmptyOnesAreDropped_AndColoursRemoved()
    {
        var events = Parse("\n>> " + Answered);

        Assert.Equal(
            [
                new ConsoleEvent(ConsoleEventKind.Prompt),
                new ConsoleEvent(ConsoleEventKind.Line, Request),
                new ConsoleEvent(ConsoleEventKind.Line, "I (5123) wifi_prov_mgr: Wi-Fi credentials received"),
                new ConsoleEvent(ConsoleEventKind.Line, "0801a2aa"),
                new ConsoleEvent(ConsoleEventKind.Prompt),
            ],
            events);
    }

    [Fact]
    public void Reply_IsTheFirstHexLineAfterTheEcho()
    {
        var (state, reply) = Run(Answered);

        Assert.Equal(ConsoleReplyState.Answered, state);
        Assert.Equal(new byte[] { 0x08, 0x01, 0xa2, 0xaa }, reply.Body);
    }

    [Fact]
    public void HexBeforeTheEcho_IsNotTakenForTheReply()
    {
        // A late reply to an earlier request and a stale prompt arrive first: they answer something else.
        var (state, reply) = Run("\r\r\ndeadbeef\r\r\n\n>> " + Answered);

        Assert.Equal(ConsoleReplyState.Answered, state);
        Assert.Equal(new byte[] { 0x08, 0x01, 0xa2, 0xaa }, reply.Body);
    }

    [Fact]
    public void PromptAfterTheEcho_WithoutAReply_IsNoReply()
    {
        var (state, reply) = Run($"{Request}\r\n\u001b[0;31mE (912) security1: key mismatch\u001b[0m\r\n\n>> ");

        Assert.Equal(ConsoleReplyState.NoReply, state);
        Assert.Null(reply.Body);
    }

    [Fact]
    public void PromptBeforeTheEcho_IsStillWaiting()
    {
        Assert.Equal(ConsoleReplyState.Waiting, Run("\n>> \n>> ").State);
    }

    [Fact]
    public void EchoAfterAPartialLineTheDeviceHeld_StillCounts()
    {
        // Someone typed "xy" into the console before: the device's echo line ends with our request.
        Assert.Equal(ConsoleReplyState.Answered, Run("xy" + Answered).State);
    }

    [Fact]
    public void NonHexAndOddLengthLinesAfterTheEcho_AreSkipped()
    {
        var (state, reply) = Run($"{Request}\r\nabc\r\nrst:0x1 (POWERON_RESET)\r\nW (77) wifi: beacon timeout\r\n\r\r\n0a0b\r\r\n");

        Assert.Equal(ConsoleReplyState.Answered, state);
        Assert.Equal(new byte[] { 0x0a, 0x0b }, reply.Body);
    }

    [Fact]
    public void AReplyLongerThanTheLineLimit_IsTooLarge()
    {
        Assert.Equal(ConsoleReplyState.TooLarge, Run($"{Request}\r\n\r\r\n{new string('a', 600)}\r\r\n", maxLineChars: 100).State);
    }

    [Theory]
    [InlineData("I (1234) wifi: connected", true)]
    [InlineData("E (77) protocomm: the request to prov-session failed", true)]
    [InlineData("W (12:34:56.789) tag: system time stamps", true)]
    [InlineData("D (1) x: y", true)]
    [InlineData("I (12a) tag: not a time stamp", false)]
    [InlineData("I () tag: empty", false)]
    [InlineData("0801a2aa", false)]
    [InlineData("ets Jun  8 2016 00:22:57", false)]
    public void LogLines_AreRecognised(string line, bool isLog) => Assert.Equal(isLog, ConsoleReply.IsLogLine(line));

    [Fact]
    public void AnySplitOfTheStream_GivesTheSameEvents()
    {
        var stream = Encoding.Latin1.GetBytes("junk\r\n\u001b[0;32mI (1) boot: x\u001b[0m\r\n\n>> " + Answered + "\u001b[0;33mW (9) t: late\u001b[0m\r\n");
        var expected = Parse(Encoding.Latin1.GetString(stream));
        Gen.Int[1, 12].Array[1, 40].Sample(pieces =>
        {
            var parser = new ConsoleLineParser(1024);
            var events = new List<ConsoleEvent>();
            var offset = 0;
            for (var i = 0; offset < stream.Length; i++)
            {
                var length = Math.Min(pieces[i % pieces.Length], stream.Length - offset);
                parser.Feed(stream.AsSpan(offset, length), events);
                offset += length;
            }

            Assert.Equal(expected, events);
        }, iter: 300);
    }

    [Fact]
    public void LogLinesAndNoiseAnywhereAroundTheExchange_NeverChangeTheReply()
    {
        var logLine = Gen.OneOf(
            Gen.Const("\u001b[0;32mI (4711) wifi: sta connected\u001b[0m\r\n"),
            Gen.Const("W (12) httpd: no route\r\n"),
            Gen.Const("rst:0x1 (POWERON_RESET),boot:0x13\r\n"),
            Gen.Const("\r\n"),
            Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz ():."], 0, 30].Select(s => "noise " + s + "\r\n"));
        Gen.Select(logLine.Array[0, 4], logLine.Array[0, 4], Gen.Byte.Array[1, 60]).Sample((before, between, body) =>
        {
            var hex = Convert.ToHexStringLower(body);
            var output = string.Concat(before) + "\n>> " + Request + "\r\n" + string.Concat(between) + "\r\r\n" + hex + "\r\r\n\n>> ";
            var (state, reply) = Run(output);

            Assert.Equal(ConsoleReplyState.Answered, state);
            Assert.Equal(body, reply.Body);
        }, iter: 300);
    }
}
