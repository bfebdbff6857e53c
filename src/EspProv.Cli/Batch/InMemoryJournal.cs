using System.Security.Cryptography;

namespace EspProv.Cli.Batch;

/// <summary>
/// A journal kept in memory only: the same rules as <see cref="SqliteJournal"/> with no durability. For the
/// benchmark's comparison (what the SQLite journal costs) and for tests of the runner.
/// </summary>
internal sealed class InMemoryJournal(TimeProvider? time = null) : IJournal
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly List<string> _order = [];
    private readonly Dictionary<string, DeviceRecord> _records = new(StringComparer.Ordinal);
    private byte[]? _salt;
    private string? _fingerprint;

    public Task<IReadOnlyList<DeviceRecord>> StartRunAsync(Manifest manifest, bool manifestChangedOk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _salt ??= RandomNumberGenerator.GetBytes(16);
            var fingerprint = manifest.Fingerprint(_salt);
            if (_fingerprint is not null && _fingerprint != fingerprint && !manifestChangedOk)
            {
                throw new ManifestChangedException("(memory)");
            }

            _fingerprint = fingerprint;
            var now = _time.GetUtcNow();
            foreach (var entry in manifest.Entries.Where(e => !_records.ContainsKey(e.Name)))
            {
                _order.Add(entry.Name);
                _records[entry.Name] = JournalRecords.NewPending(entry.Name, now);
            }

            return Task.FromResult<IReadOnlyList<DeviceRecord>>(Snapshot());
        }
    }

    public Task<DeviceRecord> RecordAsync(string device, DeviceState state, DeviceOutcome outcome, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_records.TryGetValue(device, out var current))
            {
                throw new KeyNotFoundException($"journal: no device '{device}'");
            }

            var next = JournalRecords.Move(current, state, outcome, _time.GetUtcNow());
            _records[device] = next;
            return Task.FromResult(next);
        }
    }

    public Task<IReadOnlyList<DeviceRecord>> ReadAllAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<DeviceRecord>>(Snapshot());
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private DeviceRecord[] Snapshot() => _order.Select(n => _records[n]).ToArray();
}
