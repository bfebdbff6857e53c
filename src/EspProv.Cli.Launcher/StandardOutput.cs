using System.Runtime.InteropServices;

namespace EspProv.Cli.Launcher;

/// <summary>
/// Standard output and error through libc: isatty, the window size and write(2). System.Console would do the same, but brings
/// its terminal support (terminfo, encodings, signal handling) into the binary, and that alone made help start 1.5x
/// an empty program (docs/benchmarks.md).
/// </summary>
internal static partial class StandardOutput
{
    private const int Descriptor = 1;
    private const int Interrupted = 4; // EINTR

    /// <summary>
    /// The width help is laid out for, as System.CommandLine decides it: unbounded when output is not a terminal,
    /// else the terminal's columns.
    /// </summary>
    public static unsafe int Width()
    {
        if (IsATty(Descriptor) != 1)
        {
            return int.MaxValue;
        }

        var size = default(WindowSize);
        var request = OperatingSystem.IsMacOS() ? 0x40087468u : 0x5413u; // TIOCGWINSZ
        return IoCtl(Descriptor, request, &size) == 0 && size.Columns > 0 ? size.Columns : int.MaxValue;
    }

    /// <summary>Writes all of <paramref name="bytes"/> to stdout; false if the output is gone (closed pipe, full disk).</summary>
    public static bool Write(ReadOnlySpan<byte> bytes) => Write(Descriptor, bytes);

    /// <summary>Writes one line to stderr.</summary>
    public static void WriteErrorLine(string line) => Write(2, System.Text.Encoding.UTF8.GetBytes(line + "\n"));

    private static unsafe bool Write(int descriptor, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* start = bytes)
        {
            var done = 0;
            while (done < bytes.Length)
            {
                var written = WriteBytes(descriptor, start + done, (nuint)(bytes.Length - done));
                if (written < 0)
                {
                    if (Marshal.GetLastPInvokeError() == Interrupted)
                    {
                        continue;
                    }

                    return false;
                }

                done += (int)written;
            }
        }

        return true;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct WindowSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    [LibraryImport("libc", EntryPoint = "isatty")]
    private static partial int IsATty(int descriptor);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int IoCtl(int descriptor, nuint request, WindowSize* size);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteBytes(int descriptor, byte* buffer, nuint count);
}
