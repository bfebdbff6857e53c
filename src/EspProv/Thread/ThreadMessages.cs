using System.Text;
using EspProv.Exceptions;
using EspProv.Protocol;
using EspProv.Protocol.Network;
using EspProv.Provisioning;
using EspProv.Transport;
using Google.Protobuf;

namespace EspProv.Thread;

/// <summary>
/// The Thread messages of network_provisioning (docs/netprov.md#thread-messages): requests as esp_prov sends them and
/// replies mapped to <see cref="ThreadStatus"/> / <see cref="ThreadNetwork"/>, checked as a garbled reply could be wrong.
/// </summary>
internal static class ThreadMessages
{
    public static byte[] SetDataset(ReadOnlySpan<byte> dataset) => new NetworkConfigPayload
    {
        Msg = NetworkConfigMsgType.TypeCmdSetThreadConfig,
        CmdSetThreadConfig = new CmdSetThreadConfig { Dataset = ByteString.CopyFrom(dataset) },
    }.ToByteArray();

    // esp_prov sends apply as the message type alone (08 0a), get-status with its empty payload (08 06 82 01 00).
    public static byte[] Apply() => new NetworkConfigPayload { Msg = NetworkConfigMsgType.TypeCmdApplyThreadConfig }.ToByteArray();

    public static byte[] GetStatus() => new NetworkConfigPayload
    {
        Msg = NetworkConfigMsgType.TypeCmdGetThreadStatus,
        CmdGetThreadStatus = new CmdGetThreadStatus(),
    }.ToByteArray();

    public static byte[] ScanStart(bool blocking, uint channelMask) => new NetworkScanPayload
    {
        Msg = NetworkScanMsgType.TypeCmdScanThreadStart,
        CmdScanThreadStart = new CmdScanThreadStart { Blocking = blocking, ChannelMask = channelMask },
    }.ToByteArray();

    // esp_prov sends scan status and the control commands as the message type alone.
    public static byte[] ScanStatus() => new NetworkScanPayload { Msg = NetworkScanMsgType.TypeCmdScanThreadStatus }.ToByteArray();

    public static byte[] ScanResult(uint startIndex, uint count) => new NetworkScanPayload
    {
        Msg = NetworkScanMsgType.TypeCmdScanThreadResult,
        CmdScanThreadResult = new CmdScanThreadResult { StartIndex = startIndex, Count = count },
    }.ToByteArray();

    public static byte[] Reset() => new NetworkCtrlPayload { Msg = NetworkCtrlMsgType.TypeCmdCtrlThreadReset }.ToByteArray();

    public static byte[] Reprovision() => new NetworkCtrlPayload { Msg = NetworkCtrlMsgType.TypeCmdCtrlThreadReprov }.ToByteArray();

    /// <summary>A <c>prov-config</c> reply of the expected type and payload; a wrong kind drops the session (out of step).</summary>
    public static NetworkConfigPayload ParseConfigReply(ProvisioningClient client, ProvisioningStep step, byte[] reply, NetworkConfigMsgType expected, NetworkConfigPayload.PayloadOneofCase expectedCase)
    {
        var payload = ProvisioningClient.ParseMessage(step, Endpoints.Config, NetworkConfigPayload.Parser, reply);
        if (payload.Msg != expected || payload.PayloadCase != expectedCase)
        {
            client.DropSession();
            throw new InvalidResponseException(step, Endpoints.Config, $"/{Endpoints.Config}: expected {expected}, the device answered {payload.Msg} with {payload.PayloadCase} (garbled?)");
        }

        return payload;
    }

    public static void CheckStatus(ProvisioningStep step, string endpoint, Status status, string what)
    {
        if (status != Status.Success)
        {
            throw new DeviceStatusException(step, endpoint, ProtocolMapping.ToDeviceStatus(status), $"{what} (status {status})");
        }
    }

    public static ThreadStatus ToStatus(RespGetThreadStatus response)
    {
        CheckStatus(ProvisioningStep.Status, Endpoints.Config, response.Status, "the device could not report its Thread status (a Wi-Fi device answers InvalidArgument)");
        var state = response.ThreadState switch
        {
            Protocol.Network.ThreadNetworkState.Attached => ThreadNetworkState.Attached,
            Protocol.Network.ThreadNetworkState.Attaching => ThreadNetworkState.Attaching,
            Protocol.Network.ThreadNetworkState.Dettached => ThreadNetworkState.Detached,
            Protocol.Network.ThreadNetworkState.AttachingFailed => ThreadNetworkState.AttachingFailed,
            _ => throw Invalid(ProvisioningStep.Status, Endpoints.Config, $"unknown Thread state {(int)response.ThreadState}"),
        };

        if (state == ThreadNetworkState.Attached)
        {
            if (response.StateCase != RespGetThreadStatus.StateOneofCase.ThreadAttached)
            {
                throw Invalid(ProvisioningStep.Status, Endpoints.Config, "Attached without the network's details");
            }

            var a = response.ThreadAttached;
            if (a.PanId > 0xffff || a.ExtPanId.Length != 8 || a.Channel is < 11 or > 26 || Encoding.UTF8.GetByteCount(a.Name) > 16)
            {
                throw Invalid(ProvisioningStep.Status, Endpoints.Config, $"Attached to PAN ID {a.PanId}, a {a.ExtPanId.Length}-byte extended PAN ID, channel {a.Channel} (garbled?)");
            }

            return new ThreadStatus(state, null, new ThreadNetworkInfo((ushort)a.PanId, a.ExtPanId.ToByteArray(), (int)a.Channel, a.Name.TrimEnd('\0')));
        }

        if (state is ThreadNetworkState.AttachingFailed or ThreadNetworkState.Detached)
        {
            var reason = response.StateCase != RespGetThreadStatus.StateOneofCase.ThreadFailReason ? ThreadFailureReason.Unknown : response.ThreadFailReason switch
            {
                ThreadAttachFailedReason.DatasetInvalid => ThreadFailureReason.DatasetInvalid,
                ThreadAttachFailedReason.ThreadNetworkNotFound => ThreadFailureReason.NetworkNotFound,
                _ => ThreadFailureReason.Unknown,
            };
            return new ThreadStatus(state, reason, null);
        }

        return new ThreadStatus(state, null, null);
    }

    public static ThreadNetwork ToNetwork(Protocol.Network.ThreadScanResult e)
    {
        if (e.PanId > 0xffff || e.Channel is < 11 or > 26 || e.Lqi > 255 || e.ExtAddr.Length is not (0 or 8) || e.ExtPanId.Length is not (0 or 8)
            || Encoding.UTF8.GetByteCount(e.NetworkName) > 17)
        {
            throw Invalid(ProvisioningStep.Scan, Endpoints.Scan,
                $"a Thread scan result has PAN ID {e.PanId}, channel {e.Channel}, LQI {e.Lqi}, a {e.ExtAddr.Length}-byte address, a {e.ExtPanId.Length}-byte extended PAN ID (garbled?)");
        }

        return new ThreadNetwork((ushort)e.PanId, (int)e.Channel, e.Rssi, (int)e.Lqi, e.ExtAddr.ToByteArray(), e.NetworkName.TrimEnd('\0'), e.ExtPanId.ToByteArray());
    }

    public static InvalidResponseException Invalid(ProvisioningStep step, string endpoint, string what) =>
        new(step, endpoint, $"/{endpoint}: {what}");
}
