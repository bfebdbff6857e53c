using EspProv.Exceptions;
using EspProv.Protocol;
using EspProv.Transport;
using Google.Protobuf;

namespace EspProv.Provisioning;

/// <summary><c>custom-config</c> of the ESP8266 custom_config example: an info string and a version, answered by a status.</summary>
internal static class CustomConfigMessages
{
    public static byte[] Request(string info, int version) => new CustomConfigRequest { Info = info, Version = version }.ToByteArray();

    /// <summary>The application's status; a status the protocol does not define means a garbled reply.</summary>
    public static CustomConfigStatus ParseStatus(byte[] reply)
    {
        var response = ProvisioningClient.ParseMessage(ProvisioningStep.CustomConfig, Endpoints.CustomConfig, CustomConfigResponse.Parser, reply);
        if (!Enum.IsDefined(response.Status))
        {
            throw new InvalidResponseException(ProvisioningStep.CustomConfig, Endpoints.CustomConfig, $"/{Endpoints.CustomConfig}: the device answered an undefined status {(int)response.Status} (garbled?)");
        }

        return response.Status;
    }

    public static void CheckAccepted(CustomConfigStatus status)
    {
        if (status != CustomConfigStatus.ConfigSuccess)
        {
            throw new DeviceStatusException(ProvisioningStep.CustomConfig, Endpoints.CustomConfig, DeviceStatus.InternalError,
                $"the device's application rejected the custom config (status {status})");
        }
    }
}
