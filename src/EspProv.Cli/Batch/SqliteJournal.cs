using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace EspProv.Cli.Batch;

/// <summary>What <c>batch report</c> reads from a journal.</summary>
internal sealed record JournalContents(DateTimeOffset? CreatedAt, int Runs, DateTimeOffset? LastStartedAt, IReadOnlyList<DeviceRecord> Devices);

/// <summary>
/// The batch journal in a SQLite file (Microsoft.Data.Sqlite, embedded). WAL with <c>synchronous=FULL</c>: every
/// state write is one transaction whose commit is fsynced before <see cref="RecordAsync"/> returns, so a kill -9 or a
/// power cut after it cannot lose it (NORMAL would survive a killed process but not a power cut). One writer: the run
/// holding <c>&lt;journal&gt;.lock</c>; readers (<see cref="ReadAsync"/>) need no lock thanks to WAL.
/// </summary>
internal sealed class SqliteJournal : IJournal
{
    private const int SchemaVersion = 1;
    private static readonly DeviceState[] States = Enum.GetValues<DeviceState>();

    private readonly string _path;
    private readonly FileStream _runLock;
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<string> _order = [];
    private readonly Dictionary<string, DeviceRecord> _records = new(StringComparer.Ordinal);

    private SqliteJournal(string path, FileStream runLock, SqliteConnection connection, TimeProvider time)
    {
        _path = path;
        _runLock = runLock;
        _connection = connection;
        _time = time;
    }

    /// <summary>The lock file beside a journal.</summary>
    public static string LockPath(string journalPath) => journalPath + ".lock";

    /// <summary>
    /// Opens (creating if needed) a journal for a run, taking its run lock.
    /// The lock is an OS lock on <c>&lt;journal&gt;.lock</c> opened with <see cref="FileShare.None"/> (flock on Unix, a
    /// share mode on Windows): the kernel drops it when the process dies, even by kill -9, so a crashed run never
    /// blocks the next one, and no stale-lock guessing (pids, ages) is needed. It is a separate file because SQLite
    /// takes its own locks on the database. The file is left in place: deleting it would let a waiting opener lock
    /// an unlinked file while a third creates a new one.
    /// </summary>
    /// <exception cref="JournalLockedException">Another run holds the journal.</exception>
    public static async Task<SqliteJournal> OpenAsync(string path, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        FileStream runLock;
        try
        {
            runLock = new FileStream(LockPath(full), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
        {
            throw new JournalLockedException(path);
        }

        SqliteConnection? connection = null;
        try
        {
            connection = new SqliteConnection(ConnectionString(full, SqliteOpenMode.ReadWriteCreate));
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, Schema, cancellationToken).ConfigureAwait(false);
            var journal = new SqliteJournal(path, runLock, connection, time ?? TimeProvider.System);
            foreach (var record in await ReadDevicesAsync(connection, cancellationToken).ConfigureAwait(false))
            {
                journal._order.Add(record.Name);
                journal._records[record.Name] = record;
            }

            return journal;
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            await runLock.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Reads a journal without taking the run lock (a run may be writing it). For <c>batch report</c>.</summary>
    /// <exception cref="SqliteException">The file is missing or not a journal.</exception>
    public static async Task<JournalContents> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"no journal at '{path}'", path);
        }

        var connection = new SqliteConnection(ConnectionString(full, SqliteOpenMode.ReadOnly));
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var devices = await ReadDevicesAsync(connection, cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT created_at, runs, last_started_at FROM run WHERE id = 1";
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new JournalContents(Time(reader, 0), reader.GetInt32(1), Time(reader, 2), devices)
                : new JournalContents(null, 0, null, devices);
        }
    }

