using EspProv.Device.Wifi;
using EspProv.Protocol;
using EspProv.Provisioning;
using Microsoft.Extensions.Logging;

namespace EspProv.Device.Handlers;

/// <summary>
/// The application state behind the endpoints (wifi_prov_mgr + handlers, or the ESP8266 example): credentials received
/// and applied, the station, scan results, custom data, and the end of provisioning (auto-stop, rearm). Its own lock
/// makes it safe against timer callbacks; requests are serialised by the host.
/// </summary>
internal sealed class ProvisioningManager : IDisposable
{
    /// <summary>CONFIG_WIFI_PROV_SCAN_MAX_ENTRIES default.</summary>
    public const int MaxScanEntries = 16;

    private const int MaxCustomInfoBytes = 127;

    /// <summary>Custom-config and custom-data records kept (the most recent), so a client cannot grow the device without bound.</summary>
    internal const int MaxRecords = 256;
    private static readonly TimeSpan CleanupDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StopAfterGotIp = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly DeviceFlavor _flavor;
    private readonly bool _autoStop;
    private readonly bool _rearm;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<SimulatedNetwork> _networks;
    private readonly ILogger _logger;
    private readonly List<CustomConfigRecord> _customConfigs = [];
    private readonly List<byte[]> _customData = [];
    private DeviceCredentials? _pending;
    private DeviceCredentials? _applied;
    private int _appliesReceived;
    private bool _credentialsReceived;
    private bool _stopped;
    private bool _rearmPending;
    private List<SimulatedNetwork> _scanResults = [];
    private ITimer? _stopTimer;

    public ProvisioningManager(DeviceFlavor flavor, bool autoStop, bool rearm, TimeProvider time, IReadOnlyList<SimulatedNetwork> networks,
        SimulatedStation station, ILogger logger)
    {
        _flavor = flavor;
        _autoStop = autoStop;
        _rearm = rearm;
        _time = time;
        _networks = networks;
        Station = station;
        _logger = logger;
        station.Connected = OnStationConnected;
    }

    public SimulatedStation Station { get; }

    /// <summary>Asked to shut the HTTP server down when provisioning ends.</summary>
    public Action? StopRequested { get; set; }

    /// <summary>Asked to close the security session when the device rearms.</summary>
    public Action? SessionDiscardRequested { get; set; }

    public DeviceCredentials? PendingCredentials
    {
        get
        {
            lock (_lock)
            {
                return _pending;
            }
        }
    }

    public DeviceCredentials? AppliedCredentials
    {
        get
        {
            lock (_lock)
            {
                return _applied;
            }
        }
    }

    /// <summary>Applies acted on (the station started joining), over the device's life, rearms included.</summary>
    public int AppliesReceived
    {
        get
        {
            lock (_lock)
            {
                return _appliesReceived;
            }
        }
    }

    public IReadOnlyList<CustomConfigRecord> CustomConfigs
    {
        get
        {
            lock (_lock)
            {
                return [.. _customConfigs];
            }
        }
    }

    public IReadOnlyList<byte[]> CustomData
    {
        get
        {
            lock (_lock)
            {
                return [.. _customData];
            }
        }
    }

    public ProvisioningState State
    {
        get
        {
            lock (_lock)
            {
                if (_stopped)
                {
                    return ProvisioningState.Stopped;
                }

                if (!_credentialsReceived)
                {
                    return ProvisioningState.Started;
                }

                return Station.Status.State switch
                {
                    WifiConnectionState.Connected => ProvisioningState.Succeeded,
                    WifiConnectionState.ConnectionFailed => ProvisioningState.Failed,
                    _ => ProvisioningState.CredentialsReceived,
                };
            }
        }
    }

    /// <summary>Set config (docs/protocol.md#wi-fi-configuration). ESP-IDF validates lengths; ESP8266 3.2 accepts
    /// anything.</summary>
    public Status SetConfig(ReadOnlySpan<byte> ssid, ReadOnlySpan<byte> passphrase, int bssidLength)
    {
        lock (_lock)
        {
            // wifi_config.c (ESP-IDF; ESP8266 RTOS SDK 3.3+, which this flavor models): the lengths are compared with the
            // field sizes, so a 33-byte SSID or a passphrase of 64 bytes or more (no room for the NUL) is refused.
            if ((bssidLength != 0 && bssidLength != 6) || ssid.Length > 32 || passphrase.Length >= 64)
            {
                return Status.InvalidArgument;
            }

            // handlers.c: strncpy into a 32-byte SSID field, strlcpy into a 64-byte password field (63 chars + NUL).
            _pending = new DeviceCredentials(CBuffer.Copy(ssid, 32), CBuffer.Copy(passphrase, 63));

            _logger.CredentialsReceived();
            return Status.Success;
        }
    }

