using EspProv.Protocol;
using Google.Protobuf;

namespace EspProv.Device.Handlers;

/// <summary>
/// The example applications' endpoints (docs/protocol.md#custom-config-messages, #custom-endpoints): ESP8266
/// <c>custom-config</c> (<c>{status: ConfigSuccess, dummy: 47}</c>) and ESP-IDF <c>custom-data</c> (raw bytes in,
/// <c>SUCCESS\0</c> out).
/// </summary>
internal sealed class CustomEndpointHandlers(ProvisioningManager manager)
{
    private static readonly byte[] SuccessReply = "SUCCESS\0"u8.ToArray();

    public byte[]? HandleCustomConfig(byte[] request)
    {
        CustomConfigRequest command;
        try
        {
            command = CustomConfigRequest.Parser.ParseFrom(request);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }

        manager.RecordCustomConfig(command.Info, command.Version);
        return new CustomConfigResponse { Status = CustomConfigStatus.ConfigSuccess, Dummy = 47 }.ToByteArray();
    }

    public byte[] HandleCustomData(byte[] request)
    {
        manager.RecordCustomData(request);
        return (byte[])SuccessReply.Clone();
    }
}
