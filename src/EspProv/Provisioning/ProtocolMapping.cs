using System.Text;
using EspProv.Exceptions;
using EspProv.Protocol;

namespace EspProv.Provisioning;

/// <summary>Maps generated protobuf types to the public records, validating what a garbled reply could get wrong.</summary>
internal static class ProtocolMapping
{
    public static DeviceStatus ToDeviceStatus(Status status) =>
        Enum.IsDefined((DeviceStatus)(int)status) ? (DeviceStatus)(int)status : DeviceStatus.InternalError;

    public static WifiStatus ToWifiStatus(RespGetStatus response, string endpoint)
    {
        if (response.Status != Status.Success)
        {
            throw new DeviceStatusException(ProvisioningStep.Status, endpoint, ToDeviceStatus(response.Status),
                $"the device could not report its Wi-Fi status (status {response.Status})");
        }

        var state = response.StaState switch
        {
            WifiStationState.Connected => WifiConnectionState.Connected,
            WifiStationState.Connecting => WifiConnectionState.Connecting,
            WifiStationState.Disconnected => WifiConnectionState.Disconnected,
            WifiStationState.ConnectionFailed => WifiConnectionState.ConnectionFailed,
            _ => throw new InvalidResponseException(endpoint, $"/{endpoint}: unknown Wi-Fi state {(int)response.StaState}") { Step = ProvisioningStep.Status },
        };

        WifiFailureReason? reason = null;
        WifiConnectionInfo? connection = null;
        uint? attempts = null;
        switch (response.StateCase)
        {
            case RespGetStatus.StateOneofCase.FailReason:
                reason = response.FailReason switch
                {
                    WifiConnectFailedReason.AuthError => WifiFailureReason.AuthError,
                    WifiConnectFailedReason.NetworkNotFound => WifiFailureReason.NetworkNotFound,
                    _ => WifiFailureReason.Unknown,
                };
                break;
            case RespGetStatus.StateOneofCase.Connected:
                var c = response.Connected;
                connection = new WifiConnectionInfo(c.Ip4Addr, Encoding.UTF8.GetString(c.Ssid.Span).TrimEnd('\0'), c.Bssid.ToByteArray(), c.Channel,
                    Enum.IsDefined((WifiAuthMode)(int)c.AuthMode) ? (WifiAuthMode)(int)c.AuthMode : WifiAuthMode.Open);
                break;
            case RespGetStatus.StateOneofCase.AttemptFailed:
                attempts = response.AttemptFailed.AttemptsRemaining;
                break;
        }

        if (state == WifiConnectionState.ConnectionFailed)
        {
            reason ??= WifiFailureReason.Unknown;
        }

        return new WifiStatus(state, reason, state == WifiConnectionState.Connected ? connection : null, attempts);
    }
}