    /// <summary>Apply (docs/protocol.md#wi-fi-configuration): needs credentials set since the last apply; ESP-IDF also
    /// refuses a second apply.</summary>
    public Status Apply()
    {
        DeviceCredentials credentials;
        lock (_lock)
        {
            var pending = _pending;
            _pending = null; // firmware frees its copy whether or not the apply succeeds
            var refused = _flavor == DeviceFlavor.Esp8266 ? Status.InvalidArgument : Status.InternalError;
            if (pending is null)
            {
                return refused;
            }

            if (_flavor != DeviceFlavor.Esp8266 && _credentialsReceived)
            {
                return Status.InternalError;
            }

            _applied = pending;
            _appliesReceived++;
            _credentialsReceived = true;
            credentials = pending;
        }

        Station.Connect(credentials.SsidBytes.ToArray(), credentials.PassphraseBytes.ToArray());
        return Status.Success;
    }

    /// <summary>Get status: the station state; a Connected answer ends provisioning (auto-stop) or rearms the device.</summary>
    public StationStatus GetStatus()
    {
        var status = Station.Status;
        if (status.State == WifiConnectionState.Connected)
        {
            lock (_lock)
            {
                if (_rearm)
                {
                    _rearmPending = true;
                }
                else if (_autoStop && _flavor != DeviceFlavor.Esp8266)
                {
                    ScheduleStop(CleanupDelay, "the client read the Connected status");
                }
            }
        }

        return status;
    }

    /// <summary>Runs after a response was produced: a pending rearm happens only once the Connected answer is on its way.</summary>
    public void AfterResponse()
    {
        bool rearm;
        lock (_lock)
        {
            rearm = _rearmPending;
            _rearmPending = false;
            if (rearm)
            {
                _pending = null;
                _applied = null;
                _credentialsReceived = false;
                _scanResults = [];
            }
        }

        if (rearm)
        {
            Station.Reset();
            SessionDiscardRequested?.Invoke();
            _logger.Rearmed();
        }
    }

    /// <summary>prov-ctrl reset (docs/protocol.md#control): only after a failed attempt; clears the station
    /// configuration.</summary>
    public Status CtrlReset()
    {
        lock (_lock)
        {
            if (State != ProvisioningState.Failed)
            {
                return Status.InternalError;
            }

            // Firmware leaves the reported station state alone until the next apply.
            _applied = null;
            _credentialsReceived = false;
            _logger.ResetAfterFailure();
            return Status.Success;
        }
    }

    /// <summary>prov-ctrl reprov (docs/protocol.md#control): only when auto-stop is disabled; clears credentials and
    /// restarts provisioning.</summary>
    public Status CtrlReprov()
    {
        lock (_lock)
        {
            if (_autoStop)
            {
                return Status.InternalError;
            }

            _applied = null;
            _credentialsReceived = false;
        }

        Station.Reset();
        _logger.Reprovisioning();
        return Status.Success;
    }

    /// <summary>Scan: every simulated network, strongest first, at most <see cref="MaxScanEntries"/>.</summary>
    public void StartScan()
    {
        lock (_lock)
        {
            _scanResults = [.. _networks.OrderByDescending(n => n.Rssi).Take(MaxScanEntries)];
        }
    }

    public IReadOnlyList<SimulatedNetwork> ScanResults
    {
        get
        {
            lock (_lock)
            {
                return _scanResults;
            }
        }
    }

    public void RecordCustomConfig(string info, int version)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(info);
        var kept = CBuffer.Copy(bytes, MaxCustomInfoBytes);
        lock (_lock)
        {
            if (_customConfigs.Count >= MaxRecords)
            {
                _customConfigs.RemoveAt(0);
            }

            _customConfigs.Add(new CustomConfigRecord(System.Text.Encoding.UTF8.GetString(kept), version));
        }

        _logger.CustomConfig(kept.Length, version);
    }

    public void RecordCustomData(byte[] data)
    {
        lock (_lock)
        {
            if (_customData.Count >= MaxRecords)
            {
                _customData.RemoveAt(0);
            }

            _customData.Add(data);
        }

        _logger.CustomData(data.Length);
    }

    public void MarkStopped()
    {
        lock (_lock)
        {
            _stopped = true;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stopTimer?.Dispose();
            _stopTimer = null;
        }

        Station.Dispose();
    }

    private void OnStationConnected(SimulatedNetwork network)
    {
        lock (_lock)
        {
            // Firmware's other auto-stop path: the service ends a while after the station got its IP.
            if (_autoStop && !_rearm)
            {
                ScheduleStop(StopAfterGotIp, "30 s after the station got its IP");
            }
        }
    }

    // Must hold _lock.
    private void ScheduleStop(TimeSpan delay, string why)
    {
        if (_stopped || (_stopTimer is not null && delay == StopAfterGotIp))
        {
            return;
        }

        _stopTimer?.Dispose();
        _logger.StopScheduled(Math.Round(delay.TotalSeconds, 1), why);
        _stopTimer = _time.CreateTimer(_ => Stop(), null, delay, Timeout.InfiniteTimeSpan);
    }

    private void Stop()
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
        }

        _logger.Stopped();
        StopRequested?.Invoke();
    }
}
