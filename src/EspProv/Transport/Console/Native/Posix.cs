namespace EspProv.Transport.Console.Native;

/// <summary>
/// What differs between the C libraries we bind (glibc/musl on Linux x64 and arm64, macOS's libSystem): flag values,
/// errno numbers and the layout of <c>struct termios</c>. <see cref="Current"/> is null on every other system.
/// </summary>
internal sealed class Posix
{
    // errno values shared by Linux and macOS.
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int ENXIO = 6;
    public const int EACCES = 13;
    public const int EBUSY = 16;
    public const int ENODEV = 19;
    public const int ENOTTY = 25;

    // poll events and tcsetattr's "now" (the same on both).
    public const short POLLIN = 0x1;
    public const short POLLOUT = 0x4;
    public const short POLLERR = 0x8;
    public const short POLLHUP = 0x10;
    public const short POLLNVAL = 0x20;
    public const int TCSANOW = 0;

    /// <summary>Room for <c>struct termios</c> on either system (60 bytes on Linux, 72 on macOS).</summary>
    public const int TermiosBufferBytes = 256;

    public static readonly Posix? Current = OperatingSystem.IsLinux() ? Linux() : OperatingSystem.IsMacOS() ? MacOs() : null;

    private Posix()
    {
    }

    public bool IsLinux { get; private init; }

    public int ReadWrite { get; private init; }

    public int NonBlocking { get; private init; }

    public int NoControllingTerminal { get; private init; }

    public int CloseOnExec { get; private init; }

    public int EAGAIN { get; private init; }

    public int FlushInput { get; private init; }

    public int FlushBoth { get; private init; }

    /// <summary>Byte offset of <c>c_cflag</c> in <c>struct termios</c>; it is 4 bytes wide on Linux, 8 on macOS.</summary>
    public int ControlFlagsOffset { get; private init; }

    public ulong LocalLine { get; private init; }

    public ulong EnableReceiver { get; private init; }

    public ulong TwoStopBits { get; private init; }

    public ulong HardwareFlowControl { get; private init; }

    /// <summary>The <c>speed_t</c> for <paramref name="baud"/>: Linux takes its <c>Bnnn</c> codes, macOS the number itself.</summary>
    public bool TryGetSpeed(int baud, out nuint speed)
    {
        if (!IsLinux)
        {
            speed = (nuint)baud;
            return baud > 0;
        }

        var index = Array.IndexOf(LinuxBauds, baud);
        speed = index < 0 ? 0 : (nuint)(index < 16 ? index : 0x1000 + index - 15);
        return index > 0;
    }

    // Linux's B0…B38400 are codes 0–15; B57600…B4000000 are 0x1001–0x100F, in this order (asm-generic termbits).
    private static readonly int[] LinuxBauds =
    [
        0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400,
        57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000,
    ];

    private static Posix Linux() => new()
    {
        IsLinux = true,
        ReadWrite = 2,
        NonBlocking = 0x800,
        NoControllingTerminal = 0x100,
        CloseOnExec = 0x80000,
        EAGAIN = 11,
        FlushInput = 0,
        FlushBoth = 2,
        ControlFlagsOffset = 8,
        LocalLine = 0x800,
        EnableReceiver = 0x80,
        TwoStopBits = 0x40,
        HardwareFlowControl = 0x80000000,
    };

    private static Posix MacOs() => new()
    {
        ReadWrite = 2,
        NonBlocking = 0x4,
        NoControllingTerminal = 0x20000,
        CloseOnExec = 0x1000000,
        EAGAIN = 35,
        FlushInput = 1,
        FlushBoth = 3,
        ControlFlagsOffset = 16,
        LocalLine = 0x8000,
        EnableReceiver = 0x800,
        TwoStopBits = 0x400,
        HardwareFlowControl = 0x30000,
    };
}
