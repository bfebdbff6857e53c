namespace EspProv.Bench.Timing;

/// <summary>
/// Fixed-size latency histogram: 10 µs buckets up to 2 s, then 1 ms buckets up to 60 s, then one overflow bucket, so
/// recording never allocates and memory stays flat however long a run lasts. Thread-safe through <see cref="Interlocked"/>.
/// </summary>
internal sealed class LatencyHistogram
{
    private const double FineMs = 0.01;
    private const int FineBuckets = 200_000;
    private const double CoarseMs = 1;
    private const int CoarseBuckets = 58_000;
    private readonly long[] _buckets = new long[FineBuckets + CoarseBuckets + 1];
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Record(double milliseconds)
    {
        var index = milliseconds < FineBuckets * FineMs
            ? (long)(milliseconds / FineMs)
            : FineBuckets + (long)((milliseconds - (FineBuckets * FineMs)) / CoarseMs);
        Interlocked.Increment(ref _buckets[Math.Clamp(index, 0, _buckets.Length - 1)]);
        Interlocked.Increment(ref _count);
    }

    /// <summary>The upper edge of the bucket holding the <paramref name="percent"/>th percentile, in ms.</summary>
    public double Percentile(double percent)
    {
        var total = Count;
        if (total == 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Ceiling(percent / 100.0 * total);
        long seen = 0;
        for (var i = 0; i < _buckets.Length - 1; i++)
        {
            seen += Interlocked.Read(ref _buckets[i]);
            if (seen >= rank)
            {
                return i < FineBuckets ? (i + 1) * FineMs : (FineBuckets * FineMs) + ((i - FineBuckets + 1) * CoarseMs);
            }
        }

        return double.PositiveInfinity;
    }
}
