using System.Text;
using EspProv.Exceptions;
using EspProv.Protocol;
using EspProv.Transport;
using Google.Protobuf;

namespace EspProv.Provisioning;

/// <summary><c>prov-scan</c> (docs/protocol.md#wi-fi-scan): start, wait for the end, read the results page by page,
/// check each one.</summary>
internal sealed class WifiScanReader(ProvisioningClient client)
{
    /// <summary>Most scan results accepted from a device.</summary>
    private const uint MaxScanResults = 1024;

    /// <summary>
    /// Scan results per page so that a worst-case page fits <paramref name="maxResponseBytes"/>: an entry with a 32-byte
    /// SSID, a BSSID and a negative RSSI (a 10-byte varint) takes 59 bytes, the page's framing 5, a security 2 tag 16.
    /// 257 bytes (BLE firmware's smallest store) gives esp_prov's 4; HTTP's large limit is capped at esp_prov's 100.
    /// </summary>
    internal static int ScanPageSize(int maxResponseBytes) => Math.Clamp((maxResponseBytes - 16 - 5) / 59, 1, 100);

    /// <summary>
    /// Asks the device to scan for Wi-Fi networks (<c>prov-scan</c>, needs the <c>wifi_scan</c> capability) and reads
    /// all results page by page. Returns them in the device's order (firmware sorts by RSSI, strongest first).
    /// </summary>
    public async Task<IReadOnlyList<WifiNetwork>> ScanAsync(WifiScanOptions? options, CancellationToken cancellationToken)
    {
        options ??= WifiScanOptions.Default;
        var pageSize = options.PageSize ?? ScanPageSize(client.MaxResponseBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1, nameof(options));
        var start = new WiFiScanPayload
        {
            Msg = WiFiScanMsgType.TypeCmdScanStart,
            CmdScanStart = new CmdScanStart { Blocking = options.Blocking, Passive = options.Passive, GroupChannels = options.GroupChannels, PeriodMs = options.PeriodMs },
        };
        await ScanExchangeAsync(start, WiFiScanMsgType.TypeRespScanStart, WiFiScanPayload.PayloadOneofCase.RespScanStart, cancellationToken).ConfigureAwait(false);
        client.Logger.ScanStarted();

        var finishBy = client.Clock.GetUtcNow() + options.FinishTimeout;
        RespScanStatus status;
        while (true)
        {
            var reply = await ScanExchangeAsync(new WiFiScanPayload { Msg = WiFiScanMsgType.TypeCmdScanStatus },
                WiFiScanMsgType.TypeRespScanStatus, WiFiScanPayload.PayloadOneofCase.RespScanStatus, cancellationToken).ConfigureAwait(false);
            status = reply.RespScanStatus;
            if (status.ScanFinished)
            {
                break;
            }

            if (client.Clock.GetUtcNow() > finishBy)
            {
                throw new ProvisioningException($"the device's scan did not finish within {options.FinishTimeout.TotalSeconds:0.#} s", ProvisioningStep.Scan, Endpoints.Scan);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), client.Clock, cancellationToken).ConfigureAwait(false);
        }

        if (status.ResultCount > MaxScanResults)
        {
            // Firmware keeps at most CONFIG_WIFI_PROV_SCAN_MAX_ENTRIES (default 16); a huge count is garbage and would
            // otherwise drive an unbounded paging loop.
            throw new InvalidResponseException(ProvisioningStep.Scan, Endpoints.Scan, $"/{Endpoints.Scan}: the device claims {status.ResultCount} scan results (at most {MaxScanResults} are plausible)");
        }

        client.Logger.ScanFinished(status.ResultCount);
        var networks = new List<WifiNetwork>((int)Math.Min(status.ResultCount, 256));
        for (uint index = 0; index < status.ResultCount;)
        {
            var count = (uint)Math.Min(pageSize, status.ResultCount - index);
            var reply = await ScanExchangeAsync(
                new WiFiScanPayload { Msg = WiFiScanMsgType.TypeCmdScanResult, CmdScanResult = new CmdScanResult { StartIndex = index, Count = count } },
                WiFiScanMsgType.TypeRespScanResult, WiFiScanPayload.PayloadOneofCase.RespScanResult, cancellationToken).ConfigureAwait(false);
            var entries = reply.RespScanResult.Entries;
            if (entries.Count == 0 || entries.Count > count)
            {
                throw new InvalidResponseException(ProvisioningStep.Scan, Endpoints.Scan, $"/{Endpoints.Scan}: asked for {count} results from index {index}, the device sent {entries.Count}");
            }

            foreach (var e in entries)
            {
                if (e.Ssid.Length > ReplyValidation.MaxSsidBytes || e.Bssid.Length is not (0 or 6) || e.Channel > ReplyValidation.MaxChannel)
                {
                    throw new InvalidResponseException(ProvisioningStep.Scan, Endpoints.Scan,
                        $"/{Endpoints.Scan}: a scan result has a {e.Ssid.Length}-byte SSID, {e.Bssid.Length}-byte BSSID, channel {e.Channel} (garbled?)");
                }

                networks.Add(new WifiNetwork(Encoding.UTF8.GetString(e.Ssid.Span).TrimEnd('\0'), e.Ssid.ToByteArray(), Bssid.FromBytesOrEmpty(e.Bssid.Span),
                    (int)e.Channel, e.Rssi, Enum.IsDefined((WifiAuthMode)(int)e.Auth) ? (WifiAuthMode)(int)e.Auth : WifiAuthMode.Open));
            }

            client.Logger.ScanPage(index, count, entries.Count);
            index += (uint)entries.Count;
        }

        return networks;
    }

    private async Task<WiFiScanPayload> ScanExchangeAsync(WiFiScanPayload request, WiFiScanMsgType expected, WiFiScanPayload.PayloadOneofCase expectedCase, CancellationToken cancellationToken)
    {
        var reply = await client.ExchangeAsync(ProvisioningStep.Scan, Endpoints.Scan, request.ToByteArray(), cancellationToken).ConfigureAwait(false);
        var payload = ProvisioningClient.ParseMessage(ProvisioningStep.Scan, Endpoints.Scan, WiFiScanPayload.Parser, reply);
        if (payload.Status != Status.Success)
        {
            throw new DeviceStatusException(ProvisioningStep.Scan, Endpoints.Scan, ProtocolMapping.ToDeviceStatus(payload.Status),
                $"the device's scan failed at {request.Msg} (status {payload.Status})");
        }

        if (payload.Msg != expected || payload.PayloadCase != expectedCase)
        {
            client.DropSession();
            throw new InvalidResponseException(ProvisioningStep.Scan, Endpoints.Scan, $"/{Endpoints.Scan}: expected {expected}, the device answered {payload.Msg} ({payload.PayloadCase})");
        }

        return payload;
    }
}
