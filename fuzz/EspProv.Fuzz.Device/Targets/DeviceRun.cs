using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using EspProv.Device;
using EspProv.Device.Core;
using EspProv.Device.Hosting;
using EspProv.Device.Protocomm;
using EspProv.Security;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Fuzz.Device.Targets;

/// <summary>The state of one input's run: the device core, the client's session and connection.</summary>
internal sealed class DeviceRun(DeviceCore core, FuzzClock clock, DeviceTargets.SecurityChoice security)
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
        if (_handshakes++ >= DeviceTargets.MaxHandshakes)
        {
            return;
        }

        _client?.Dispose();
        _client = DeviceTargets.ClientSecurity(security, _clientRandom).CreateSession();
        _clientConnection = _nextConnection++;
        _clientCookie = null;
        var request = _client.CreateFirstRequest();
        while (request is not null)
        {
            var response = Exchange(EspProv.Transport.Endpoints.Session, request, _clientConnection, _clientCookie)
                ?? throw DeviceTargets.Finding($"the device refused a correct {security} handshake message ({_client.Stage})");
            request = _client.HandleResponse(response);
        }

        byte[] status = [0x52, 0x00]; // WiFiConfigPayload { cmd_get_status {} } (docs/protocol.md#encoding-rules)
        var answer = Exchange(EspProv.Transport.Endpoints.Config, _client.Encrypt(status), _clientConnection, _clientCookie)
            ?? throw DeviceTargets.Finding("the device refused get-status right after a handshake");
        if (!_client.TryDecrypt(answer, out var plain))
        {
            throw DeviceTargets.Finding("the device's first answer after a handshake does not authenticate");
        }

        // msg = TypeRespGetStatus (08 01), then resp_get_status (field 11: 5a).
        if (plain.Length < 4 || plain[0] != 0x08 || plain[1] != 0x01 || plain[2] != 0x5a)
        {
            throw DeviceTargets.Finding($"get-status answered {Convert.ToHexStringLower(plain)}");
        }
    }

    /// <summary>How the HTTP front-end keys sessions for this flavor.</summary>
    private SessionKeying Keying => core.Flavor != DeviceFlavor.Esp8266 ? SessionKeying.ByTokenThenLink : SessionKeying.ByLink;

    /// <summary>One request through protocomm as the HTTP host does it: session first, then the body. Null = closed.</summary>
    private byte[]? Exchange(string endpoint, byte[] body, long connection, string? cookie)
    {
        var binding = core.Protocomm.BeginRequest(connection, Keying, Keying == SessionKeying.ByTokenThenLink ? SessionCookie.Claim(cookie) : null);
        if (binding.Created && core.Flavor != DeviceFlavor.Esp8266 && connection == _clientConnection)
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
            throw DeviceTargets.Finding("an empty proto-ver answer");
        }

        return response;
    }

    public void Operations(ReadOnlySpan<byte> rest)
    {
        for (var count = 0; count < DeviceTargets.MaxOperations && rest.Length > 0; count++)
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
                    core.Protocomm.OnLinkClosed(FuzzInput.Next(ref rest) % 4, Keying);
                    break;
                case 6:
                    clock.Advance(TimeSpan.FromMilliseconds(250 * FuzzInput.Next(ref rest)));
                    _ = core.Manager.State;
                    _ = core.Manager.Station.Status;
                    break;
                default:
                    core.Protocomm.DiscardSession();
                    break;
            }
        }
    }

    private static byte[] Body(ref ReadOnlySpan<byte> rest)
    {
        var length = Math.Min(FuzzInput.Next(ref rest), rest.Length);
        var body = rest[..length].ToArray();
        rest = rest[length..];
        return body;
    }

    /// <summary>A raw body to any endpoint, on connection 0–3 or the client's, with a chosen cookie.</summary>
    private void Raw(ref ReadOnlySpan<byte> rest)
    {
        var endpoint = DeviceTargets.EndpointNames[FuzzInput.Next(ref rest) % DeviceTargets.EndpointNames.Length];
        var how = FuzzInput.Next(ref rest);
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
        var endpoint = DeviceTargets.EndpointNames[2 + (FuzzInput.Next(ref rest) % 5)];
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
        if (!authenticated && security is DeviceTargets.SecurityChoice.Sec2Patch0 or DeviceTargets.SecurityChoice.Sec2Patch1)
        {
            throw DeviceTargets.Finding($"a security 2 answer from /{endpoint} does not authenticate on the client");
        }
    }

    /// <summary>Up to four connections of raw HTTP bytes (two-byte big-endian length each) through the real HTTP server.</summary>
    public void Http(ReadOnlySpan<byte> rest, SimulatedDeviceOptions options)
    {
        var faults = new DeviceFaults();
        using var device = new DeviceService(core, options, faults);
        var server = new DeviceHttpServer(device, new HttpDeviceOptions(), options.TimeProvider ?? TimeProvider.System, NullLogger.Instance);
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
        var endpoint = DeviceTargets.EndpointNames[fault % 7];
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
            throw DeviceTargets.Finding("the HTTP server did not finish a connection whose input had ended (hang)");
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
                throw DeviceTargets.Finding("the server wrote bytes that are not an HTTP/1.1 response");
            }

            var head = Encoding.ASCII.GetString(rest[..end]);
            const string marker = "\r\nContent-Length: ";
            var at = head.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0)
            {
                throw DeviceTargets.Finding("a response without Content-Length");
            }

            var digits = head[(at + marker.Length)..];
            var lineEnd = digits.IndexOf('\r', StringComparison.Ordinal);
            var length = int.Parse(lineEnd >= 0 ? digits[..lineEnd] : digits, NumberStyles.None, CultureInfo.InvariantCulture);
            if (end + 4 + length > rest.Length)
            {
                throw DeviceTargets.Finding("a response shorter than its Content-Length");
            }

            rest = rest[(end + 4 + length)..];
        }
    }
}

/// <summary>Deterministic "random" bytes, so a finding replays exactly.</summary>
internal sealed class CountingRandom(byte start) : IRandomSource
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
