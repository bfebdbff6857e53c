using System.Globalization;
using System.Text;
using System.Threading.Channels;
using EspProv.Exceptions;
using EspProv.Transport.Console.Native;
using Microsoft.Extensions.Logging;

namespace EspProv.Transport.Console;

/// <summary>
/// Provisioning over the device's serial console (protocomm's console transport, network_provisioning's
/// <c>scheme_console</c>): each request is one command line <c>&lt;endpoint&gt; &lt;session id&gt; &lt;hex&gt;</c>, the reply
/// a line of hex. Works on a serial port (<c>/dev/ttyUSB0</c>, <c>/dev/cu.usbserial-…</c>) or a pseudo-terminal, on
/// Linux and macOS (termios through libc). docs/console.md describes the wire and the rules below.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>The port is opened raw (8N1, no echo, no CR/LF translation, no flow control) and what is waiting in it is
/// thrown away, at open and again before every request: boot messages, prompts and log lines printed while nobody
/// asked are no answer to anything.</item>
/// <item>A line ends with CR alone: the device runs a line only when the last byte it read is CR, so with CRLF the LF
/// would start the next line.</item>
/// <item>The device reads at most 255 characters a line and silently cuts longer ones; a request whose line would be
/// longer is refused before anything is written (<see cref="TransportFailure.RequestTooLarge"/>), and
/// <see cref="GetMaxRequestBytes"/> says in advance what fits.</item>
/// <item>The reply is recognised as <see cref="ConsoleReply"/> describes: after the echo of our line, the first hex line;
/// the next prompt without one means the device printed none (<see cref="TransportFailure.ClosedWithoutResponse"/>,
/// as firmware answers every failed request).</item>
/// <item>The session id is a number of ours: 0 for the first link, a new one after <see cref="ResetAsync"/> or a lost
/// answer, so the device starts a fresh security session (it does so whenever the id changes).</item>
/// </list>
/// </remarks>
public sealed class ConsoleTransport : IProvisioningTransport
{
    /// <summary>The longest command line the device reads (its 256-byte buffer holds the line and its CR).</summary>
    public const int MaxLineLength = 255;

    private readonly string _port;
    private readonly ConsoleTransportOptions _options;
    private readonly ILogger _logger;
    private readonly ConsoleLineParser _parser;
    private readonly List<ConsoleEvent> _events = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private TerminalIo? _io;
    private long _generation;
    private bool _linkOpen;

    /// <summary>Creates a transport for <paramref name="port"/>; the port is opened by the first request.</summary>
    /// <param name="port">The serial port or terminal, e.g. <c>/dev/ttyUSB0</c>.</param>
    /// <param name="options">Settings; null = defaults (115200 baud).</param>
    public ConsoleTransport(string port, ConsoleTransportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(port);
        _port = port;
        _options = options ?? new ConsoleTransportOptions();
        _options.Validate();
        _logger = _options.LoggerFactory.CreateLogger<ConsoleTransport>();
        // A reply line holds twice the response bytes; echo and log lines are far shorter than the floor.
        _parser = new ConsoleLineParser(Math.Max(1024, (2 * _options.MaxResponseBytes) + 2));
    }

    /// <summary>
    /// True when this system's serial ports take <paramref name="baud"/>: on Linux one of its fixed speeds (50 … 4000000,
    /// e.g. 115200, 460800, 921600), on macOS any positive speed (the driver may still refuse it), elsewhere none.
    /// </summary>
    public static bool SupportsBaud(int baud) => Posix.Current is { } posix && posix.TryGetSpeed(baud, out _);

    /// <summary>The serial port or terminal this transport talks to.</summary>
    public string Port => _port;

    /// <inheritdoc />
    public int MaxResponseBytes => _options.MaxResponseBytes;

    /// <summary>The session id the next request carries.</summary>
    public uint SessionId => (uint)(_linkOpen ? _generation - 1 : _generation);

    /// <inheritdoc />
    /// <remarks>What fits in a 255-character line after <c>&lt;endpoint&gt; &lt;session id&gt; </c>, two characters a byte:
    /// 120 bytes to <c>prov-session</c> with session id 0.</remarks>
    public int GetMaxRequestBytes(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var prefix = endpoint.Length + 2 + SessionId.ToString(CultureInfo.InvariantCulture).Length;
        return Math.Max(0, (MaxLineLength - prefix) / 2);
    }

