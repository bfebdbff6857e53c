using EspProv.Device.Handlers;
using EspProv.Protocol;
using EspProv.Thread;
using Microsoft.Extensions.Logging;

namespace EspProv.Device.Thread;

/// <summary>What the simulated Thread radio reports (firmware's thread_state, fail reason, and the network attached to).</summary>
internal sealed record ThreadRadioStatus(ThreadNetworkState State, ThreadFailureReason? FailureReason, SimulatedThreadNetwork? Network)
{
    public static ThreadRadioStatus Initial { get; } = new(ThreadNetworkState.Attaching, null, null);
}

/// <summary>
/// The Thread side of a network_provisioning device (manager.c + handlers.c with OpenThread): the dataset received,
/// apply (OpenThread parses it: a malformed one fails at once with DatasetInvalid), the attach (a simulated network
/// with the dataset's network key and extended PAN ID answers after the connect delay, else ThreadNetworkNotFound
/// after the attach timeout), scan, reset and reprovision, and the end of provisioning (auto-stop or rearm) once the
/// client has read Attached. Time from a <see cref="TimeProvider"/>; the outcome settles on a timer and on every read.
/// </summary>
internal sealed class ThreadProvisioning : IDisposable
{
    private static readonly TimeSpan CleanupDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StopAfterAttach = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly IReadOnlyList<SimulatedThreadNetwork> _networks;
    private readonly TimeSpan _attachDelay;
    private readonly TimeSpan _attachTimeout;
    private readonly bool _autoStop;
    private readonly bool _rearm;
    private readonly TimeProvider _time;
    private readonly ProvisioningManager _manager;
    private readonly ILogger _logger;
    private byte[]? _pending;
    private ProvisioningState _state = ProvisioningState.Started;
    private ThreadRadioStatus _status = ThreadRadioStatus.Initial;
    private ThreadRadioStatus? _outcome;
    private long _outcomeAt;
    private ITimer? _timer;
    private ITimer? _stopTimer;
    private bool _rearmPending;
    private List<SimulatedThreadNetwork> _scanResults = [];

    public ThreadProvisioning(SimulatedDeviceOptions options, TimeProvider time, ProvisioningManager manager, ILogger logger)
    {
        _networks = [.. options.ThreadNetworks];
        _attachDelay = options.ConnectDelay;
        _attachTimeout = options.AttachTimeout;
        _autoStop = options.AutoStop;
        _rearm = options.Rearm;
        _time = time;
        _manager = manager;
        _logger = logger;
    }

    public ProvisioningState State
    {
        get
        {
            lock (_lock)
            {
                Settle();
                return _manager.State == ProvisioningState.Stopped ? ProvisioningState.Stopped : _state;
            }
        }
    }

    public ThreadRadioStatus RadioStatus
    {
        get
        {
            lock (_lock)
            {
                Settle();
                return _status;
            }
        }
    }

    /// <summary>Applies acted on (the radio started attaching), over the device's life.</summary>
    public int AppliesReceived { get; private set; }

    public IReadOnlyList<SimulatedThreadNetwork> ScanResults
    {
        get
        {
            lock (_lock)
            {
                return _scanResults;
            }
        }
    }

    /// <summary>CmdSetThreadConfig: at most OT_OPERATIONAL_DATASET_MAX_LENGTH bytes, kept as they are until apply.</summary>
    public Status SetDataset(ReadOnlySpan<byte> dataset)
    {
        if (dataset.Length > ThreadTlvsLimit)
        {
            return Protocol.Status.InvalidArgument;
        }

        lock (_lock)
        {
            _pending = dataset.ToArray();
        }

        _logger.DatasetReceived(dataset.Length);
        return Protocol.Status.Success;
    }

    /// <summary>CmdApplyThreadConfig: needs a dataset; refused once one was received; a malformed one fails here.</summary>
    public Status Apply()
    {
        lock (_lock)
        {
            Settle();
            var pending = _pending;
            _pending = null; // handlers.c frees its copy whether or not the apply succeeds
            if (pending is null || _state is not (ProvisioningState.Started))
            {
                return Protocol.Status.InternalError;
            }

            if (!ThreadDataset.TryParse(Convert.ToHexString(pending), out var dataset, out var error))
            {
                _status = new ThreadRadioStatus(ThreadNetworkState.AttachingFailed, ThreadFailureReason.DatasetInvalid, null);
                _state = ProvisioningState.Failed;
                _logger.DatasetInvalid(error.Offset, error.Reason);
                return Protocol.Status.InternalError;
            }

            var network = _networks.Where(n => n.Accepts(dataset)).OrderByDescending(n => n.Rssi).FirstOrDefault();
            var delay = network is null ? _attachTimeout : _attachDelay;
            _outcome = network is null
                ? new ThreadRadioStatus(ThreadNetworkState.AttachingFailed, ThreadFailureReason.NetworkNotFound, null)
                : new ThreadRadioStatus(ThreadNetworkState.Attached, null, network);
            _status = ThreadRadioStatus.Initial;
            _state = ProvisioningState.CredentialsReceived;
            _outcomeAt = _time.GetTimestamp() + (long)(delay.TotalSeconds * _time.TimestampFrequency);
            AppliesReceived++;
            _timer?.Dispose();
            _timer = delay > TimeSpan.Zero ? _time.CreateTimer(_ => OnTimer(), null, delay, Timeout.InfiniteTimeSpan) : null;
            _logger.Attaching(dataset.ExtendedPanId is { } x ? Convert.ToHexStringLower(x.Span) : "none");
            Settle();
            return Protocol.Status.Success;
        }
    }

