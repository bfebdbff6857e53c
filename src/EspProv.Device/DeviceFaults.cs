namespace EspProv.Device;

/// <summary>
/// One-shot faults for tests, each applied to the next request for one endpoint: a delay before it is handled, and
/// at most one of "close the connection" (before or after the device handled it) or "answer with an HTTP status".
/// </summary>
public sealed class DeviceFaults
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TimeSpan> _delays = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Fault> _actions = new(StringComparer.Ordinal);

    /// <summary>
    /// Closes the connection without a response on the next request to <paramref name="endpoint"/>. With
    /// <paramref name="afterProcessing"/> the device first handles the request (state changes, cipher advances), so the
    /// client loses an answer the device did produce.
    /// </summary>
    public void CloseConnectionOnNext(string endpoint, bool afterProcessing = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        lock (_lock)
        {
            _actions[endpoint] = new Fault(afterProcessing ? FaultKind.CloseAfter : FaultKind.CloseBefore, 0);
        }
    }

    /// <summary>Answers the next request to <paramref name="endpoint"/> with HTTP <paramref name="statusCode"/> (text/html, short body) without handling it.</summary>
    public void RespondHttpStatusOnNext(string endpoint, int statusCode)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 300);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        lock (_lock)
        {
            _actions[endpoint] = new Fault(FaultKind.Status, statusCode);
        }
    }

    /// <summary>Delays the next request to <paramref name="endpoint"/> by <paramref name="delay"/> (on the device's clock) before handling it.</summary>
    public void DelayNext(string endpoint, TimeSpan delay)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        lock (_lock)
        {
            _delays[endpoint] = delay;
        }
    }

    /// <summary>Faults not yet triggered.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _delays.Count + _actions.Count;
            }
        }
    }

    internal (TimeSpan Delay, Fault? Action) Take(string endpoint)
    {
        lock (_lock)
        {
            _delays.Remove(endpoint, out var delay);
            _actions.Remove(endpoint, out var action);
            return (delay, action);
        }
    }

    internal enum FaultKind
    {
        CloseBefore,
        CloseAfter,
        Status,
    }

    internal sealed record Fault(FaultKind Kind, int StatusCode);
}