    /// <inheritdoc />
    /// <remarks>Opens the port when it is not open (a failure names <paramref name="endpoint"/>).</remarks>
    public async ValueTask<TransportLink> PrepareAsync(string endpoint, CancellationToken cancellationToken = default)
    {
        ValidateEndpointName(endpoint);
        await EnterAsync(endpoint, cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureLink(endpoint);
            return new TransportLink(_generation, SessionSurvivesNewLink: false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<byte[]> SendAsync(string endpoint, ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default)
    {
        ValidateEndpointName(endpoint);
        await EnterAsync(endpoint, cancellationToken).ConfigureAwait(false);
        try
        {
            var line = $"{endpoint} {SessionId.ToString(CultureInfo.InvariantCulture)} {Convert.ToHexStringLower(request.Span)}";
            if (line.Length > MaxLineLength)
            {
                throw new ConsoleTransportException(TransportFailure.RequestTooLarge, endpoint, _port,
                    $"/{endpoint}: a {request.Length}-byte request makes a {line.Length}-character line and the device's console reads at most "
                    + $"{MaxLineLength} (at most {GetMaxRequestBytes(endpoint)} bytes to this endpoint): nothing was sent");
            }

            var io = EnsureLink(endpoint);
            return await ExchangeAsync(io, endpoint, line, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>The port stays open (reopening a USB serial port can reset some boards); the next request carries a new
    /// session id, so the device starts a new security session.</remarks>
    public async ValueTask ResetAsync(CancellationToken cancellationToken = default)
    {
        await EnterAsync(Endpoints.ProtoVer, cancellationToken).ConfigureAwait(false);
        _linkOpen = false;
        _gate.Release();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (!_disposed.IsCancellationRequested)
        {
            // A request in progress ends with a TransportException; its finally releases the gate.
            _disposed.Cancel();
            ClosePort();
        }

        return ValueTask.CompletedTask;
    }

    private async Task<byte[]> ExchangeAsync(TerminalIo io, string endpoint, string line, CancellationToken cancellationToken)
    {
        io.DiscardInput();
        _parser.Reset();
        var reply = new ConsoleReply(line);
        var (logLines, otherLines) = (0, 0);
        Task? write = null;
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _disposed.Token);
        try
        {
            write = io.WriteAsync(Encoding.ASCII.GetBytes(line + "\r"));
            await write.WaitAsync(linked.Token).ConfigureAwait(false);
            while (true)
            {
                var chunk = await io.Incoming.ReadAsync(linked.Token).ConfigureAwait(false);
                _events.Clear();
                _parser.Feed(chunk, _events);
                foreach (var e in _events)
                {
                    var wasEchoed = reply.Echoed;
                    switch (reply.Accept(e))
                    {
                        case ConsoleReplyState.Answered when reply.Body!.Length <= _options.MaxResponseBytes:
                            _logger.Exchange(endpoint, SessionId, line.Length, "reply", reply.Body.Length, logLines, otherLines);
                            return reply.Body;
                        case ConsoleReplyState.Answered or ConsoleReplyState.TooLarge:
                            _linkOpen = false;
                            throw new ConsoleTransportException(TransportFailure.ResponseTooLarge, endpoint, _port,
                                $"/{endpoint}: the reply exceeds the {_options.MaxResponseBytes}-byte limit");
                        case ConsoleReplyState.NoReply:
                            _logger.Exchange(endpoint, SessionId, line.Length, "no reply", 0, logLines, otherLines);
                            throw new ConsoleTransportException(TransportFailure.ClosedWithoutResponse, endpoint, _port,
                                $"/{endpoint}: the device printed no reply (it prints none when the request fails: a wrong PoP, a malformed message, an unknown endpoint)");
                        case ConsoleReplyState.Waiting when wasEchoed && e.Kind == ConsoleEventKind.Line:
                            _ = ConsoleReply.IsLogLine(e.Text) ? logLines++ : otherLines++;
                            break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The device may still answer this request: the next one starts a new session, and a port that would not
            // even take the line is closed, to be opened afresh.
            _linkOpen = false;
            var written = write is { IsCompletedSuccessfully: true };
            if (!written)
            {
                ClosePort();
            }

            throw _disposed.IsCancellationRequested
                ? new ConsoleTransportException(TransportFailure.LinkLost, endpoint, _port, $"/{endpoint}: the transport was disposed during the request")
                : new ConsoleTransportException(TransportFailure.Timeout, endpoint, _port, $"/{endpoint}: "
                    + (!written ? $"{_port} did not take the request within {Seconds} s"
                        : reply.Echoed ? $"no reply within {Seconds} s"
                        : $"the device did not echo the request within {Seconds} s (is its console running provisioning, at {_options.Baud} baud, on {_port}?)"));
        }
        catch (Exception ex) when (ex is ChannelClosedException or TerminalException)
        {
            var cause = (ex as TerminalException) ?? io.Ended.Result;
            ClosePort();
            throw new ConsoleTransportException(TransportFailure.LinkLost, endpoint, _port,
                $"/{endpoint}: {_port} closed during the request ({cause?.Message ?? "end of file"}: unplugged?)", cause);
        }
    }

    private string Seconds => _options.RequestTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>The open port, opened now if need be; a new link (session id) when the last one was given up.</summary>
    private TerminalIo EnsureLink(string endpoint)
    {
        if (_io is null)
        {
            _io = OpenPort(endpoint);
            _linkOpen = false;
        }

        if (!_linkOpen)
        {
            _generation++;
            _linkOpen = true;
            if (_generation > 1)
            {
                _logger.NewSession(_port, SessionId);
            }
        }

        return _io;
    }

    private TerminalIo OpenPort(string endpoint)
    {
        if (Posix.Current is not { } posix)
        {
            throw new ConsoleTransportException(TransportFailure.Unavailable, endpoint, _port,
                "the console transport needs Linux or macOS (termios): on this system use the softap or ble transport");
        }

        int descriptor;
        try
        {
            descriptor = Terminals.OpenRaw(posix, _port, _options.Baud);
        }
        catch (TerminalException ex)
        {
            throw OpenFailure(endpoint, ex);
        }

        var io = new TerminalIo(posix, descriptor, ownsDescriptor: true, _port);
        _logger.Opened(_port, _options.Baud);
        return io;
    }

    private ConsoleTransportException OpenFailure(string endpoint, TerminalException ex)
    {
        var (failure, hint) = ex.Errno switch
        {
            Posix.ENOENT or Posix.ENODEV or Posix.ENXIO => (TransportFailure.DeviceNotFound, " (is the board plugged in? see ls /dev/ttyUSB* /dev/ttyACM* /dev/cu.*)"),
            Posix.EACCES or Posix.EPERM => (TransportFailure.Unavailable, " (on Linux, join the group that owns the port, usually dialout, and log in again)"),
            Posix.EBUSY => (TransportFailure.ConnectionRefused, " (another program, such as a serial monitor, has it open)"),
            Posix.ENOTTY => (TransportFailure.InvalidAddress, string.Empty),
            _ => (TransportFailure.ConnectionRefused, string.Empty),
        };
        return new ConsoleTransportException(failure, endpoint, _port, ex.Message + hint, ex);
    }

    private void ClosePort()
    {
        if (Interlocked.Exchange(ref _io, null) is { } io)
        {
            io.Dispose();
            _linkOpen = false;
            _logger.Closed(_port);
        }
    }

    private async Task EnterAsync(string endpoint, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_disposed.IsCancellationRequested)
        {
            _gate.Release();
            throw new ConsoleTransportException(TransportFailure.LinkLost, endpoint, _port, $"/{endpoint}: the transport was disposed");
        }
    }

    /// <summary>The endpoint is the command's first word: printable ASCII without spaces, or the device would split it.</summary>
    private static void ValidateEndpointName(string endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        if (endpoint.Length > 64 || endpoint.Any(c => c is <= ' ' or > '~' or '"' or '\\'))
        {
            throw new ArgumentException($"invalid endpoint name for the console: '{new string(endpoint.Where(c => c is > ' ' and <= '~').Take(64).ToArray())}'", nameof(endpoint));
        }
    }
}