    /// <summary>CmdGetThreadStatus: reading Attached ends provisioning (network_prov_mgr_done) or rearms the device.</summary>
    public ThreadRadioStatus GetStatus()
    {
        lock (_lock)
        {
            Settle();
            if (_status.State == ThreadNetworkState.Attached)
            {
                if (_rearm)
                {
                    _rearmPending = true;
                }
                else if (_autoStop)
                {
                    ScheduleStop(CleanupDelay, "the client read the Attached status");
                }
            }

            return _status;
        }
    }

    /// <summary>Runs after a response was produced: a pending rearm happens once the Attached answer is on its way.</summary>
    public void AfterResponse()
    {
        lock (_lock)
        {
            if (!_rearmPending)
            {
                return;
            }

            _rearmPending = false;
            ForgetAttempt();
            _scanResults = [];
        }

        _manager.SessionDiscardRequested?.Invoke();
        _logger.Control("rearmed for the next client");
    }

    /// <summary>
    /// Thread reset (network_prov_mgr_reset_thread_sm_state_on_failure): Success when already in provisioning mode
    /// (network_provisioning 1.2.1+), back to it after a failure, refused while attaching or attached.
    /// </summary>
    public Status Reset()
    {
        lock (_lock)
        {
            Settle();
            if (_state == ProvisioningState.Started)
            {
                return Protocol.Status.Success;
            }

            if (_state != ProvisioningState.Failed)
            {
                return Protocol.Status.InternalError;
            }

            // Firmware leaves the reported thread_state alone until the next apply.
            _state = ProvisioningState.Started;
        }

        _logger.Control("reset after a failed attach");
        return Protocol.Status.Success;
    }

    /// <summary>Thread reprovision: only when auto-stop is off; forgets the network and waits for a new dataset.</summary>
    public Status Reprovision()
    {
        lock (_lock)
        {
            if (_autoStop)
            {
                return Protocol.Status.InternalError;
            }

            ForgetAttempt();
        }

        _logger.Control("reprovisioning");
        return Protocol.Status.Success;
    }

    /// <summary>Thread scan (otThreadDiscover): every simulated network on the mask's channels, strongest first, at most 16.</summary>
    public void StartScan(uint channelMask)
    {
        lock (_lock)
        {
            _scanResults = [.. _networks.Where(n => channelMask == 0 || (channelMask & (1u << n.Channel)) != 0)
                .OrderByDescending(n => n.Rssi).Take(ProvisioningManager.MaxScanEntries)];
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _stopTimer?.Dispose();
            _timer = _stopTimer = null;
        }
    }

    private const int ThreadTlvsLimit = 254;

    // Must hold _lock.
    private void ForgetAttempt()
    {
        _timer?.Dispose();
        _timer = null;
        _outcome = null;
        _pending = null;
        _status = ThreadRadioStatus.Initial;
        _state = ProvisioningState.Started;
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            Settle();
        }
    }

    // Must hold _lock.
    private void Settle()
    {
        if (_outcome is null || _time.GetTimestamp() < _outcomeAt)
        {
            return;
        }

        _status = _outcome;
        _outcome = null;
        if (_status.Network is { } network)
        {
            _state = ProvisioningState.Succeeded;
            _logger.Attached(network.NetworkName);
            if (_autoStop && !_rearm)
            {
                // Firmware's other auto-stop path: the service ends a while after the attach.
                ScheduleStop(StopAfterAttach, "30 s after the attach");
            }
        }
        else
        {
            _state = ProvisioningState.Failed;
            _logger.AttachFailed(_status.FailureReason ?? ThreadFailureReason.Unknown);
        }
    }

    // Must hold _lock.
    private void ScheduleStop(TimeSpan delay, string why)
    {
        if (_stopTimer is not null && delay == StopAfterAttach)
        {
            return;
        }

        _stopTimer?.Dispose();
        _logger.StopScheduled(Math.Round(delay.TotalSeconds, 1), why);
        _stopTimer = _time.CreateTimer(_ => Stop(), null, delay, Timeout.InfiniteTimeSpan);
    }

    private void Stop()
    {
        if (_manager.State == ProvisioningState.Stopped)
        {
            return;
        }

        _manager.MarkStopped();
        _manager.StopRequested?.Invoke();
    }
}
