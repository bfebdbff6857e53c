using System.Globalization;
using System.Text;
using EspProv.Device.Core;
using EspProv.Device.Protocomm;
using EspProv.Device.Wifi;
using EspProv.Provisioning;
using EspProv.Transport.Console.Native;

namespace EspProv.Device.Console;

/// <summary>
/// The console front-end: the device's UART console on a pseudo-terminal, behaving as ESP-IDF's protocomm console
/// (protocomm_console.c with esp_console). It prints the prompt <c>\n&gt;&gt; </c>, echoes every byte, runs a line when the
/// last byte read is CR (<see cref="ConsoleLineBuffer"/>), reads <c>&lt;endpoint&gt; &lt;session id&gt; &lt;hex&gt;</c>
/// (<see cref="ConsoleCommand"/>), and prints the response as <c>\r\r\n&lt;hex&gt;\r\r\n</c> (the chip's stdout turns LF into
/// CRLF). A failed request, an unknown command or fewer than three words get no reply line, only the next prompt.
/// Firmware-style log lines (<c>I (1234) tag: …</c>, coloured) appear between echo and reply when the device has
/// something to say. Once provisioning stops the console task ends: nothing more is echoed or answered.
/// </summary>
/// <remarks>
/// A new session id on a command line starts a new security session, as the console handler does; the session is
/// keyed by that id (a link of its own in the device's record). Clients open <see cref="Path"/> like a serial port;
/// the front-end keeps the device end open itself, so clients can come and go.
/// </remarks>
internal sealed class ConsoleFrontEnd : IDeviceFrontEnd
{
    private static readonly byte[] Prompt = "\n>> "u8.ToArray();
    private static readonly byte[] ReplyFrame = "\r\r\n"u8.ToArray();

    private readonly DeviceService _device;
    private readonly TerminalIo _io;
    private readonly int _deviceEnd;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly ConsoleLineBuffer _buffer = new();
    private readonly List<ConsoleInput> _steps = [];
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lock _lock = new();
    private readonly Task _loop;
    private StationStatus _station;
    private long _link;
    private uint _sessionId;
    private bool _stopped;
    private int _disposed;
    private long _bytesRead;
    private long _bytesTaken;

    private ConsoleFrontEnd(DeviceService device, Posix posix, int controller, int deviceEnd, string path, TimeProvider time)
    {
        _device = device;
        _deviceEnd = deviceEnd;
        _time = time;
        _started = time.GetTimestamp();
        _station = device.Core.Manager.Station.Status;
        Path = path;
        _io = new TerminalIo(posix, controller, ownsDescriptor: true, path);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The pseudo-terminal's path (<c>/dev/pts/3</c>): what a client opens as its serial port.</summary>
    public string Path { get; }

    public string Name => "console";

    public string Address => "console " + Path;

    /// <summary>1 while a console session id is bound to a security session, else 0.</summary>
    public int OpenLinks
    {
        get
        {
            lock (_lock)
            {
                return _link != 0 ? 1 : 0;
            }
        }
    }

    private bool IsStopped
    {
        get
        {
            lock (_lock)
            {
                return _stopped;
            }
        }
    }

    /// <summary>Creates the pseudo-terminal and starts the console: a start-up log line, then the prompt.</summary>
    /// <exception cref="PlatformNotSupportedException">Not Linux or macOS.</exception>
    /// <exception cref="ArgumentException">An ESP8266 device (its simulator has no console transport).</exception>
    public static ConsoleFrontEnd Start(DeviceService device, TimeProvider time)
    {
        if (device.Flavor == DeviceFlavor.Esp8266)
        {
            throw new ArgumentException("the simulated ESP8266 has no console transport: use the idf flavor for a console device", nameof(device));
        }

        var posix = Posix.Current ?? throw new PlatformNotSupportedException("a console device needs a pseudo-terminal: Linux or macOS");
        var (controller, deviceEnd, path) = Terminals.OpenPseudoTerminal(posix);
        return new ConsoleFrontEnd(device, posix, controller, deviceEnd, path, time);
    }

    /// <summary>Ends the security session bound to the console's session id (the device forgets it).</summary>
    public int DropLinks()
    {
        long old;
        lock (_lock)
        {
            (old, _link) = (_link, 0);
        }

        if (old == 0)
        {
            return 0;
        }

        // Fire and forget is safe: CloseLinkAsync only waits for the device's gate and never throws.
        _ = _device.CloseLinkAsync(old, SessionKeying.ByLink);
        return 1;
    }

    /// <summary>Provisioning stopped: the console task logs its end and stops reading; the pseudo-terminal stays until dispose.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return Task.CompletedTask;
            }

