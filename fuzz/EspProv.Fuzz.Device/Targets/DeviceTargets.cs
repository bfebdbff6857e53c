using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using EspProv.Device;
using EspProv.Device.Core;
using EspProv.Device.Hosting;
using EspProv.Device.Protocomm;
using EspProv.Device.Security;
using EspProv.Security;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Fuzz.Device.Targets;

/// <summary>
/// Fuzz targets for the simulated device, in-process and without sockets. Byte 0 picks the device: flavor (ESP-IDF or
/// ESP8266), security (0; 1 with PoP; 1 without; 2 patch 1; 2 patch 0 — ESP8266 has no security 2, so there it means
/// security 1), whether a client handshake runs first, and the mode:
/// <list type="bullet">
/// <item><b>protocomm</b>: the rest is a sequence of operations on <c>ProtocommCore</c> (raw request to any endpoint on
/// any connection with no / the right / a wrong / an over-long cookie; a request encrypted by a real client session so
/// the handlers see fuzzed plaintext; a full client handshake; connection closed; clock advanced; session discarded).</item>
/// <item><b>http</b>: the rest is raw bytes of up to four TCP connections, fed to <c>DeviceHttpServer</c> (the
/// <c>Hosting/</c> request parser and dispatcher) through in-memory pipes; <c>@@</c> in the bytes is replaced by the
/// current session id so cookies can match.</item>
/// <item><b>ble</b> (bit 6 of byte 0): operations on the BLE front-end's GATT value logic, see <see cref="BleGattRun"/>.</item>
/// </list>
/// Contract: no exception escapes, nothing hangs, a client handshake with the right credentials always succeeds and
/// its session then works, a security 2 answer the device encrypted always authenticates on the client, and every
/// byte the HTTP server writes is a well-formed response. Any violation throws (a finding). Also compiled into the
/// test project, which replays the corpus and every saved finding.
/// </summary>
public static class DeviceTargets
{
    public const string Pop = "abcd1234";
    public const string Username = "wifiprov";
    public const string Password = "abcd1234";
    private const int MaxOperations = 64;
    private const int MaxHandshakes = 3;
    private static readonly byte[] Salt = Convert.FromHexString("0123456789abcdef0123456789abcdef");
    private static readonly Lazy<byte[]> Verifier = new(() => Security2Credentials.ComputeVerifier(Username, Password, Salt));
    private static readonly string[] EndpointNames =
        ["proto-ver", "prov-session", "prov-config", "prov-scan", "prov-ctrl", "custom-config", "custom-data", "prov-config?x", "PROV-CONFIG", "unknown"];

    private enum SecurityChoice
    {
        Sec0,
        Sec1Pop,
        Sec1NoPop,
        Sec2Patch1,
        Sec2Patch0,
    }

    /// <summary>What byte 0 selects, for logs and docs.</summary>
    public static string Describe(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return "empty";
        }

        if (IsBle(input[0]))
        {
            return $"{DeviceFlavor.Idf} {(SecurityChoice)((input[0] >> 1) % 5)} ble {(((input[0] >> 5) & 1) != 0 ? "bluedroid" : "nimble")}";
        }

