using System.Text;

namespace EspProv.Transport.Console.Native;

/// <summary>Opening terminals: a serial port or a pty's device end in raw mode, and new pseudo-terminal pairs.</summary>
internal static unsafe class Terminals
{
    /// <summary>
    /// Opens <paramref name="path"/> for reading and writing in raw mode at <paramref name="baud"/>, and throws away
    /// whatever was waiting in its input queue. Non-blocking (all waiting is done by <see cref="TerminalIo"/>), not our
    /// controlling terminal, closed on exec.
    /// </summary>
    /// <exception cref="TerminalException">It cannot be opened or is not a terminal (<see cref="Posix.ENOTTY"/>).</exception>
    public static int OpenRaw(Posix posix, string path, int baud)
    {
        var descriptor = LibC.Open(path, posix.ReadWrite | posix.NonBlocking | posix.NoControllingTerminal | posix.CloseOnExec);
        if (descriptor < 0)
        {
            throw LibC.LastError($"cannot open {path}");
        }

        try
        {
            if (LibC.IsATty(descriptor) == 0)
            {
                throw new TerminalException(Posix.ENOTTY, $"{path} is not a serial port or terminal");
            }

            MakeRaw(posix, descriptor, baud, path);
            if (LibC.TcFlush(descriptor, posix.FlushInput) != 0)
            {
                throw LibC.LastError($"cannot flush {path}");
            }

            return descriptor;
        }
        catch
        {
            LibC.Close(descriptor);
            throw;
        }
    }

    /// <summary>
    /// Raw mode: 8 data bits, no parity, one stop bit, no echo, no line editing, no CR/LF translation, no software or
    /// hardware flow control (ESP boards wire neither), modem lines ignored; <paramref name="baud"/> in and out
    /// (null = leave the speed alone).
    /// </summary>
    public static void MakeRaw(Posix posix, int descriptor, int? baud, string name)
    {
        var termios = stackalloc byte[Posix.TermiosBufferBytes];
        new Span<byte>(termios, Posix.TermiosBufferBytes).Clear();
        if (LibC.TcGetAttr(descriptor, termios) != 0)
        {
            throw LibC.LastError($"cannot read the settings of {name}");
        }

        LibC.CfMakeRaw(termios);
        var flags = termios + posix.ControlFlagsOffset;
        var control = posix.IsLinux ? *(uint*)flags : *(ulong*)flags;
        control = (control | posix.LocalLine | posix.EnableReceiver) & ~(posix.TwoStopBits | posix.HardwareFlowControl);
        if (posix.IsLinux)
        {
            *(uint*)flags = (uint)control;
        }
        else
        {
            *(ulong*)flags = control;
        }

        if (baud is { } rate)
        {
            if (!posix.TryGetSpeed(rate, out var speed))
            {
                throw new TerminalException(0, $"{rate} baud is not a speed this system's serial ports support");
            }

            if (LibC.CfSetInputSpeed(termios, speed) != 0 || LibC.CfSetOutputSpeed(termios, speed) != 0)
            {
                throw LibC.LastError($"cannot set {rate} baud on {name}");
            }
        }

        if (LibC.TcSetAttr(descriptor, Posix.TCSANOW, termios) != 0)
        {
            throw LibC.LastError($"cannot set raw mode on {name}");
        }
    }

    /// <summary>
    /// Creates a pseudo-terminal pair: the controller end (what a device writes its UART output to and reads input
    /// from) and the device end, already open and raw, whose path a client opens like a serial port. Keep the device
    /// end open for as long as the pair is used: on Linux the controller reads fail once no device-end descriptor is open.
    /// </summary>
    public static (int Controller, int DeviceEnd, string Path) OpenPseudoTerminal(Posix posix)
    {
        // posix_openpt takes no O_NONBLOCK on macOS; both systems implement it as this open of the multiplexer.
        var controller = LibC.Open("/dev/ptmx", posix.ReadWrite | posix.NoControllingTerminal | posix.NonBlocking | posix.CloseOnExec);
        if (controller < 0)
        {
            throw LibC.LastError("cannot create a pseudo-terminal");
        }

        try
        {
            if (LibC.GrantPt(controller) != 0 || LibC.UnlockPt(controller) != 0)
            {
                throw LibC.LastError("cannot unlock the pseudo-terminal");
            }

            var name = stackalloc byte[256];
            if (LibC.PtsNameR(controller, name, 256) != 0)
            {
                throw LibC.LastError("cannot name the pseudo-terminal");
            }

            var path = Encoding.UTF8.GetString(name, IndexOfNul(name));
            var deviceEnd = OpenRaw(posix, path, baud: 115200);
            return (controller, deviceEnd, path);
        }
        catch
        {
            LibC.Close(controller);
            throw;
        }
    }

    private static int IndexOfNul(byte* text)
    {
        var length = 0;
        while (length < 255 && text[length] != 0)
        {
            length++;
        }

        return length;
    }
}