            _stopped = true;
        }

        DropLinks();
        // Queued, not awaited: with nobody reading the pseudo-terminal a write may wait, and stopping must not.
        Observe(WriteAsync((byte[])[.. Log('I', "protocomm_console", "stopping the console"), .. Log('I', "protocomm_console", "console stopped")]));
        return Task.CompletedTask;
    }

    private static void Observe(Task write) =>
        write.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        await _disposing.CancelAsync().ConfigureAwait(false);
        _io.Dispose();
        await _loop.ConfigureAwait(false);
        LibC.Close(_deviceEnd);
        _disposing.Dispose();
    }

    /// <summary>Bytes the console has taken from the pseudo-terminal and dealt with (echoed and run, or ignored once stopped).</summary>
    internal long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Bytes the console has taken from the pseudo-terminal, dealt with or not: equal to <see cref="BytesRead"/> when it is idle.</summary>
    internal long BytesTaken => Interlocked.Read(ref _bytesTaken);

    /// <summary>Writes bytes to the console as the chip would (tests: stale output, noise, partial lines).</summary>
    internal Task WriteRawAsync(ReadOnlyMemory<byte> bytes) => WriteAsync(bytes);

    /// <summary>Prints a firmware-style log line (<c>I (1234) tag: text</c>, coloured as ESP-IDF does by default).</summary>
    internal Task PrintLogAsync(char level, string tag, string text) => WriteAsync(Log(level, tag, text));

    private async Task RunAsync()
    {
        try
        {
            await WriteAsync(Log('I', "app_main", $"simulated {_device.Flavor.ToString().ToLowerInvariant()} device: provisioning over this console")).ConfigureAwait(false);
            await WriteAsync(Prompt).ConfigureAwait(false);
            await foreach (var received in _io.Incoming.ReadAllAsync(_disposing.Token).ConfigureAwait(false))
            {
                Interlocked.Add(ref _bytesTaken, received.Length);
                _steps.Clear();
                _buffer.Feed(received, _steps);
                foreach (var step in _steps)
                {
                    // Once stopped, the console task no longer reads: nothing is echoed or run.
                    if (IsStopped)
                    {
                        break;
                    }

                    if (step.Echo is { Length: > 0 } echo)
                    {
                        await WriteAsync(echo).ConfigureAwait(false);
                    }

                    if (step.Line is { } line)
                    {
                        await RunLineAsync(line).ConfigureAwait(false);
                        if (!IsStopped)
                        {
                            await WriteAsync(Prompt).ConfigureAwait(false);
                        }
                    }
                }

                Interlocked.Add(ref _bytesRead, received.Length);
                _device.Changes.Pulse();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or TerminalException)
        {
            // Disposed, or the pseudo-terminal is gone.
        }
    }

    private async Task RunLineAsync(string line)
    {
        var words = ConsoleCommand.Split(line);
        if (words.Count == 0)
        {
            return;
        }

        var endpoint = words[0];
        if (!_device.HasEndpoint(endpoint))
        {
            // esp_console finds no such command and prints nothing.
            Record(0, endpoint, 0, DeviceRequestOutcome.Rejected, 0);
            return;
        }

        if (words.Count < 3)
        {
            Record(0, endpoint, 0, DeviceRequestOutcome.Closed, 0);
            return;
        }

        var body = ConsoleCommand.HexToBytes(words[2]);
        var link = await BindSessionAsync(ConsoleCommand.SessionId(words[1])).ConfigureAwait(false);
        var manager = _device.Core.Manager;
        var (pending, applies) = (manager.PendingCredentials, manager.AppliesReceived);
        var reply = await _device.ExchangeAsync(link, endpoint, body, SessionKeying.ByLink, _disposing.Token).ConfigureAwait(false);
        await LogEventsAsync(pending, applies).ConfigureAwait(false);
        if (reply is { Ending: DeviceExchange.Ending.Answered, Response: { } response })
        {
            // Recorded before the reply is printed, so a client that has the reply finds the request in the record.
            Record(link, endpoint, body.Length, DeviceRequestOutcome.Answered, response.Length);
            var text = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(response));
            await WriteAsync((byte[])[.. ReplyFrame, .. text, .. ReplyFrame]).ConfigureAwait(false);
            return;
        }

        Record(link, endpoint, body.Length, reply.Ending == DeviceExchange.Ending.FaultStatus ? DeviceRequestOutcome.Rejected : DeviceRequestOutcome.Closed, 0);
        await WriteAsync(Log('E', "protocomm", $"the request to {endpoint} failed")).ConfigureAwait(false);
    }

    /// <summary>The link of <paramref name="sessionId"/>: a new session id ends the old session and starts a new one.</summary>
    private async Task<long> BindSessionAsync(uint sessionId)
    {
        long old = 0;
        long link;
        lock (_lock)
        {
            if (_link == 0 || sessionId != _sessionId)
            {
                old = _link;
                (_link, _sessionId) = (_device.OpenLink(), sessionId);
            }

            link = _link;
        }

        if (old != 0)
        {
            await _device.CloseLinkAsync(old, SessionKeying.ByLink).ConfigureAwait(false);
        }

        return link;
    }

    /// <summary>Log lines for what the request changed, printed before its reply as firmware's handlers log.</summary>
    private async Task LogEventsAsync(DeviceCredentials? pendingBefore, int appliesBefore)
    {
        var manager = _device.Core.Manager;
        if (manager.PendingCredentials is { } pending && !ReferenceEquals(pending, pendingBefore))
        {
            await WriteAsync(Log('I', "wifi_prov_mgr", "Wi-Fi credentials received")).ConfigureAwait(false);
        }

        if (manager.AppliesReceived > appliesBefore)
        {
            await WriteAsync(Log('I', "wifi_prov_mgr", "applying the Wi-Fi credentials: connecting")).ConfigureAwait(false);
        }

        var station = manager.Station.Status;
        if (station.State != _station.State)
        {
            _station = station;
            var text = station.State switch
            {
                WifiConnectionState.Connected => Log('I', "wifi_prov_mgr", "station connected, got an IP address"),
                WifiConnectionState.ConnectionFailed => Log('W', "wifi_prov_mgr", $"connection failed ({station.FailureReason?.ToString() ?? "unknown"})"),
                _ => null,
            };
            if (text is not null)
            {
                await WriteAsync(text).ConfigureAwait(false);
            }
        }
    }

    private Task WriteAsync(ReadOnlyMemory<byte> bytes) => _io.WriteAsync(bytes).WaitAsync(_disposing.Token);

    private byte[] Log(char level, string tag, string text)
    {
        var colour = level switch { 'E' => "31", 'W' => "33", 'I' => "32", _ => "0" };
        var milliseconds = (long)_time.GetElapsedTime(_started).TotalMilliseconds;
        return Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"\u001b[0;{colour}m{level} ({milliseconds}) {tag}: {text}\u001b[0m\r\n"));
    }

    private void Record(long link, string endpoint, int length, DeviceRequestOutcome outcome, int responseBytes) =>
        _device.Record(new RequestEntry(link, _device.Recurring(string.Empty, endpoint), length, outcome, responseBytes, "console", null, null));
}
