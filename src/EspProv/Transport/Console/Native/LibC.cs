using System.Runtime.InteropServices;

namespace EspProv.Transport.Console.Native;

/// <summary>
/// The few libc calls a terminal needs (open, termios, poll/select, read, write, pipe, pseudo-terminal names), bound with
/// <see cref="LibraryImportAttribute"/>: a NativeAOT publish stays one file and ships no native library of ours.
/// Variadic functions (<c>open</c>'s mode, <c>fcntl</c>, <c>ioctl</c>) are called with their fixed arguments only or not
/// at all, because Apple's arm64 ABI passes variadic arguments differently from fixed ones.
/// </summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc";

    [LibraryImport(Library, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int descriptor);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int descriptor, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int descriptor, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollDescriptor* descriptors, nuint count, int timeoutMilliseconds);

    [LibraryImport(Library, EntryPoint = "select", SetLastError = true)]
    public static partial int Select(int count, byte* readSet, byte* writeSet, byte* errorSet, void* timeout);

    [LibraryImport(Library, EntryPoint = "pipe", SetLastError = true)]
    public static partial int Pipe(int* descriptors);

    [LibraryImport(Library, EntryPoint = "isatty")]
    public static partial int IsATty(int descriptor);

    [LibraryImport(Library, EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int TcGetAttr(int descriptor, byte* termios);

    [LibraryImport(Library, EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int TcSetAttr(int descriptor, int when, byte* termios);

    [LibraryImport(Library, EntryPoint = "tcflush", SetLastError = true)]
    public static partial int TcFlush(int descriptor, int queue);

    [LibraryImport(Library, EntryPoint = "cfmakeraw")]
    public static partial void CfMakeRaw(byte* termios);

    // speed_t is 32 bits on Linux and 64 on macOS; both ABIs pass it in a 64-bit register, so nuint serves both.
    [LibraryImport(Library, EntryPoint = "cfsetispeed", SetLastError = true)]
    public static partial int CfSetInputSpeed(byte* termios, nuint speed);

    [LibraryImport(Library, EntryPoint = "cfsetospeed", SetLastError = true)]
    public static partial int CfSetOutputSpeed(byte* termios, nuint speed);

    [LibraryImport(Library, EntryPoint = "grantpt", SetLastError = true)]
    public static partial int GrantPt(int descriptor);

    [LibraryImport(Library, EntryPoint = "unlockpt", SetLastError = true)]
    public static partial int UnlockPt(int descriptor);

    [LibraryImport(Library, EntryPoint = "ptsname_r", SetLastError = true)]
    public static partial int PtsNameR(int descriptor, byte* buffer, nuint length);

    /// <summary>The error of the last call, as an exception naming what was being done.</summary>
    public static TerminalException LastError(string what)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new TerminalException(errno, $"{what}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }
}

/// <summary>One entry of <c>poll</c>'s array (the same layout on Linux and macOS).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollDescriptor
{
    public int Descriptor;
    public short Events;
    public short ReturnedEvents;
}

/// <summary>A failed libc call on a terminal, with its <c>errno</c>.</summary>
internal sealed class TerminalException : IOException
{
    public TerminalException(int errno, string message)
        : base(message)
    {
        Errno = errno;
    }

    public TerminalException()
    {
    }

    public TerminalException(string message)
        : base(message)
    {
    }

    public TerminalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The C library's error number (see <see cref="Posix"/> for the ones we tell apart).</summary>
    public int Errno { get; }
}
