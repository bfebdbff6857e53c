namespace EspProv.Flood;

/// <summary>Counters the flood workers and the monitor share (Interlocked), reported at the end.</summary>
internal sealed class FloodStats
{
    public readonly long[] ByKind = new long[4];
    public readonly List<TimeSpan> ProbeLatencies = [];
    public readonly List<long> AnswerWindows = [];
    public long Connects;
    public long ConnectFailures;
    public long Answers;
    public long ClosedByDevice;
    public long ProbesSent;
    public long ProbesAnswered;
    public int MaxOpen;
    public int MaxHandlers;
    public int MaxKernelSockets;
    public int MaxProbeAttempts;
    public long Samples;
}
