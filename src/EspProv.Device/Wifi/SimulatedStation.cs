using System.Text;
using EspProv.Provisioning;
using Microsoft.Extensions.Logging;

namespace EspProv.Device.Wifi;

/// <summary>
/// The device's Wi-Fi station: after <see cref="Connect"/> it reports Connecting for the connect delay, then the outcome
/// decided by the simulated networks. Time comes from a <see cref="TimeProvider"/> so tests never sleep; the outcome is
/// settled by a timer and also on every read, so a fake clock only needs advancing.
/// </summary>
internal sealed class SimulatedStation : IDisposable
{
    private readonly Lock _lock = new();
    private readonly IReadOnlyList<SimulatedNetwork> _networks;
    private readonly TimeSpan _connectDelay;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _attempts;
    private int _attemptsFailed;
    private StationStatus _status = StationStatus.Initial;
    private StationStatus? _pendingOutcome;
    private long _outcomeAt;
    private ITimer? _timer;
    private int _generation;

    // attempts: firmware's wifi_conn_attempts. 0 = one attempt; N = a failed attempt is retried until N failed, each one
    // reported as Connecting with StationStatus.AttemptsRemaining.
    public SimulatedStation(IReadOnlyList<SimulatedNetwork> networks, TimeSpan connectDelay, TimeProvider time, ILogger logger, int attempts = 0)
    {
        _attempts = attempts;
        _networks = networks;
        _connectDelay = connectDelay;
        _time = time;
        _logger = logger;
    }

    /// <summary>When the current attempt reaches its outcome (connected or failed), on the device's clock's timestamp scale; 0 before any attempt.</summary>
    internal long OutcomeTimestamp
    {
        get
        {
            lock (_lock)
            {
                return _outcomeAt;
            }
        }
    }

    /// <summary>Called (once per attempt) when the station gets its IP address.</summary>
    public Action<SimulatedNetwork>? Connected { get; set; }

    public StationStatus Status
    {
        get
        {
            Action? notify;
            StationStatus status;
            lock (_lock)
            {
                notify = SettleIfDue();
                status = _status;
            }

            notify?.Invoke();
            return status;
        }
    }

    /// <summary>Starts connecting with the applied configuration (raw SSID and passphrase bytes, as firmware stores them).</summary>
    public void Connect(byte[] ssid, byte[] passphrase)
    {
        Action? notify;
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            var generation = ++_generation;
            _attemptsFailed = 0;
            _status = StationStatus.Initial;
            _pendingOutcome = Decide(ssid, passphrase);
            _outcomeAt = _time.GetTimestamp();
            if (_logger.IsEnabled(LogLevel.Information))
            {
                _logger.WifiConnecting(Printable(ssid));
            }

            if (_connectDelay > TimeSpan.Zero)
            {
                _outcomeAt += (long)(_connectDelay.TotalSeconds * _time.TimestampFrequency);
                _timer = _time.CreateTimer(_ => OnTimer(generation), null, _connectDelay, Timeout.InfiniteTimeSpan);
            }

            notify = SettleIfDue();
        }

        notify?.Invoke();
    }

    /// <summary>Forgets any attempt: back to the initial state (credentials cleared by the caller).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _generation++;
            _timer?.Dispose();
            _timer = null;
            _pendingOutcome = null;
            _status = StationStatus.Initial;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void OnTimer(int generation)
    {
        Action? notify = null;
        lock (_lock)
        {
            if (generation == _generation)
            {
                notify = SettleIfDue();
            }
        }

        notify?.Invoke();
    }

    // Must hold _lock. Returns the callback to run once the lock is released.
    private Action? SettleIfDue()
    {
        if (_pendingOutcome is null || _time.GetTimestamp() < _outcomeAt)
        {
            return null;
        }

        // A failure with attempts left: firmware reports attempt_failed and calls esp_wifi_connect again.
        while (_pendingOutcome.Network is null && _attempts > 0 && _attemptsFailed + 1 < _attempts)
        {
            _attemptsFailed++;
            _status = StationStatus.Initial with { AttemptsRemaining = (uint)(_attempts - _attemptsFailed) };
            var next = (long)(_connectDelay.TotalSeconds * _time.TimestampFrequency);
            _outcomeAt += next;
            if (_time.GetTimestamp() < _outcomeAt)
            {
                var generation = _generation;
                _timer?.Dispose();
                _timer = _time.CreateTimer(_ => OnTimer(generation), null, _connectDelay, Timeout.InfiniteTimeSpan);
                return null;
            }
        }

        _status = _pendingOutcome;
        _pendingOutcome = null;
        if (_status.Network is { } network)
        {
            _logger.WifiConnected(network.IPAddress);
            var connected = Connected;
            return connected is null ? null : () => connected(network);
        }

        _logger.WifiFailed(_status.FailureReason);
        return null;
    }

    private StationStatus Decide(byte[] ssid, byte[] passphrase)
    {
        SimulatedNetwork? best = null;
        foreach (var network in _networks)
        {
            if (network.SsidBytes.AsSpan().SequenceEqual(ssid) && (best is null || network.Rssi > best.Rssi))
            {
                best = network;
            }
        }

        if (best is null)
        {
            return new StationStatus(WifiConnectionState.ConnectionFailed, WifiFailureReason.NetworkNotFound, null);
        }

        // An open AP accepts the station whatever passphrase it holds; a protected one needs the exact passphrase.
        var ok = best.AuthMode == WifiAuthMode.Open || System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(best.Passphrase), passphrase);
        return ok
            ? new StationStatus(WifiConnectionState.Connected, null, best)
            : new StationStatus(WifiConnectionState.ConnectionFailed, WifiFailureReason.AuthError, null);
    }

    internal static string Printable(ReadOnlySpan<byte> ssid) =>
        new(Encoding.UTF8.GetString(ssid).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