        var (flavor, security, handshake, http) = Decode(input[0]);
        return $"{flavor} {security}{(handshake ? " after handshake" : string.Empty)} {(http ? "http" : "protocomm")}";
    }

    /// <summary>Runs one input. Throws only on a finding.</summary>
    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        if (IsBle(input[0]))
        {
            // Bit 6: the BLE front-end's GATT value logic (ESP-IDF only; bit 5 then picks Bluedroid over NimBLE).
            var choice = (SecurityChoice)((input[0] >> 1) % 5);
            var stack = ((input[0] >> 5) & 1) != 0 ? EspProv.Device.Ble.Peripheral.BleStack.Bluedroid : EspProv.Device.Ble.Peripheral.BleStack.NimBle;
            BleGattRun.Run(stack, DeviceSecurity(choice, new CountingRandom(0x40)), [Pop, Password], input[1..]);
            return;
        }

        var (flavor, security, handshake, http) = Decode(input[0]);
        var clock = new FuzzClock();
        var deviceRandom = new CountingRandom(0x40);
        var options = new SimulatedDeviceOptions
        {
            Flavor = flavor,
            Security = DeviceSecurity(security, deviceRandom),
            TimeProvider = clock,
            ConnectDelay = TimeSpan.FromSeconds(1),
            AutoStop = (input[0] & 0x80) == 0,
            Rearm = (input[0] & 0x80) != 0,
            Port = 0,
        };
        using var core = new DeviceCore(options, NullLoggerFactory.Instance);
        var run = new DeviceRun(core, clock, security);
        if (handshake)
        {
            run.ClientHandshake();
        }

        if (http)
        {
            run.Http(input[1..], options);
        }
        else
        {
            run.Operations(input[1..]);
        }
    }

    private static bool IsBle(byte selector) => ((selector >> 6) & 1) != 0;

    private static (DeviceFlavor Flavor, SecurityChoice Security, bool Handshake, bool Http) Decode(byte selector)
    {
        var flavor = (selector & 1) == 0 ? DeviceFlavor.Idf : DeviceFlavor.Esp8266;
        var security = (SecurityChoice)((selector >> 1) % 5);
        if (flavor == DeviceFlavor.Esp8266 && security is SecurityChoice.Sec2Patch0 or SecurityChoice.Sec2Patch1)
        {
            security = SecurityChoice.Sec1Pop;
        }

        return (flavor, security, ((selector >> 4) & 1) != 0, ((selector >> 5) & 1) != 0);
    }

    private static IDeviceSecurity DeviceSecurity(SecurityChoice choice, IRandomSource random) => choice switch
    {
        SecurityChoice.Sec0 => DeviceSecurity0.Instance,
        SecurityChoice.Sec1Pop => new DeviceSecurity1(Pop, random),
        SecurityChoice.Sec1NoPop => new DeviceSecurity1(null, random),
        SecurityChoice.Sec2Patch1 => new DeviceSecurity2(Username, Salt, Verifier.Value, 1, random),
        _ => new DeviceSecurity2(Username, Salt, Verifier.Value, 0, random),
    };

    private static ISecurity ClientSecurity(SecurityChoice choice, IRandomSource random) => choice switch
    {
        SecurityChoice.Sec0 => Security0.Instance,
        SecurityChoice.Sec1Pop => new Security1(Pop, random),
        SecurityChoice.Sec1NoPop => new Security1((string?)null, random),
        SecurityChoice.Sec2Patch1 => new Security2(Username, Password, 1, random),
        _ => new Security2(Username, Password, 0, random),
    };

    private static InvalidOperationException Finding(string what) => new("finding: " + what);

    /// <summary>The state of one input's run: the device core, the client's session and connection.</summary>
    private sealed class DeviceRun(DeviceCore core, FuzzClock clock, SecurityChoice security)
    {
        private readonly CountingRandom _clientRandom = new(0x01);
        private ISecuritySession? _client;
        private long _clientConnection;
        private string? _clientCookie;
        private long _nextConnection = 100;
        private int _handshakes;

        /// <summary>A full handshake by the real client on a new connection: must succeed, and the session must then work.</summary>
        public void ClientHandshake()
        {
            if (_handshakes++ >= MaxHandshakes)
            {
                return;
            }

            _client?.Dispose();
            _client = ClientSecurity(security, _clientRandom).CreateSession();
            _clientConnection = _nextConnection++;
            _clientCookie = null;
            var request = _client.CreateFirstRequest();
            while (request is not null)
            {
                var response = Exchange(EspProv.Transport.Endpoints.Session, request, _clientConnection, _clientCookie)
                    ?? throw Finding($"the device refused a correct {security} handshake message ({_client.Stage})");
                request = _client.HandleResponse(response);
            }

            byte[] status = [0x52, 0x00]; // WiFiConfigPayload { cmd_get_status {} } (PROTOCOL.md §2)
            var answer = Exchange(EspProv.Transport.Endpoints.Config, _client.Encrypt(status), _clientConnection, _clientCookie)
                ?? throw Finding("the device refused get-status right after a handshake");
            if (!_client.TryDecrypt(answer, out var plain))
            {
                throw Finding("the device's first answer after a handshake does not authenticate");
            }

            // msg = TypeRespGetStatus (08 01), then resp_get_status (field 11: 5a).
            if (plain.Length < 4 || plain[0] != 0x08 || plain[1] != 0x01 || plain[2] != 0x5a)
            {
                throw Finding($"get-status answered {Convert.ToHexStringLower(plain)}");
            }
        }

        /// <summary>How the HTTP front-end keys sessions for this flavor.</summary>
        private SessionKeying Keying => core.Flavor == DeviceFlavor.Idf ? SessionKeying.ByTokenThenLink : SessionKeying.ByLink;

        /// <summary>One request through protocomm as the HTTP host does it: session first, then the body. Null = closed.</summary>
        private byte[]? Exchange(string endpoint, byte[] body, long connection, string? cookie)
        {
            var binding = core.Protocomm.BeginRequest(connection, Keying, Keying == SessionKeying.ByTokenThenLink ? SessionCookie.Claim(cookie) : null);
            if (binding.Created && core.Flavor == DeviceFlavor.Idf && connection == _clientConnection)
            {
                _clientCookie = "session=" + binding.SessionId.ToString(CultureInfo.InvariantCulture);
            }

            if (body.Length is 0 or > DeviceHttpServer.MaxBodyLength)
            {
                return null; // the host closes before protocomm sees the body
            }

            var response = core.Protocomm.Handle(endpoint, body);
            if (response is not null && endpoint == EspProv.Transport.Endpoints.ProtoVer && response.Length == 0)
            {
                throw Finding("an empty proto-ver answer");
            }

            return response;
        }

        public void Operations(ReadOnlySpan<byte> rest)
        {
            for (var count = 0; count < MaxOperations && rest.Length > 0; count++)
            {
                var op = rest[0];
                rest = rest[1..];
                switch (op % 8)
                {
                    case 0:
                    case 1:
                        Raw(ref rest);
                        break;
                    case 2:
                    case 3:
                        Encrypted(ref rest);
                        break;
                    case 4:
                        ClientHandshake();
                        break;
                    case 5:
                        core.Protocomm.OnLinkClosed(Next(ref rest) % 4, Keying);
                        break;
                    case 6:
                        clock.Advance(TimeSpan.FromMilliseconds(250 * Next(ref rest)));
                        _ = core.Manager.State;
                        _ = core.Manager.Station.Status;
                        break;
                    default:
                        core.Protocomm.DiscardSession();
                        break;
                }
            }
        }

        private static byte Next(ref ReadOnlySpan<byte> rest)
        {
            if (rest.IsEmpty)
            {
                return 0;
            }

            var b = rest[0];
            rest = rest[1..];
            return b;
        }

        private static byte[] Body(ref ReadOnlySpan<byte> rest)
        {
            var length = Math.Min(Next(ref rest), rest.Length);
            var body = rest[..length].ToArray();
            rest = rest[length..];
            return body;
        }

        /// <summary>A raw body to any endpoint, on connection 0–3 or the client's, with a chosen cookie.</summary>
        private void Raw(ref ReadOnlySpan<byte> rest)
        {
            var endpoint = EndpointNames[Next(ref rest) % EndpointNames.Length];
            var how = Next(ref rest);
            var connection = (how & 7) == 7 ? _clientConnection : how & 3;
            var cookie = ((how >> 3) & 3) switch
            {
                0 => null,
                1 => core.Protocomm.CurrentSessionId is { } id ? "session=" + id.ToString(CultureInfo.InvariantCulture) : "session=0",
                2 => "session=1234",
                _ => "session=12345678901234567890",
            };
            _ = Exchange(endpoint, Body(ref rest), connection, cookie);
        }

        /// <summary>Fuzzed plaintext to an encrypted endpoint, encrypted by the live client session (raw when there is none).</summary>
        private void Encrypted(ref ReadOnlySpan<byte> rest)
        {
            var endpoint = EndpointNames[2 + (Next(ref rest) % 5)];
            var plaintext = Body(ref rest);
            if (plaintext.Length == 0)
            {
                plaintext = [0x08, 0x00];
            }

            if (_client is not { IsEstablished: true } client)
            {
                _ = Exchange(endpoint, plaintext, _clientConnection, _clientCookie);
                return;
            }

            var answer = Exchange(endpoint, client.Encrypt(plaintext), _clientConnection, _clientCookie);
            if (answer is null)
            {
                // Like the real client: a failed encrypted exchange ends the session.
                client.Dispose();
                _client = null;
                return;
            }

            var authenticated = client.TryDecrypt(answer, out _);
            if (!authenticated && security is SecurityChoice.Sec2Patch0 or SecurityChoice.Sec2Patch1)
            {
                throw Finding($"a security 2 answer from /{endpoint} does not authenticate on the client");
            }
        }

        /// <summary>Up to four connections of raw HTTP bytes (two-byte big-endian length each) through the real HTTP server.</summary>
        public void Http(ReadOnlySpan<byte> rest, SimulatedDeviceOptions options)
        {
            var faults = new DeviceFaults();
            using var device = new DeviceService(core, options, faults);
            var server = new DeviceHttpServer(device, options, NullLogger.Instance);
            for (var connection = 0; connection < 4 && rest.Length > 0; connection++)
            {
                var fault = rest[0];
                rest = rest[1..];
                var length = rest.Length >= 2 ? Math.Min((rest[0] << 8) | rest[1], rest.Length - 2) : 0;
                var bytes = rest.Length >= 2 ? rest.Slice(2, length).ToArray() : [];
                rest = rest.Length >= 2 ? rest[(2 + length)..] : [];
                Inject(faults, fault);
                var output = Serve(server, Substitute(bytes, core.Protocomm.CurrentSessionId));
                CheckResponses(output);
            }
        }

        private static void Inject(DeviceFaults faults, byte fault)
        {
            var endpoint = EndpointNames[fault % 7];
            switch ((fault >> 3) % 8)
            {
                case 1:
                    faults.CloseConnectionOnNext(endpoint);
                    break;
                case 2:
                    faults.CloseConnectionOnNext(endpoint, afterProcessing: true);
                    break;
                case 3:
                    faults.RespondHttpStatusOnNext(endpoint, 500);
                    break;
            }
        }

        private static byte[] Substitute(byte[] bytes, uint? sessionId)
        {
            var marker = "@@"u8;
            var at = bytes.AsSpan().IndexOf(marker);
            if (at < 0)
            {
                return bytes;
            }

            var id = Encoding.ASCII.GetBytes((sessionId ?? 0).ToString(CultureInfo.InvariantCulture));
            return [.. bytes.AsSpan(0, at), .. id, .. bytes.AsSpan(at + marker.Length)];
        }

        private static byte[] Serve(DeviceHttpServer server, byte[] bytes)
        {
            var toServer = new Pipe();
            var fromServer = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0)); // never blocks the server
            var connection = new DeviceConnection(toServer.Reader, fromServer.Writer);
            toServer.Writer.Write(bytes);
            toServer.Writer.Complete();
            var handled = server.HandleConnectionAsync(connection);
            if (!handled.Wait(TimeSpan.FromSeconds(3)))
            {
                throw Finding("the HTTP server did not finish a connection whose input had ended (hang)");
            }

            handled.GetAwaiter().GetResult();
            var read = fromServer.Reader.ReadAsync().AsTask().GetAwaiter().GetResult();
            var output = read.Buffer.ToArray();
            fromServer.Reader.AdvanceTo(read.Buffer.End);
            return output;
        }

        /// <summary>Every byte written must be a sequence of complete responses: status line, headers, Content-Length body.</summary>
        private static void CheckResponses(byte[] output)
        {
            var rest = output.AsSpan();
            while (rest.Length > 0)
            {
                var end = rest.IndexOf("\r\n\r\n"u8);
                if (!rest.StartsWith("HTTP/1.1 "u8) || end < 0)
                {
                    throw Finding("the server wrote bytes that are not an HTTP/1.1 response");
                }

                var head = Encoding.ASCII.GetString(rest[..end]);
                const string marker = "\r\nContent-Length: ";
                var at = head.IndexOf(marker, StringComparison.Ordinal);
                if (at < 0)
                {
                    throw Finding("a response without Content-Length");
                }

                var digits = head[(at + marker.Length)..];
                var lineEnd = digits.IndexOf('\r', StringComparison.Ordinal);
                var length = int.Parse(lineEnd >= 0 ? digits[..lineEnd] : digits, NumberStyles.None, CultureInfo.InvariantCulture);
                if (end + 4 + length > rest.Length)
                {
                    throw Finding("a response shorter than its Content-Length");
                }

                rest = rest[(end + 4 + length)..];
            }
        }
    }

    /// <summary>Deterministic "random" bytes, so a finding replays exactly.</summary>
    private sealed class CountingRandom(byte start) : IRandomSource
    {
        private byte _next = start;

        public void Fill(Span<byte> destination)
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = _next++;
            }
        }
    }
}
