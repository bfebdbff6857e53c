using System.Diagnostics;

namespace EspProv.Transport.Recording;

/// <summary>
/// Collects the <see cref="RecordedExchange"/>s of one or more <see cref="RecordingTransport"/>s. Thread-safe; cheap
/// enough to keep for a whole run (a few hundred bytes per exchange, no payloads).
/// </summary>
public sealed class TransportRecorder
{
    private readonly Lock _gate = new();
    private readonly List<RecordedExchange> _exchanges = [];
    private readonly long _started = Stopwatch.GetTimestamp();

    /// <summary>
    /// What the caller is doing now (a step name such as <c>set_config</c>); stamped on each exchange. The transport sees
    /// only ciphertext on encrypted endpoints, so the message type comes from the caller's side.
    /// </summary>
    public string? Label { get; set; }

    /// <summary>Time since the recorder was created.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    /// <summary>A copy of the exchanges so far, in order.</summary>
    public IReadOnlyList<RecordedExchange> Exchanges
    {
        get
        {
            lock (_gate)
            {
                return [.. _exchanges];
            }
        }
    }

    internal void Add(string endpoint, TimeSpan startedAt, TimeSpan elapsed, int requestBytes, int? responseBytes, string outcome,
        IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        lock (_gate)
        {
            _exchanges.Add(new RecordedExchange(_exchanges.Count + 1, endpoint, Label, startedAt, elapsed, requestBytes, responseBytes, outcome, fields));
        }
    }
}
