namespace EspProv.Device.Console;

/// <summary>One step of the console's input handling: bytes to echo, or a command line to run.</summary>
/// <param name="Echo">Bytes to print back (a CR read is echoed as CR LF); null for a line.</param>
/// <param name="Line">A command line to run, as read (a trailing CR included); null for an echo.</param>
internal readonly record struct ConsoleInput(byte[]? Echo, string? Line);

/// <summary>
/// The console task's line reading, as ESP-IDF's protocomm console does it (protocomm_console.c):
/// <list type="bullet">
/// <item>Every byte read is echoed at once; a CR is echoed as CR LF.</item>
/// <item>All bytes already received are read into the line before it is looked at, and the line ends only when the
/// last byte read is CR: <c>"…\r\n"</c> leaves LF last, so the line runs on into the next one.</item>
/// <item>The buffer holds 256 bytes. When it is full the line runs with its first 255 characters (the console copies
/// it into a 256-byte string), one more byte already received is read past the end and lost unechoed, and the rest
/// starts the next line. No error is printed.</item>
/// </list>
/// </summary>
internal sealed class ConsoleLineBuffer
{
    /// <summary>The console's line buffer (LINE_BUF_SIZE).</summary>
    public const int Size = 256;

    private static readonly byte[] EchoedCr = "\r\n"u8.ToArray();

    private readonly byte[] _line = new byte[Size];
    private int _length;

    /// <summary>Reads the bytes of one UART read, adding what to echo and which lines to run to <paramref name="steps"/>, in order.</summary>
    public void Feed(ReadOnlySpan<byte> received, List<ConsoleInput> steps)
    {
        var i = 0;
        while (i < received.Length)
        {
            var echo = new List<byte>();
            while (i < received.Length && _length < Size)
            {
                var b = received[i++];
                _line[_length++] = b;
                if (b == (byte)'\r')
                {
                    echo.AddRange(EchoedCr);
                }
                else
                {
                    echo.Add(b);
                }
            }

            steps.Add(new ConsoleInput([.. echo], null));
            if (_length == Size)
            {
                if (i < received.Length)
                {
                    i++;
                }

                steps.Add(new ConsoleInput(null, Take(Size - 1)));
            }
            else if (_line[_length - 1] == (byte)'\r')
            {
                steps.Add(new ConsoleInput(null, Take(_length)));
            }
        }
    }

    private string Take(int count)
    {
        var line = string.Create(count, _line, static (chars, bytes) =>
        {
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = (char)bytes[j];
            }
        });
        _length = 0;
        return line;
    }
}
