using System.Collections.Concurrent;
using System.Diagnostics;

namespace EspProv.Cli.Batch;

/// <summary>Each device's state and clock, for the plain and live views (written by concurrent devices).</summary>
internal sealed class BatchProgress
{
    private readonly ConcurrentDictionary<string, Row> _rows = new(StringComparer.Ordinal);

    /// <summary>Devices in the order they were added.</summary>
    private readonly ConcurrentQueue<string> _order = new();

    /// <summary>Adds a device not started yet (the live table lists every device from the start).</summary>
    public void Add(string device, string state)
    {
        if (_rows.TryAdd(device, new Row { State = state }))
        {
            _order.Enqueue(device);
        }
    }

    public void Started(string device)
    {
        Add(device, DeviceState.Pending.Name());
        var row = _rows[device];
        lock (row)
        {
            row.Started = Stopwatch.GetTimestamp();
            row.Finished = null;
        }
    }

    public void State(string device, string state)
    {
        Add(device, state);
        var row = _rows[device];
        lock (row)
        {
            row.State = state;
        }
    }

    public void Finish(string device, string state)
    {
        Add(device, state);
        var row = _rows[device];
        lock (row)
        {
            row.State = state;
            row.Finished = row.Started is { } s ? Stopwatch.GetElapsedTime(s) : TimeSpan.Zero;
        }
    }

    public long ElapsedMs(string device)
    {
        if (!_rows.TryGetValue(device, out var row))
        {
            return 0;
        }

        lock (row)
        {
            return (long)(row.Finished ?? (row.Started is { } s ? Stopwatch.GetElapsedTime(s) : TimeSpan.Zero)).TotalMilliseconds;
        }
    }

    /// <summary>Every device with its state and elapsed time, in order.</summary>
    public IReadOnlyList<(string Device, string State, long ElapsedMs, bool Done)> Snapshot() =>
        _order.Select(d =>
        {
            var row = _rows[d];
            lock (row)
            {
                return (d, row.State, ElapsedMs(d), row.Finished is not null);
            }
        }).ToArray();

    private sealed class Row
    {
        public required string State { get; set; }
        public long? Started { get; set; }
        public TimeSpan? Finished { get; set; }
    }
}
