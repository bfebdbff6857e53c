using System.Net;
using System.Net.Sockets;
using System.Text;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Transport;
using EspProv.Transport.Http;
using Microsoft.Extensions.Logging;

namespace EspProv.Fuzz.Targets;

/// <summary>
/// Fuzz targets for everything the client parses from a device. Byte 0 of the input picks the target; the rest are
/// device answers, each as one length byte and that many bytes. The contract under test: whatever a device sends,
/// the client either succeeds or throws a <see cref="ProvisioningException"/>; any other exception, a hang or a crash
/// is a finding. (Also compiled into the test project, which replays every saved finding as a regression test.)
/// </summary>
public static class ClientTargets
{
    /// <summary>The targets, by the value of input byte 0 modulo their count.</summary>
    public static readonly string[] Names =
        ["proto-ver", "session-sec0", "session-sec1", "config-set", "config-apply", "config-status", "custom-config", "scan", "ctrl", "http", "session-sec2", "qr"];

    /// <summary>A well-formed security 0 session answer, used to reach the encrypted endpoints.</summary>
    private static readonly byte[] Sec0Response = [0x52, 0x05, 0x08, 0x01, 0xaa, 0x01, 0x00];

    /// <summary>Runs one input. Throws only on a finding.</summary>
    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length == 0)
        {
            return;
        }

        if (input[0] >= ThreadTargets.FirstSelector)
        {
            // Selectors 0xf0 and up: the Thread targets (the saved inputs above all start below 12).
            ThreadTargets.Run(input[0], Split(input[1..]), input[1..], answers => new ProvisioningClient(new ScriptTransport([Sec0Response, .. answers]),
                new ProvisioningClientOptions { LoggerFactory = FormattingLogger.Factory, VersionRetries = 0 }));
            return;
        }

        var name = Names[input[0] % Names.Length];
        var answers = Split(input[1..]);
        try
        {
            switch (name)
            {
                case "proto-ver":
                    var info = DeviceVersionInfo.Parse(input[1..]);
                    _ = info.Matches("V0.1") | info.HasCapability("wifi_scan") | (info.Version?.Length ?? 0) > 0;
                    _ = ReplyText(info);
                    break;
                case "session-sec0":
                    Handshake(Security0.Instance.CreateSession(), answers);
                    break;
                case "session-sec1":
                    Handshake(new Security1("abcd1234", new CountingRandom()).CreateSession(), answers);
                    break;
                case "session-sec2":
                    Handshake(new Security2("wifiprov", "abcd1234", answers.Count > 0 && answers[0].Length % 2 == 0 ? 1 : 0, new CountingRandom()).CreateSession(), answers);
                    break;
                case "http":
                    HttpAnswer(input[1..].ToArray());
                    break;
                case "qr":
                    _ = QrPayload.TryParse(Encoding.UTF8.GetString(input[1..]), out _, out _);
                    break;
                default:
                    Flow(name, answers);
                    break;
            }
        }
        catch (ProvisioningException ex)
        {
            // The defined outcome for bad device input. Its message must be printable on one line.
            _ = ex.Message.Length;
        }
    }

    private static string ReplyText(DeviceVersionInfo info) =>
        string.Join(",", info.Capabilities) + string.Join(",", info.Applications.Keys) + info.SecurityVersion + info.SecurityPatchVersion;

    internal static List<byte[]> Split(ReadOnlySpan<byte> rest)
    {
        var answers = new List<byte[]>();
        while (rest.Length > 0 && answers.Count < 16)
        {
            var length = Math.Min(rest[0], rest.Length - 1);
            answers.Add(rest.Slice(1, length).ToArray());
            rest = rest[(1 + length)..];
        }

        return answers;
    }

    private static void Handshake(ISecuritySession session, List<byte[]> answers)
    {
        using (session)
        {
            _ = session.CreateFirstRequest();
            foreach (var answer in answers)
            {
                if (session.HandleResponse(answer) is null)
                {
                    // Established on fuzzed input (security 0 can be): the cipher must then work.
                    var sealedBytes = session.Encrypt([0x08, 0x04]);
                    _ = session.TryDecrypt(sealedBytes, out _);
                    return;
                }
            }
        }
    }

    private static void Flow(string name, List<byte[]> answers)
    {
        var transport = new ScriptTransport([Sec0Response, .. answers]);
        var client = new ProvisioningClient(transport, new ProvisioningClientOptions { LoggerFactory = FormattingLogger.Factory, VersionRetries = 0 });
        client.EstablishSessionAsync(Security0.Instance).GetAwaiter().GetResult();
        switch (name)
        {
            case "config-set":
                client.SetWifiConfigAsync(new WifiCredentials("ssid", "passphrase")).GetAwaiter().GetResult();
                break;
            case "config-apply":
                client.ApplyWifiConfigAsync().GetAwaiter().GetResult();
                break;
            case "config-status":
                for (var i = 0; i < answers.Count; i++)
                {
                    var status = client.GetWifiStatusAsync().GetAwaiter().GetResult();
                    if (status.State == WifiConnectionState.Connected && status.Connection is { } c
                        && c.IPAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
                    {
                        throw new InvalidOperationException("finding: a Connected verdict with invalid details was accepted");
                    }
                }

                break;
            case "custom-config":
                client.SendCustomConfigAsync("info", 2).GetAwaiter().GetResult();
                break;
            case "scan":
                _ = client.ScanAsync(new WifiScanOptions { FinishTimeout = TimeSpan.FromTicks(-1) }).GetAwaiter().GetResult();
                break;
            case "ctrl":
                client.ResetWifiAsync().GetAwaiter().GetResult();
                break;
        }
    }

    private static readonly Lazy<TcpListener> Listener = new(() =>
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    });

    /// <summary>Feeds <paramref name="answer"/> as the raw bytes of an HTTP answer to <see cref="HttpTransport"/>.</summary>
    private static void HttpAnswer(byte[] answer)
    {
        var listener = Listener.Value;
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(() =>
        {
            using var socket = listener.AcceptSocket();
            socket.ReceiveTimeout = 2000;
            socket.Send(answer);
            socket.Shutdown(SocketShutdown.Send);
            var sink = new byte[1024];
            try
            {
                while (socket.Receive(sink) > 0)
                {
                }
            }
            catch (SocketException)
            {
                // the client reset or timed out
            }
        });
        var transport = new HttpTransport(DeviceAddress.Parse($"127.0.0.1:{port}"),
            new HttpTransportOptions { RequestTimeout = TimeSpan.FromSeconds(2), MaxResponseBytes = 4096 });
        try
        {
            _ = transport.SendAsync("proto-ver", "V0.1"u8.ToArray()).GetAwaiter().GetResult();
        }
        finally
        {
            transport.DisposeAsync().AsTask().GetAwaiter().GetResult();
            server.GetAwaiter().GetResult();
        }
    }

    /// <summary>Deterministic "random" bytes, so a finding replays exactly.</summary>
    private sealed class CountingRandom : IRandomSource
    {
        private byte _next = 1;

        public void Fill(Span<byte> destination)
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = _next++;
            }
        }
    }

    /// <summary>Answers each request with the next scripted body; closed without a response when they run out.</summary>
    private sealed class ScriptTransport(List<byte[]> answers) : IProvisioningTransport
    {
        private int _next;

        public Task<byte[]> SendAsync(string endpoint, ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default) =>
            _next < answers.Count
                ? Task.FromResult(answers[_next++])
                : throw new TransportException(TransportFailure.ClosedWithoutResponse, endpoint, $"/{endpoint}: no more scripted answers");

        public int MaxResponseBytes => 4096;

        public ValueTask<TransportLink> PrepareAsync(string endpoint, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new TransportLink(1, SessionSurvivesNewLink: true));

        public ValueTask ResetAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>Enabled at every level and formats every message (so fuzzed replies reach the log's formatting), then drops it.</summary>
    private sealed class FormattingLogger : ILogger, ILoggerFactory
    {
        public static readonly FormattingLogger Factory = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _ = formatter(state, exception);

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
