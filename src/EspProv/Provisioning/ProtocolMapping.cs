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
            _ => throw new InvalidResponseException(ProvisioningStep.Status, endpoint, $"/{endpoint}: unknown Wi-Fi state {(int)response.StaState}"),
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
                ValidateConnected(c, endpoint);
                connection = new WifiConnectionInfo(System.Net.IPAddress.Parse(c.Ip4Addr), Encoding.UTF8.GetString(c.Ssid.Span).TrimEnd('\0'), Bssid.FromBytesOrEmpty(c.Bssid.Span), c.Channel,
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

    /// <summary>A Connected answer is the one verdict that means success: every field must be what firmware sends.</summary>
    private static void ValidateConnected(WifiConnectedState c, string endpoint)
    {
        string? problem = null;
        if (!ReplyValidation.IsIPv4(c.Ip4Addr))
        {
            problem = $"an IPv4 address '{DeviceText.Printable(c.Ip4Addr, 20)}'";
        }
        else if (c.Ssid.Length > ReplyValidation.MaxSsidBytes)
        {
            problem = $"a {c.Ssid.Length}-byte SSID";
        }
        else if (c.Bssid.Length is not (0 or 6))
        {
            problem = $"a {c.Bssid.Length}-byte BSSID";
        }
        else if (c.Channel is < 0 or > ReplyValidation.MaxChannel)
        {
            problem = $"channel {c.Channel}";
        }
        else if (!Enum.IsDefined(c.AuthMode))
        {
            problem = $"auth mode {(int)c.AuthMode}";
        }

        if (problem is not null)
        {
            throw new InvalidResponseException(ProvisioningStep.Status, endpoint, $"/{endpoint}: the device's Connected answer has {problem} (garbled?)");
        }
    }
}
