namespace EspProv.Transport.Console;

/// <summary>Where one exchange stands after a <see cref="ConsoleEvent"/>.</summary>
internal enum ConsoleReplyState
{
    /// <summary>Still waiting: nothing seen yet, or only the echo, log lines and other output.</summary>
    Waiting,

    /// <summary>The reply line arrived: <see cref="ConsoleReply.Body"/>.</summary>
    Answered,

    /// <summary>The echo was followed by the next prompt with no reply line: the device's handler failed.</summary>
    NoReply,

    /// <summary>A reply line longer than the response limit began.</summary>
    TooLarge,
}

/// <summary>
/// Recognises the device's answer to one command line among everything else its console prints. The rules, and why:
/// <list type="number">
/// <item>Nothing counts before the echo of our own line (a line ending with it). Whatever the device printed before
/// (a prompt, log lines, a late reply to an earlier request that timed out) belongs to something else.</item>
/// <item>After the echo, the first line made only of hex digits, of even length, is the reply: firmware prints the
/// response as lowercase hex on a line of its own, and no log line (<c>I (1234) tag: …</c>) looks like that.</item>
/// <item>A prompt after the echo and before any reply means there is none: firmware prints no reply when the handler
/// fails (a wrong PoP, a malformed message), for an unknown command or for fewer than three words.</item>
/// <item>Every other line (log lines from other tasks, boot messages, the chip's own output) is skipped.</item>
/// </list>
/// </summary>
internal sealed class ConsoleReply(string requestLine)
{
    private static readonly System.Buffers.SearchValues<char> TimestampChars = System.Buffers.SearchValues.Create("0123456789:.");
    private bool _echoed;

    /// <summary>The response, once <see cref="ConsoleReplyState.Answered"/>.</summary>
    public byte[]? Body { get; private set; }

    /// <summary>True once the device echoed the request line.</summary>
    public bool Echoed => _echoed;

    /// <summary>Takes the next event of the device's output and says where the exchange stands.</summary>
    public ConsoleReplyState Accept(in ConsoleEvent e)
    {
        if (e.Kind == ConsoleEventKind.Prompt)
        {
            return _echoed ? ConsoleReplyState.NoReply : ConsoleReplyState.Waiting;
        }

        if (!_echoed)
        {
            _echoed = !e.Truncated && e.Text.EndsWith(requestLine, StringComparison.Ordinal);
            return ConsoleReplyState.Waiting;
        }

        if (!IsHex(e.Text))
        {
            return ConsoleReplyState.Waiting;
        }

        if (e.Truncated)
        {
            return ConsoleReplyState.TooLarge;
        }

        Body = Convert.FromHexString(e.Text);
        return ConsoleReplyState.Answered;
    }

    /// <summary>True for a line of hex digits of even, non-zero length (either case).</summary>
    public static bool IsHex(string line) => line.Length > 0 && line.Length % 2 == 0 && line.All(char.IsAsciiHexDigit);

    /// <summary>True for an ESP-IDF log line: a level letter, a timestamp in brackets, e.g. <c>I (1234) wifi: …</c>.</summary>
    public static bool IsLogLine(string line)
    {
        if (line.Length < 5 || "EWIDV".IndexOf(line[0], StringComparison.Ordinal) < 0 || line[1] != ' ' || line[2] != '(')
        {
            return false;
        }

        var close = line.IndexOf(')', 3);
        return close > 3 && line.AsSpan(3, close - 3).IndexOfAnyExcept(TimestampChars) < 0;
    }
}