    public async Task<IReadOnlyList<DeviceRecord>> StartRunAsync(Manifest manifest, bool manifestChangedOk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            using var transaction = _connection.BeginTransaction();
            byte[]? salt = null;
            string? stored = null;
            using (var read = Command("SELECT manifest_salt, manifest_fingerprint FROM run WHERE id = 1", transaction))
            using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    salt = (byte[])reader.GetValue(0);
                    stored = reader.GetString(1);
                }
            }

            salt ??= RandomNumberGenerator.GetBytes(16);
            var fingerprint = manifest.Fingerprint(salt);
            if (stored is not null && stored != fingerprint && !manifestChangedOk)
            {
                throw new ManifestChangedException(_path);
            }

            using (var run = Command(
                "INSERT INTO run (id, created_at, manifest_salt, manifest_fingerprint, runs, last_started_at) VALUES (1, $now, $salt, $fp, 1, $now) "
                + "ON CONFLICT (id) DO UPDATE SET manifest_fingerprint = $fp, runs = runs + 1, last_started_at = $now", transaction))
            {
                run.Parameters.AddWithValue("$now", Text(now));
                run.Parameters.AddWithValue("$salt", salt);
                run.Parameters.AddWithValue("$fp", fingerprint);
                await run.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var added = new List<DeviceRecord>();
            foreach (var entry in manifest.Entries.Where(e => !_records.ContainsKey(e.Name)))
            {
                var record = JournalRecords.NewPending(entry.Name, now);
                using var insert = Command("INSERT INTO device (name, position, state, attempts, pending_at, updated_at) VALUES ($name, $position, 'pending', 0, $now, $now)", transaction);
                insert.Parameters.AddWithValue("$name", entry.Name);
                insert.Parameters.AddWithValue("$position", _order.Count + added.Count);
                insert.Parameters.AddWithValue("$now", Text(now));
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                added.Add(record);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            foreach (var record in added)
            {
                _order.Add(record.Name);
                _records[record.Name] = record;
            }

            return Snapshot();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<DeviceRecord> RecordAsync(string device, DeviceState state, DeviceOutcome outcome, CancellationToken cancellationToken)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_records.TryGetValue(device, out var current))
            {
                throw new KeyNotFoundException($"journal: no device '{device}'");
            }

            var next = JournalRecords.Move(current, state, outcome, _time.GetUtcNow());
            using var update = Command(
                "UPDATE device SET state = $state, attempts = $attempts, ip = $ip, bssid = $bssid, channel = $channel, auth_mode = $auth, "
                + "reason = $reason, exit_code = $exit, " + string.Join(", ", States.Select(s => $"{s.Name()}_at = ${s.Name()}")) + ", updated_at = $updated "
                + "WHERE name = $name", transaction: null);
            update.Parameters.AddWithValue("$name", device);
            update.Parameters.AddWithValue("$state", next.State.Name());
            update.Parameters.AddWithValue("$attempts", next.Attempts);
            update.Parameters.AddWithValue("$ip", (object?)next.Ip ?? DBNull.Value);
            update.Parameters.AddWithValue("$bssid", (object?)next.Bssid ?? DBNull.Value);
            update.Parameters.AddWithValue("$channel", (object?)next.Channel ?? DBNull.Value);
            update.Parameters.AddWithValue("$auth", (object?)next.AuthMode ?? DBNull.Value);
            update.Parameters.AddWithValue("$reason", (object?)next.Reason ?? DBNull.Value);
            update.Parameters.AddWithValue("$exit", (object?)next.ExitCode ?? DBNull.Value);
            foreach (var s in States)
            {
                update.Parameters.AddWithValue($"${s.Name()}", next.EnteredAt.TryGetValue(s, out var at) ? Text(at) : DBNull.Value);
            }

            update.Parameters.AddWithValue("$updated", Text(next.UpdatedAt));
            // Autocommit: the UPDATE is its own transaction, fsynced (synchronous=FULL) before this returns. Not
            // cancellable once started: a state half-written by a Ctrl+C would leave the journal behind the device.
            await update.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            _records[device] = next;
            return next;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<DeviceRecord>> ReadAllAsync(CancellationToken cancellationToken)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Snapshot();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The connection first (closing the last one checkpoints the WAL), then the run lock.
        await _connection.DisposeAsync().ConfigureAwait(false);
        await _runLock.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS run (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            created_at TEXT NOT NULL,
            manifest_salt BLOB NOT NULL,
            manifest_fingerprint TEXT NOT NULL,
            runs INTEGER NOT NULL,
            last_started_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS device (
            name TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'session', 'config_sent', 'applying', 'connected', 'failed', 'unknown')),
            attempts INTEGER NOT NULL,
            ip TEXT, bssid TEXT, channel INTEGER, auth_mode TEXT, reason TEXT, exit_code INTEGER,
            pending_at TEXT, session_at TEXT, config_sent_at TEXT, applying_at TEXT, connected_at TEXT, failed_at TEXT, unknown_at TEXT,
            updated_at TEXT NOT NULL
        );
        PRAGMA user_version = 1;
        """;

    private async Task EnterAsync(CancellationToken cancellationToken)
    {
        // A write is a few milliseconds; 30 s means the disk is stuck, which must fail the run rather than hang it.
        if (!await _gate.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false))
        {
            throw new TimeoutException($"journal '{_path}': a write did not finish within 30 s");
        }
    }

    private SqliteCommand Command(string sql, SqliteTransaction? transaction)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private DeviceRecord[] Snapshot() => _order.Select(n => _records[n]).ToArray();

    private static string ConnectionString(string path, SqliteOpenMode mode) =>
        new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, DefaultTimeout = 5 }.ToString();

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<DeviceRecord>> ReadDevicesAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, state, attempts, ip, bssid, channel, auth_mode, reason, exit_code, "
            + string.Join(", ", States.Select(s => $"{s.Name()}_at")) + ", updated_at FROM device ORDER BY position";
        var devices = new List<DeviceRecord>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var entered = new Dictionary<DeviceState, DateTimeOffset>();
            for (var i = 0; i < States.Length; i++)
            {
                if (Time(reader, 9 + i) is { } at)
                {
                    entered[States[i]] = at;
                }
            }

            devices.Add(new DeviceRecord
            {
                Name = reader.GetString(0),
                State = DeviceStates.Parse(reader.GetString(1)),
                Attempts = reader.GetInt32(2),
                Ip = reader.IsDBNull(3) ? null : reader.GetString(3),
                Bssid = reader.IsDBNull(4) ? null : reader.GetString(4),
                Channel = reader.IsDBNull(5) ? null : reader.GetInt32(5),
                AuthMode = reader.IsDBNull(6) ? null : reader.GetString(6),
                Reason = reader.IsDBNull(7) ? null : reader.GetString(7),
                ExitCode = reader.IsDBNull(8) ? null : reader.GetInt32(8),
                EnteredAt = entered,
                UpdatedAt = Time(reader, 9 + States.Length) ?? default,
            });
        }

        return devices;
    }

    private static string Text(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset? Time(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
