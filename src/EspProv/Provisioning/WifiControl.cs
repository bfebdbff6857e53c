using EspProv.Exceptions;
using EspProv.Protocol;
using EspProv.Transport;
using Google.Protobuf;

namespace EspProv.Provisioning;

/// <summary><c>prov-ctrl</c> (docs/protocol.md#control, ESP-IDF 5.1+): one command, the right kind of answer, a success
/// status.</summary>
internal static class WifiControl
{
    public static async Task SendAsync(ProvisioningClient client, WiFiCtrlMsgType command, WiFiCtrlMsgType expected, string refusal, CancellationToken cancellationToken)
    {
        // esp_prov sends only the message type (e.g. 08 01).
        var reply = await client.ExchangeAsync(ProvisioningStep.Control, Endpoints.Control, new WiFiCtrlPayload { Msg = command }.ToByteArray(), cancellationToken).ConfigureAwait(false);
        var payload = ProvisioningClient.ParseMessage(ProvisioningStep.Control, Endpoints.Control, WiFiCtrlPayload.Parser, reply);
        if (payload.Msg != expected)
        {
            client.DropSession();
            throw new InvalidResponseException(ProvisioningStep.Control, Endpoints.Control, $"/{Endpoints.Control}: expected {expected}, the device answered {payload.Msg}");
        }

        if (payload.Status != Status.Success)
        {
            throw new DeviceStatusException(ProvisioningStep.Control, Endpoints.Control, ProtocolMapping.ToDeviceStatus(payload.Status), $"{refusal} (status {payload.Status})");
        }

        client.Logger.ControlAccepted(command);
    }
}
