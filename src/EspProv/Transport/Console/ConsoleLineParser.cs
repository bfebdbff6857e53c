using System.Text;

namespace EspProv.Transport.Console;

/// <summary>What <see cref="ConsoleLineParser"/> found in the device's output.</summary>
internal enum ConsoleEventKind
{
    /// <summary>The console's prompt <c>&gt;&gt; </c> at the start of a line: the device waits for the next command.</summary>
    Prompt,

    /// <summary>A complete, non-empty line (its terminator removed).</summary>
    Line,
}

/// <summary>One prompt or line of the device's output.</summary>
/// <param name="Kind">Which.</param>
/// <param name="Text">The line, without colour codes or terminator; empty for a prompt.</param>
/// <param name="Truncated">The line was longer than the parser keeps: <see cref="Text"/> is its start.</param>
internal readonly record struct ConsoleEvent(ConsoleEventKind Kind, string Text = "", bool Truncated = false);

/// <summary>
/// Splits the bytes a device's console prints into lines and prompts, whatever the read boundaries:
/// <list type="bullet">
/// <item>A line ends at CR or LF. The echo of a command ends in <c>\r\n</c> (the console echoes CR that way), a reply
/// or a log line in <c>\r\r\n</c> or <c>\r\n</c> (the chip's stdout turns LF into CRLF), so empty lines carry nothing and
/// are dropped.</item>
/// <item>The prompt is <c>\n&gt;&gt; </c> with no line end after it: it is recognised at the start of a line and the
/// rest of that line (the echo of the next command) follows as its own line.</item>
/// <item>ANSI escape sequences (log colours) are removed, so a coloured log line reads like a plain one.</item>
/// <item>Lines longer than the limit are cut (and flagged), so a device printing without end cannot grow memory.</item>
/// </list>
/// </summary>
internal sealed class ConsoleLineParser(int maxLineChars)
{
    private const byte Escape = 0x1B;

    private readonly StringBuilder _line = new();
    private EscapeState _escape;
    private bool _truncated;
    private bool _lineStart = true;

    private enum EscapeState
    {
        None,
        AfterEscape,
        InSequence,
    }

    /// <summary>Forgets a partial line, as after throwing input away: what comes next starts a new line.</summary>
    public void Reset()
    {
        _line.Clear();
        _escape = EscapeState.None;
        _truncated = false;
        _lineStart = true;
    }

    /// <summary>Adds the prompts and complete lines in <paramref name="bytes"/> to <paramref name="events"/>, in order.</summary>
    public void Feed(ReadOnlySpan<byte> bytes, List<ConsoleEvent> events)
    {
        foreach (var b in bytes)
        {
            switch (_escape)
            {
                case EscapeState.AfterEscape:
                    // ESC [ starts a control sequence; ESC and any other byte is a two-byte sequence.
                    _escape = b == (byte)'[' ? EscapeState.InSequence : EscapeState.None;
                    continue;
                case EscapeState.InSequence:
                    if (b is >= 0x40 and <= 0x7E)
                    {
                        _escape = EscapeState.None;
                    }

                    continue;
                case EscapeState.None when b == Escape:
                    _escape = EscapeState.AfterEscape;
                    continue;
            }

            if (b is (byte)'\r' or (byte)'\n')
            {
                EndLine(events);
                continue;
            }

            if (_line.Length < maxLineChars)
            {
                _line.Append((char)b);
            }
            else
            {
                _truncated = true;
            }

            if (_lineStart && _line.Length == 3 && _line[0] == '>' && _line[1] == '>' && _line[2] == ' ')
            {
                events.Add(new ConsoleEvent(ConsoleEventKind.Prompt));
                _line.Clear();
                _lineStart = false;
            }
        }
    }

    private void EndLine(List<ConsoleEvent> events)
    {
        if (_line.Length > 0 || _truncated)
        {
            events.Add(new ConsoleEvent(ConsoleEventKind.Line, _line.ToString(), _truncated));
        }

        _line.Clear();
        _truncated = false;
        _lineStart = true;
    }
}
