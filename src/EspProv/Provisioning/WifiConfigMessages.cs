using EspProv.Exceptions;
using EspProv.Protocol;
using EspProv.Transport;
using Google.Protobuf;

namespace EspProv.Provisioning;

/// <summary><c>prov-config</c> replies (docs/protocol.md#wi-fi-configuration): the right kind of answer, a success
/// status, and a readable status line.</summary>
internal static class WifiConfigMessages
{
    /// <summary>ApplyConfig: esp_prov sends only the message type (08 04), so devices must not require the empty oneof.</summary>
    public static byte[] Apply() => new WiFiConfigPayload { Msg = WiFiConfigMsgType.TypeCmdApplyConfig }.ToByteArray();

    /// <summary>GetStatus.</summary>
    public static byte[] GetStatus() => new WiFiConfigPayload { Msg = WiFiConfigMsgType.TypeCmdGetStatus, CmdGetStatus = new CmdGetStatus() }.ToByteArray();

    /// <summary>SetConfig with the credentials. The caller zeroes the bytes after sending: they hold the passphrase.</summary>
    public static byte[] SetConfig(WifiCredentials credentials) => new WiFiConfigPayload
    {
        Msg = WiFiConfigMsgType.TypeCmdSetConfig,
        CmdSetConfig = new CmdSetConfig
        {
            Ssid = ByteString.CopyFromUtf8(credentials.Ssid),
            Passphrase = ByteString.CopyFromUtf8(credentials.Passphrase),
            Bssid = credentials.Bssid is { } bssid ? ByteString.CopyFrom(bssid.ToArray()) : ByteString.Empty,
            Channel = credentials.Channel,
        },
    }.ToByteArray();

    public static WiFiConfigPayload ParseReply(ProvisioningClient client, ProvisioningStep step, byte[] reply, WiFiConfigMsgType expectedType, WiFiConfigPayload.PayloadOneofCase expectedCase)
    {
        var payload = ProvisioningClient.ParseMessage(step, Endpoints.Config, WiFiConfigPayload.Parser, reply);
        if (payload.Msg != expectedType || payload.PayloadCase != expectedCase)
        {
            // A reply of the wrong kind is never taken for success; the session may be out of step.
            client.DropSession();
            throw new InvalidResponseException(step, Endpoints.Config,
                $"/{Endpoints.Config}: expected {expectedType}, the device answered {payload.Msg} with {(payload.PayloadCase == WiFiConfigPayload.PayloadOneofCase.None ? "no payload" : payload.PayloadCase)} (garbled?)");
        }

        return payload;
    }

    public static void CheckStatus(ProvisioningStep step, Status status, string what)
    {
        if (status != Status.Success)
        {
            throw new DeviceStatusException(step, Endpoints.Config, ProtocolMapping.ToDeviceStatus(status), $"{what} (status {status})");
        }
    }

    public static string Describe(WifiStatus status) => status.State switch
    {
        WifiConnectionState.Connected when status.Connection is { } c => $"Connected, IP {c.IPAddress}, SSID '{c.Ssid}', BSSID {c.Bssid}, channel {c.Channel}, {c.AuthMode}",
        WifiConnectionState.ConnectionFailed => $"ConnectionFailed ({status.FailureReason})",
        WifiConnectionState.Connecting when status.AttemptsRemaining is { } n => $"Connecting (attempt failed, {n} attempts remaining)",
        _ => status.State.ToString(),
    };
}
