using System.Text;
using CsCheck;
using EspProv.Device.Console;

namespace EspProv.Tests.SerialConsole;

/// <summary>The simulated console's input handling, byte for byte as the firmware's console task and command handler.</summary>
public sealed class ConsoleCommandTests
{
    private static List<ConsoleInput> Feed(ConsoleLineBuffer buffer, string received)
    {
        var steps = new List<ConsoleInput>();
        buffer.Feed(Encoding.Latin1.GetBytes(received), steps);
        return steps;
    }

    private static string Echoed(IEnumerable<ConsoleInput> steps) => string.Concat(steps.Where(s => s.Echo is not null).Select(s => Encoding.Latin1.GetString(s.Echo!)));

    private static string[] Lines(IEnumerable<ConsoleInput> steps) => [.. steps.Where(s => s.Line is not null).Select(s => s.Line!)];

    [Fact]
    public void ALine_EndsWhenTheLastByteReadIsCr_AndCrIsEchoedAsCrLf()
    {
        var buffer = new ConsoleLineBuffer();

        var partial = Feed(buffer, "proto-ver 0 ab");
        var rest = Feed(buffer, "cd\r");

        Assert.Empty(Lines(partial));
        Assert.Equal(["proto-ver 0 abcd\r"], Lines(rest));
        Assert.Equal("proto-ver 0 abcd\r\n", Echoed(partial.Concat(rest)));
    }

    [Fact]
    public void CrLf_LeavesLfLast_SoTheLineRunsOnIntoTheNext()
    {
        var buffer = new ConsoleLineBuffer();

        Assert.Empty(Lines(Feed(buffer, "proto-ver 0 abcd\r\n")));
        Assert.Equal(["proto-ver 0 abcd\r\nproto-ver 0 abcd\r"], Lines(Feed(buffer, "proto-ver 0 abcd\r")));
    }

    [Fact]
    public void TwoLinesInOneRead_AreOneLine()
    {
        Assert.Equal(["a 0 00\rb 0 00\r"], Lines(Feed(new ConsoleLineBuffer(), "a 0 00\rb 0 00\r")));
    }

    [Fact]
    public void ALongLine_IsCutAt255Characters_OneMoreByteIsLost_AndTheRestStartsTheNextLine()
    {
        var buffer = new ConsoleLineBuffer();
        var text = new string('a', 256) + "XYZ\r";

        var steps = Feed(buffer, text);

        Assert.Equal([new string('a', 255), "YZ\r"], Lines(steps));
        // The byte read past the end of the buffer is never echoed.
        Assert.Equal(new string('a', 256) + "YZ\r\n", Echoed(steps));
    }

    [Fact]
    public void A255CharacterLine_PlusCr_RunsWhole()
    {
        var line = "custom-data 0 " + new string('b', 241);

        Assert.Equal(255, line.Length);
        Assert.Equal([line], Lines(Feed(new ConsoleLineBuffer(), line + "\r")));
    }

    [Theory]
    [InlineData("prov-session 0 0a0b\r", new[] { "prov-session", "0", "0a0b\r" })]
    [InlineData("  a   b  c ", new[] { "a", "b", "c" })]
    [InlineData("a \"b c\" d\\ e", new[] { "a", "b c", "d e" })]
    [InlineData("a\tb c", new[] { "a\tb", "c" })]
    [InlineData("a b\0c d", new[] { "a", "b" })]
    [InlineData("1 2 3 4 5 6 7 8 9", new[] { "1", "2", "3", "4", "5", "6", "7" })]
    [InlineData("\r", new[] { "\r" })]
    public void Split_IsEspConsoles(string line, string[] words) => Assert.Equal(words, ConsoleCommand.Split(line));

    [Theory]
    [InlineData("0", 0u)]
    [InlineData("42", 42u)]
    [InlineData(" 7x", 7u)]
    [InlineData("x", 0u)]
    [InlineData("-1", uint.MaxValue)]
    [InlineData("4294967295", uint.MaxValue)]
    public void SessionId_IsAtoi(string word, uint id) => Assert.Equal(id, ConsoleCommand.SessionId(word));

    [Theory]
    [InlineData("0a0B\r", new byte[] { 0x0a, 0x0b })]
    [InlineData("abc", new byte[] { 0xab })]
    [InlineData("a", new byte[0])]
    [InlineData("zz10", new byte[] { 0x00, 0x10 })]
    public void HexToBytes_TakesHalfTheLength_SoATrailingCrIsHarmless(string word, byte[] bytes) => Assert.Equal(bytes, ConsoleCommand.HexToBytes(word));

    [Fact]
    public void AnyInputInAnyReads_RunsLinesOfAtMost255Characters_AndEchoesEveryByteItKeeps()
    {
        var bytes = Gen.OneOf(Gen.Byte, Gen.Const((byte)'\r'), Gen.Const((byte)' '), Gen.Const((byte)'a'));
        Gen.Select(bytes.Array[0, 700], Gen.Int[1, 300].Array[1, 8]).Sample((input, reads) =>
        {
            var buffer = new ConsoleLineBuffer();
            var steps = new List<ConsoleInput>();
            for (int offset = 0, i = 0; offset < input.Length; i++)
            {
                var length = Math.Min(reads[i % reads.Length], input.Length - offset);
                buffer.Feed(input.AsSpan(offset, length), steps);
                offset += length;
            }

            Assert.All(Lines(steps), line => Assert.InRange(line.Length, 1, ConsoleLineBuffer.Size - 1));
            // Only a byte read past a full buffer is lost, and only one per full buffer.
            var echoed = Echoed(steps).Replace("\r\n", "\r", StringComparison.Ordinal);
            Assert.InRange(input.Length - echoed.Length, 0, input.Length / ConsoleLineBuffer.Size);
            foreach (var line in Lines(steps))
            {
                var words = ConsoleCommand.Split(line);
                Assert.True(words.Count < ConsoleCommand.MaxArguments);
                _ = words.Count > 2 ? ConsoleCommand.HexToBytes(words[2]).Length + (int)ConsoleCommand.SessionId(words[1]) : 0;
            }
        }, iter: 300);
    }
}
