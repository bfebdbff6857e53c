using System.Security.Cryptography;
using EspProv.Exceptions;
using EspProv.Protocol;
using EspProv.Protocol.Network;
using EspProv.Provisioning;
using EspProv.Transport;
using Google.Protobuf;

namespace EspProv.Thread;

/// <summary>
/// The Thread requests of a network_provisioning device (capability <c>thread_prov</c>), one exchange each, over a
/// <see cref="ProvisioningClient"/>'s secure session: set and apply a dataset, read the status, scan, reset and
/// reprovision (docs/netprov.md#thread-messages). Typed errors as for Wi-Fi: <see cref="DeviceStatusException"/> for a
/// refusal, <see cref="InvalidResponseException"/> for a reply of the wrong kind.
/// </summary>
public static class ThreadClient
{
    /// <summary>Most scan results accepted from a device.</summary>
    private const uint MaxScanResults = 1024;

    /// <summary>Thread scan results per page (a worst-case entry takes about 70 bytes; esp_prov reads 4 over BLE).</summary>
    private const uint PageSize = 3;

    /// <summary>Sends the dataset (<c>CmdSetThreadConfig</c>). The device checks it only at apply.</summary>
    public static async Task SetThreadDatasetAsync(this ProvisioningClient client, ThreadDataset dataset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(dataset);
        var tlvs = dataset.ToBytes();
        var request = ThreadMessages.SetDataset(tlvs);
        byte[] reply;
        try
        {
            reply = await client.ExchangeAsync(ProvisioningStep.SetConfig, Endpoints.Config, request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Both hold the network key.
            CryptographicOperations.ZeroMemory(request);
            CryptographicOperations.ZeroMemory(tlvs);
        }

        var payload = ThreadMessages.ParseConfigReply(client, ProvisioningStep.SetConfig, reply, NetworkConfigMsgType.TypeRespSetThreadConfig, NetworkConfigPayload.PayloadOneofCase.RespSetThreadConfig);
        ThreadMessages.CheckStatus(ProvisioningStep.SetConfig, Endpoints.Config, payload.RespSetThreadConfig.Status, "the device rejected the Thread dataset");
    }

    /// <summary>Applies the dataset sent: the device parses it and starts attaching. A malformed one is refused here.</summary>
    public static async Task ApplyThreadConfigAsync(this ProvisioningClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var reply = await client.ExchangeAsync(ProvisioningStep.ApplyConfig, Endpoints.Config, ThreadMessages.Apply(), cancellationToken).ConfigureAwait(false);
        var payload = ThreadMessages.ParseConfigReply(client, ProvisioningStep.ApplyConfig, reply, NetworkConfigMsgType.TypeRespApplyThreadConfig, NetworkConfigPayload.PayloadOneofCase.RespApplyThreadConfig);
        ThreadMessages.CheckStatus(ProvisioningStep.ApplyConfig, Endpoints.Config, payload.RespApplyThreadConfig.Status,
            "the device could not apply the Thread dataset (was one sent, is it valid, or was one applied already?)");
    }

    /// <summary>Asks the device for its Thread state once.</summary>
    public static async Task<ThreadStatus> GetThreadStatusAsync(this ProvisioningClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var reply = await client.ExchangeAsync(ProvisioningStep.Status, Endpoints.Config, ThreadMessages.GetStatus(), cancellationToken).ConfigureAwait(false);
        var payload = ThreadMessages.ParseConfigReply(client, ProvisioningStep.Status, reply, NetworkConfigMsgType.TypeRespGetThreadStatus, NetworkConfigPayload.PayloadOneofCase.RespGetThreadStatus);
        return ThreadMessages.ToStatus(payload.RespGetThreadStatus);
    }

    /// <summary>
    /// Polls the Thread status after apply until the device attaches (returns the network) or reports why it could not
    /// (<see cref="ThreadAttachFailedException"/>), within <paramref name="timeout"/> (else <see cref="StatusUnknownException"/>),
    /// on the schedule and with the lost-poll recovery of <see cref="ProvisioningClient.WaitForConnectionAsync(TimeSpan, IProgress{WifiStatus}?, CancellationToken)"/>.
    /// Firmware reports a dataset of a network that is not there after its attach timeout (20 s).
    /// </summary>
    public static async Task<ThreadNetworkInfo> WaitForThreadAttachAsync(this ProvisioningClient client, TimeSpan timeout, IProgress<ThreadStatus>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return (ThreadNetworkInfo)await ThreadSteps.Waiter(client).WaitAsync(timeout, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks the device to scan for Thread networks (capability <c>thread_scan</c>) and reads every result. The device
    /// scans while the start request waits (blocking), as Espressif's esp_prov asks.
    /// </summary>
    /// <param name="client">The client, with a session.</param>
    /// <param name="channelMask">Channels to scan, bit n for channel n; 0 = all.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    public static async Task<IReadOnlyList<ThreadNetwork>> ScanThreadAsync(this ProvisioningClient client, uint channelMask = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        await ScanExchangeAsync(client, ThreadMessages.ScanStart(blocking: true, channelMask), NetworkScanMsgType.TypeRespScanThreadStart, NetworkScanPayload.PayloadOneofCase.RespScanThreadStart, cancellationToken).ConfigureAwait(false);
        var status = (await ScanExchangeAsync(client, ThreadMessages.ScanStatus(), NetworkScanMsgType.TypeRespScanThreadStatus, NetworkScanPayload.PayloadOneofCase.RespScanThreadStatus, cancellationToken).ConfigureAwait(false)).RespScanThreadStatus;
        if (!status.ScanFinished)
        {
            throw new ProvisioningException("the device's blocking Thread scan had not finished when it answered", ProvisioningStep.Scan, Endpoints.Scan);
        }

        if (status.ResultCount > MaxScanResults)
        {
            throw ThreadMessages.Invalid(ProvisioningStep.Scan, Endpoints.Scan, $"the device claims {status.ResultCount} Thread scan results (at most {MaxScanResults} are plausible)");
        }

        var networks = new List<ThreadNetwork>((int)status.ResultCount);
        for (uint index = 0; index < status.ResultCount;)
        {
            var count = Math.Min(PageSize, status.ResultCount - index);
            var page = (await ScanExchangeAsync(client, ThreadMessages.ScanResult(index, count), NetworkScanMsgType.TypeRespScanThreadResult, NetworkScanPayload.PayloadOneofCase.RespScanThreadResult, cancellationToken).ConfigureAwait(false)).RespScanThreadResult;
            if (page.Entries.Count == 0 || page.Entries.Count > count)
            {
                throw ThreadMessages.Invalid(ProvisioningStep.Scan, Endpoints.Scan, $"asked for {count} Thread results from index {index}, the device sent {page.Entries.Count}");
            }

            networks.AddRange(page.Entries.Select(ThreadMessages.ToNetwork));
            index += (uint)page.Entries.Count;
        }

        return networks;
    }

    /// <summary>
    /// <c>prov-ctrl</c> Thread reset: the device forgets the dataset and waits for a new one. network_provisioning
    /// answers Success in provisioning mode and after a failed attach, an error while attaching or attached.
    /// </summary>
    public static Task ResetThreadAsync(this ProvisioningClient client, CancellationToken cancellationToken = default) =>
        ControlAsync(client, ThreadMessages.Reset(), NetworkCtrlMsgType.TypeRespCtrlThreadReset, "the device refused the Thread reset (it is attaching or attached)", cancellationToken);

    /// <summary><c>prov-ctrl</c> Thread reprovision: after an attach, go back to provisioning (refused when the device auto-stops).</summary>
    public static Task ReprovisionThreadAsync(this ProvisioningClient client, CancellationToken cancellationToken = default) =>
        ControlAsync(client, ThreadMessages.Reprovision(), NetworkCtrlMsgType.TypeRespCtrlThreadReprov, "the device refused to reprovision Thread", cancellationToken);

    private static async Task ControlAsync(ProvisioningClient client, byte[] request, NetworkCtrlMsgType expected, string refusal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var reply = await client.ExchangeAsync(ProvisioningStep.Control, Endpoints.Control, request, cancellationToken).ConfigureAwait(false);
        var payload = ProvisioningClient.ParseMessage(ProvisioningStep.Control, Endpoints.Control, NetworkCtrlPayload.Parser, reply);
        if (payload.Msg != expected)
        {
            client.DropSession();
            throw ThreadMessages.Invalid(ProvisioningStep.Control, Endpoints.Control, $"expected {expected}, the device answered {payload.Msg}");
        }

        ThreadMessages.CheckStatus(ProvisioningStep.Control, Endpoints.Control, payload.Status, refusal);
    }

    private static async Task<NetworkScanPayload> ScanExchangeAsync(ProvisioningClient client, byte[] request, NetworkScanMsgType expected, NetworkScanPayload.PayloadOneofCase expectedCase, CancellationToken cancellationToken)
    {
        var reply = await client.ExchangeAsync(ProvisioningStep.Scan, Endpoints.Scan, request, cancellationToken).ConfigureAwait(false);
        var payload = ProvisioningClient.ParseMessage(ProvisioningStep.Scan, Endpoints.Scan, NetworkScanPayload.Parser, reply);
        if (payload.Status != Status.Success)
        {
            throw new DeviceStatusException(ProvisioningStep.Scan, Endpoints.Scan, ProtocolMapping.ToDeviceStatus(payload.Status), $"the device's Thread scan failed at {expected - 1} (status {payload.Status})");
        }

        if (payload.Msg != expected || payload.PayloadCase != expectedCase)
        {
            client.DropSession();
            throw ThreadMessages.Invalid(ProvisioningStep.Scan, Endpoints.Scan, $"expected {expected}, the device answered {payload.Msg} ({payload.PayloadCase})");
        }

        return payload;
    }
}
