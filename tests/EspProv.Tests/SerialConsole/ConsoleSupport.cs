using System.Text;
using EspProv.Device;
using EspProv.Device.Console;
using EspProv.Tests.Support;
using EspProv.Transport.Console;
using EspProv.Transport.Console.Native;

namespace EspProv.Tests.SerialConsole;

/// <summary>A simulated device whose console is on a pseudo-terminal, and clients for it.</summary>
internal sealed class ConsoleDevice : IAsyncDisposable
{
    private ConsoleDevice(SimulatedDevice device, ConsoleFrontEnd console)
    {
        Device = device;
        Console = console;
    }

    public SimulatedDevice Device { get; }

    public ConsoleFrontEnd Console { get; }

    /// <summary>The pty a client opens as its serial port.</summary>
    public string Path => Console.Path;

    public static ConsoleDevice Start(TestDevice preset)
    {
        var device = preset.Create();
        var console = ConsoleFrontEnd.Start(device.Service, device.Options.TimeProvider ?? TimeProvider.System);
        device.Attach(console);
        return new ConsoleDevice(device, console);
    }

    public ConsoleTransport Client(ConsoleTransportOptions? options = null) => new(Path, options);

    public ValueTask DisposeAsync() => Device.DisposeAsync();
}

/// <summary>The test's own raw view of a console: bytes in, everything printed back as text (no parsing).</summary>
internal sealed class RawConsole : IDisposable
{
    private readonly TerminalIo _io;
    private readonly StringBuilder _received = new();

    private RawConsole(TerminalIo io) => _io = io;

    public static RawConsole Open(string path)
    {
        var posix = Posix.Current!;
        return new RawConsole(new TerminalIo(posix, Terminals.OpenRaw(posix, path, 115200), ownsDescriptor: true, path));
    }

    public Task SendAsync(string text) => _io.WriteAsync(Encoding.Latin1.GetBytes(text));

    /// <summary>Reads until <paramref name="done"/> holds for all text read so far (failing after 10 s), then returns and forgets that text.</summary>
    public async Task<string> ReadUntilAsync(Func<string, bool> done)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!done(_received.ToString()))
        {
            try
            {
                _received.Append(Encoding.Latin1.GetString(await _io.Incoming.ReadAsync(limit.Token)));
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"the console did not print what was expected within 10 s; it printed: {Escape(_received.ToString())}");
            }
        }

        var text = _received.ToString();
        _received.Clear();
        return text;
    }

    public Task<string> ReadUntilAsync(string ending) => ReadUntilAsync(text => text.EndsWith(ending, StringComparison.Ordinal));

    public static string Escape(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\u001b", "\\e", StringComparison.Ordinal);

    public void Dispose() => _io.Dispose();
}
