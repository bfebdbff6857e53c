namespace EspProv.Device.Core;

/// <summary>One recorded request, as the record keeps it (see <see cref="RequestRecord"/>).</summary>
internal readonly record struct RequestEntry(long Link, string Endpoint, long RequestBytes, DeviceRequestOutcome Outcome, int ResponseBytes,
    string FrontEnd, int? Code, string? Detail)
{
    public DeviceRequest ToRequest() => new(Link, Endpoint, RequestBytes, Outcome, ResponseBytes) { FrontEnd = FrontEnd, Code = Code, Detail = Detail };
}

/// <summary>
/// The newest requests, oldest dropped first, as structs in one array that grows up to the capacity and then wraps;
/// <see cref="DeviceRequest"/> objects are made only when the record is read. A device under load keeps 10,000
/// requests: as objects (with their strings) every collection promoted and traced them, which put the fleet load's GC
/// pauses at 3–4 % and its p99 latency up by a quarter (docs/benchmarks.md). Not thread-safe: the caller locks.
/// </summary>
internal sealed class RequestRecord(int capacity)
{
    private RequestEntry[] _ring = [];
    private int _start;
    private int _count;

    public int Count => _count;

    public void Add(in RequestEntry entry)
    {
        if (_count == _ring.Length && _ring.Length < capacity)
        {
            // Only before the first wrap, so the entries are still in order from index 0.
            Array.Resize(ref _ring, (int)Math.Min(capacity, Math.Max(16L, _ring.Length * 2L)));
        }

        if (_count < _ring.Length)
        {
            _ring[_count++] = entry;
            return;
        }

        _ring[_start] = entry;
        _start = (_start + 1) % _ring.Length;
    }

    public DeviceRequest[] ToArray()
    {
        var requests = new DeviceRequest[_count];
        for (var i = 0; i < _count; i++)
        {
            requests[i] = _ring[(_start + i) % _ring.Length].ToRequest();
        }

        return requests;
    }
}
