using System.Collections.Concurrent;
using EspProv.Device;
using EspProv.Protocol;
using EspProv.Security;
using EspProv.Transport;
using EspProv.Transport.Http;
using Google.Protobuf;

namespace EspProv.Tests.Device.Support;

/// <summary>Drives devices (started with <see cref="EspProv.Tests.Support.TestDevice"/>) with the real client pieces (HttpTransport + client security).</summary>
internal static class DeviceTestKit
{
    public const string Pop = "abcd1234";

    public static HttpTransport OpenTransport(SimulatedDevice device, bool cookies = true) =>
        new(new DeviceAddress("127.0.0.1", device.EndPoint.Port, false),
            new HttpTransportOptions { UseSessionCookie = cookies, RequestTimeout = TimeSpan.FromSeconds(10) });

    public static async Task<ISecuritySession> HandshakeAsync(IProvisioningTransport transport, ISecurity security)
    {
        var session = security.CreateSession();
        var request = session.CreateFirstRequest();
        while (request is not null)
        {
            var response = await transport.SendAsync(Endpoints.Session, request);
            request = session.HandleResponse(response);
        }

        return session;
    }

    public static async Task<T> ExchangeAsync<T>(IProvisioningTransport transport, ISecuritySession session, string endpoint, IMessage request, MessageParser<T> parser)
        where T : IMessage<T>
    {
        var response = await transport.SendAsync(endpoint, session.Encrypt(request.ToByteArray()));
        Assert.True(session.TryDecrypt(response, out var plain));
        return parser.ParseFrom(plain);
    }

    public static Task<WiFiConfigPayload> ConfigAsync(IProvisioningTransport transport, ISecuritySession session, WiFiConfigPayload request) =>
        ExchangeAsync(transport, session, Endpoints.Config, request, WiFiConfigPayload.Parser);

    public static WiFiConfigPayload GetStatus() => new() { Msg = WiFiConfigMsgType.TypeCmdGetStatus, CmdGetStatus = new CmdGetStatus() };

    public static WiFiConfigPayload SetConfig(string ssid, string passphrase) => new()
    {
        Msg = WiFiConfigMsgType.TypeCmdSetConfig,
        CmdSetConfig = new CmdSetConfig { Ssid = ByteString.CopyFromUtf8(ssid), Passphrase = ByteString.CopyFromUtf8(passphrase) },
    };

    public static WiFiConfigPayload Apply() => new() { Msg = WiFiConfigMsgType.TypeCmdApplyConfig };

    /// <summary>proto-ver, handshake, set, apply: returns the session for further requests.</summary>
    public static async Task<ISecuritySession> SendCredentialsAsync(IProvisioningTransport transport, ISecurity security, string ssid, string passphrase)
    {
        await transport.SendAsync(Endpoints.ProtoVer, "---"u8.ToArray());
        var session = await HandshakeAsync(transport, security);
        var set = await ConfigAsync(transport, session, SetConfig(ssid, passphrase));
        Assert.Equal(Status.Success, set.RespSetConfig.Status);
        var apply = await ConfigAsync(transport, session, Apply());
        Assert.Equal(Status.Success, apply.RespApplyConfig.Status);
        return session;
    }

    /// <summary>A log sink that is safe to read while the device writes to it.</summary>
    public sealed class LogSink
    {
        private readonly ConcurrentQueue<string> _lines = new();

        /// <summary>Pulsed on every line written.</summary>
        public EspProv.Device.Core.ChangeFeed Changes { get; } = new();

        public Action<string> Writer => line =>
        {
            _lines.Enqueue(line);
            Changes.Pulse();
        };

        public IReadOnlyList<string> Lines => [.. _lines];
    }
}
