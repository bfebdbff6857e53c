using System.Diagnostics.Tracing;
using System.Globalization;

namespace EspProv.Bench.Timing;

/// <summary>
/// <c>load --alloc-types</c>: the runtime's allocation sampling (one GCAllocationTick event per ~100 KB allocated),
/// summed by type while enabled, to show what a flow allocates without an external profiler.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const int GCAllocationTick = 10;
    private readonly Dictionary<string, long> _bytes = [];
    private readonly Lock _lock = new();
    private volatile bool _recording;

    public bool Recording
    {
        get => _recording;
        set => _recording = value;
    }

    public IReadOnlyList<(string Type, long Bytes)> Top(int count)
    {
        lock (_lock)
        {
            return [.. _bytes.OrderByDescending(p => p.Value).Take(count).Select(p => (p.Key, p.Value))];
        }
    }

    public void Print(int count, long flows)
    {
        Console.WriteLine("sampled allocation by type (KB per flow, ~100 KB sampling):");
        foreach (var (type, bytes) in Top(count))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {bytes / 1024.0 / Math.Max(flows, 1),8:0.00}  {type}"));
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventId != GCAllocationTick || eventData.Payload is not { } payload || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var type = "?";
        long amount = 0;
        for (var i = 0; i < names.Count; i++)
        {
            switch (names[i])
            {
                case "TypeName":
                    type = payload[i] as string ?? "?";
                    break;
                case "AllocationAmount64":
                    amount = Convert.ToInt64(payload[i], CultureInfo.InvariantCulture);
                    break;
            }
        }

        lock (_lock)
        {
            _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
        }
    }
}
