using System.Collections.Concurrent;
using System.Threading.Channels;

namespace EspProv.Transport.Console.Native;

/// <summary>
/// Asynchronous reads and writes on one non-blocking terminal descriptor (a serial port, either end of a pty). One
/// background thread waits in <c>poll</c> (<c>select</c> on macOS, whose <c>poll</c> does not take devices) for the
/// terminal or a wake-up pipe, hands what it reads to <see cref="Incoming"/> and writes what <see cref="WriteAsync"/>
/// queued, in order. .NET's own file streams cannot be used: a read on a terminal blocks a thread and ignores
/// cancellation, so it could never be timed out or stopped.
/// </summary>
internal sealed unsafe class TerminalIo : IDisposable
{
    private const int ReadBytes = 4096;

    // Unread input is kept up to 256 reads (≤ 1 MiB), oldest dropped first: a chatty device with nobody asking
    // cannot grow memory, and the transport throws stale input away before every request anyway.
    private const int MaxQueuedReads = 256;

    // fd_set is a 1024-bit array on both systems, bit n of byte n / 8 for descriptor n (little-endian words).
    private const int FdSetBytes = 128;

    private readonly Posix _posix;
    private readonly int _descriptor;
    private readonly bool _ownsDescriptor;
    private readonly int _wakeRead;
    private readonly int _wakeWrite;
    private readonly Channel<byte[]> _incoming = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(MaxQueuedReads) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });

    private readonly ConcurrentQueue<PendingWrite> _writes = new();
    private readonly TaskCompletionSource<TerminalException?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Threading.Thread _thread;
    private volatile bool _stopping;
    private int _wakePending;
    private int _disposed;

    /// <summary>Starts serving <paramref name="descriptor"/> (non-blocking); closes it on dispose when <paramref name="ownsDescriptor"/>.</summary>
    public TerminalIo(Posix posix, int descriptor, bool ownsDescriptor, string name)
    {
        _posix = posix;
        _descriptor = descriptor;
        _ownsDescriptor = ownsDescriptor;
        var pipe = stackalloc int[2];
        if (LibC.Pipe(pipe) != 0)
        {
            throw LibC.LastError("cannot create a wake-up pipe");
        }

        (_wakeRead, _wakeWrite) = (pipe[0], pipe[1]);
        _thread = new System.Threading.Thread(Run) { IsBackground = true, Name = $"terminal {name}" };
        _thread.Start();
    }

    /// <summary>What the terminal delivered, one array per read. Completes when the terminal ends or on dispose.</summary>
    public ChannelReader<byte[]> Incoming => _incoming.Reader;

    /// <summary>
    /// Completes when the terminal reports end of file or an error (the other end closed, the adapter was unplugged),
    /// with that error (null for a plain end of file), or on dispose (null).
    /// </summary>
    public Task<TerminalException?> Ended => _ended.Task;

    /// <summary>Throws away everything read so far and not yet taken.</summary>
    public void DiscardInput()
    {
        while (_incoming.Reader.TryRead(out _))
        {
        }
    }

    /// <summary>Queues <paramref name="data"/>; completes once the terminal took all of it.</summary>
    /// <exception cref="TerminalException">The terminal ended before all of it was written.</exception>
    public Task WriteAsync(ReadOnlyMemory<byte> data)
    {
        if (_ended.Task.IsCompleted)
        {
            return Task.FromException(_ended.Task.Result ?? new TerminalException(Posix.EIO, "the terminal is closed"));
        }

        var write = new PendingWrite(data.ToArray());
        _writes.Enqueue(write);
        if (_ended.Task.IsCompleted)
        {
            // It ended while this write was being queued: End may have emptied the queue before it was there.
            FailWrites(_ended.Task.Result);
        }

        Wake();
        return write.Done.Task;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping = true;
        Wake();
        // The loop only waits in poll/select, which the wake-up byte ends at once.
        _thread.Join(TimeSpan.FromSeconds(5));
        End(null);
        LibC.Close(_wakeRead);
        LibC.Close(_wakeWrite);
        if (_ownsDescriptor)
        {
            // Unsent output is dropped so close does not wait for a port that no longer drains.
            LibC.TcFlush(_descriptor, _posix.FlushBoth);
            LibC.Close(_descriptor);
        }
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            byte one = 1;
            LibC.Write(_wakeWrite, &one, 1);
        }
    }

    private void Run()
    {
        var buffer = new byte[ReadBytes];
        var drain = stackalloc byte[16];
        var descriptors = stackalloc PollDescriptor[2];
        var sets = stackalloc byte[2 * FdSetBytes];
        try
        {
            while (!_stopping)
            {
                var (readable, writable, woken, hungUp) = Wait(!_writes.IsEmpty, descriptors, sets);
                if (woken)
                {
                    Interlocked.Exchange(ref _wakePending, 0);
                    LibC.Read(_wakeRead, drain, 16);
                }

                if ((readable || hungUp) && !ReadOnce(buffer, hungUp))
                {
                    return;
                }

                if (writable)
                {
                    WritePending();
                }
            }
        }
        catch (TerminalException ex)
        {
            End(ex);
        }
        catch (Exception ex)
        {
            End(new TerminalException(Posix.EIO, ex.Message));
        }
    }

    /// <summary>Reads what is there; false once the terminal has ended (or hung up with nothing left to read).</summary>
    private bool ReadOnce(byte[] buffer, bool hungUp)
    {
        nint count;
        fixed (byte* data = buffer)
        {
            count = LibC.Read(_descriptor, data, (nuint)buffer.Length);
        }

        if (count > 0)
        {
            _incoming.Writer.TryWrite(buffer.AsSpan(0, (int)count).ToArray());
            return true;
        }

        if (count < 0)
        {
            var error = LibC.LastError("reading the terminal failed");
            if (error.Errno == Posix.EINTR || (error.Errno == _posix.EAGAIN && !hungUp))
            {
                return true;
            }

            End(error);
            return false;
        }

        End(null);
        return false;
    }

    private void WritePending()
    {
        while (_writes.TryPeek(out var write))
        {
            nint count;
            fixed (byte* data = write.Data)
            {
                count = LibC.Write(_descriptor, data + write.Offset, (nuint)(write.Data.Length - write.Offset));
            }

            if (count < 0)
            {
                var error = LibC.LastError("writing to the terminal failed");
                if (error.Errno == Posix.EINTR)
                {
                    continue;
                }

                if (error.Errno == _posix.EAGAIN)
                {
                    return;
                }

                throw error;
            }

            write.Offset += (int)count;
            if (write.Offset < write.Data.Length)
            {
                return;
            }

            _writes.TryDequeue(out _);
            write.Done.TrySetResult();
        }
    }

    /// <summary>Waits until the terminal can be read (or has hung up), written (when asked), or the pipe wakes us.</summary>
    private (bool Readable, bool Writable, bool Woken, bool HungUp) Wait(bool wantWrite, PollDescriptor* descriptors, byte* sets)
    {
        while (true)
        {
            int ready;
            if (_posix.IsLinux)
            {
                descriptors[0] = new PollDescriptor { Descriptor = _descriptor, Events = (short)(Posix.POLLIN | (wantWrite ? Posix.POLLOUT : 0)) };
                descriptors[1] = new PollDescriptor { Descriptor = _wakeRead, Events = Posix.POLLIN };
                ready = LibC.Poll(descriptors, 2, -1);
                if (ready > 0)
                {
                    var events = descriptors[0].ReturnedEvents;
                    // After a hang-up or error the read that follows reports what happened.
                    return ((events & Posix.POLLIN) != 0, (events & Posix.POLLOUT) != 0, (descriptors[1].ReturnedEvents & Posix.POLLIN) != 0,
                        (events & (Posix.POLLHUP | Posix.POLLERR | Posix.POLLNVAL)) != 0);
                }
            }
            else
            {
                new Span<byte>(sets, 2 * FdSetBytes).Clear();
                var readSet = sets;
                var writeSet = sets + FdSetBytes;
                Add(readSet, _descriptor);
                Add(readSet, _wakeRead);
                if (wantWrite)
                {
                    Add(writeSet, _descriptor);
                }

                ready = LibC.Select(Math.Max(_descriptor, _wakeRead) + 1, readSet, writeSet, null, null);
                if (ready > 0)
                {
                    return (Has(readSet, _descriptor), Has(writeSet, _descriptor), Has(readSet, _wakeRead), false);
                }
            }

            var error = LibC.LastError("waiting on the terminal failed");
            if (error.Errno != Posix.EINTR)
            {
                throw error;
            }
        }
    }

    private static void Add(byte* set, int descriptor)
    {
        if (descriptor >= FdSetBytes * 8)
        {
            throw new TerminalException(0, $"descriptor {descriptor} is beyond select's limit of {FdSetBytes * 8}");
        }

        set[descriptor / 8] |= (byte)(1 << (descriptor % 8));
    }

    private static bool Has(byte* set, int descriptor) => (set[descriptor / 8] & (1 << (descriptor % 8))) != 0;

    private void End(TerminalException? error)
    {
        if (_ended.TrySetResult(error))
        {
            _incoming.Writer.TryComplete();
            FailWrites(error);
        }
    }

    private void FailWrites(TerminalException? error)
    {
        while (_writes.TryDequeue(out var write))
        {
            write.Done.TrySetException(error ?? new TerminalException(Posix.EIO, "the terminal is closed"));
        }
    }

    private sealed class PendingWrite(byte[] data)
    {
        public byte[] Data { get; } = data;

        public int Offset { get; set; }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
