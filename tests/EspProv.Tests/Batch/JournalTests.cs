using System.Text;
using EspProv.Cli.Batch;
using Microsoft.Data.Sqlite;

namespace EspProv.Tests.Batch;

public sealed class JournalTests : IDisposable
{
    private const string Pop = "Pop-Jr71xQ";
    private const string Password = "Pwd-Kd02Zp";
    private const string Passphrase = "Pass-Wm55Tc";

    private readonly string _dir = Directory.CreateTempSubdirectory("espprov-journal-").FullName;

    private string DbPath => Path.Combine(_dir, "run.db");

    private static Manifest TwoDevices(string passphrase = Passphrase) => Manifest.Parse(
        $"name,address,pop,sec2_username,sec2_pwd,passphrase\ndev1,127.0.0.1:9000,{Pop},,,{passphrase}\ndev2,127.0.0.1:9001,,wifiprov,{Password},{passphrase}\n");

    public static TheoryData<string> Kinds() => ["sqlite", "memory"];

    private async Task<IJournal> OpenAsync(string kind) =>
        kind == "sqlite" ? await SqliteJournal.OpenAsync(DbPath, CancellationToken.None) : new InMemoryJournal();

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task StartRun_CreatesPendingRows_InManifestOrder(string kind)
    {
        await using var journal = await OpenAsync(kind);
        var rows = await journal.StartRunAsync(TwoDevices(), manifestChangedOk: false, CancellationToken.None);
        Assert.Equal(["dev1", "dev2"], rows.Select(r => r.Name).ToArray());
        Assert.All(rows, r => Assert.Equal(DeviceState.Pending, r.State));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Applying_NeverGoesBackToSessionOrConfigSent(string kind)
    {
        await using var journal = await OpenAsync(kind);
        await journal.StartRunAsync(TwoDevices(), false, CancellationToken.None);
        await journal.RecordAsync("dev1", DeviceState.Session, DeviceOutcome.None, CancellationToken.None);
        await journal.RecordAsync("dev1", DeviceState.ConfigSent, DeviceOutcome.None, CancellationToken.None);
        await journal.RecordAsync("dev1", DeviceState.Applying, DeviceOutcome.None, CancellationToken.None);
        await Assert.ThrowsAsync<JournalTransitionException>(() => journal.RecordAsync("dev1", DeviceState.Session, DeviceOutcome.None, CancellationToken.None));
        await Assert.ThrowsAsync<JournalTransitionException>(() => journal.RecordAsync("dev1", DeviceState.ConfigSent, DeviceOutcome.None, CancellationToken.None));
        await Assert.ThrowsAsync<JournalTransitionException>(() => journal.RecordAsync("dev2", DeviceState.Applying, DeviceOutcome.None, CancellationToken.None));
        var unknown = await journal.RecordAsync("dev1", DeviceState.Unknown, new DeviceOutcome { Reason = "no verdict", ExitCode = 9 }, CancellationToken.None);
        Assert.Equal(DeviceState.Unknown, unknown.State);
        // --retry-unknown: a deliberate new attempt, which clears the old outcome.
        var retry = await journal.RecordAsync("dev1", DeviceState.Session, DeviceOutcome.None, CancellationToken.None);
        Assert.Equal(2, retry.Attempts);
        Assert.Null(retry.Reason);
    }

    [Fact]
    public void CanMove_AllowsExactlyTheDocumentedTransitions()
    {
        var states = Enum.GetValues<DeviceState>();
        var allowed = states.SelectMany(f => states.Where(t => DeviceStates.CanMove(f, t)).Select(t => $"{f.Name()}>{t.Name()}")).ToHashSet();
        Assert.DoesNotContain("applying>session", allowed);
        Assert.DoesNotContain("applying>config_sent", allowed);
        Assert.DoesNotContain("connected>session", allowed);
        Assert.DoesNotContain("connected>failed", allowed);
        Assert.DoesNotContain(allowed, a => a.EndsWith(">pending", StringComparison.Ordinal));
        Assert.Contains("failed>session", allowed);
        Assert.Contains("applying>connected", allowed);
        Assert.Contains("unknown>connected", allowed);
    }

    [Fact]
    public async Task Sqlite_EveryWrite_IsThereAfterReopening_WithTimestampsAndOutcome()
    {
        var journal = await SqliteJournal.OpenAsync(DbPath, CancellationToken.None);
        await journal.StartRunAsync(TwoDevices(), false, CancellationToken.None);
        await journal.RecordAsync("dev1", DeviceState.Session, DeviceOutcome.None, CancellationToken.None);
        await journal.RecordAsync("dev1", DeviceState.ConfigSent, DeviceOutcome.None, CancellationToken.None);
        await journal.RecordAsync("dev1", DeviceState.Applying, DeviceOutcome.None, CancellationToken.None);
        await journal.RecordAsync("dev1", DeviceState.Connected, new DeviceOutcome { Ip = "192.168.1.42", Bssid = "aa:bb:cc:dd:ee:ff", Channel = 6, AuthMode = "wpa2_psk", ExitCode = 0 }, CancellationToken.None);
        await journal.RecordAsync("dev2", DeviceState.Session, DeviceOutcome.None, CancellationToken.None);
        await journal.RecordAsync("dev2", DeviceState.Failed, new DeviceOutcome { Reason = "session failed: wrong username or password?", ExitCode = 4 }, CancellationToken.None);
        await journal.DisposeAsync();

        var contents = await SqliteJournal.ReadAsync(DbPath, CancellationToken.None);
        Assert.Equal(1, contents.Runs);
        var dev1 = contents.Devices[0];
        Assert.Equal((DeviceState.Connected, 1, "192.168.1.42", "aa:bb:cc:dd:ee:ff", 6, "wpa2_psk", 0), (dev1.State, dev1.Attempts, dev1.Ip, dev1.Bssid, dev1.Channel, dev1.AuthMode, dev1.ExitCode));
        Assert.Equal([DeviceState.Pending, DeviceState.Session, DeviceState.ConfigSent, DeviceState.Applying, DeviceState.Connected], dev1.EnteredAt.Keys.Order().ToArray());
        Assert.True(dev1.EnteredAt[DeviceState.Connected] >= dev1.EnteredAt[DeviceState.Pending]);
        Assert.Equal((DeviceState.Failed, 4), (contents.Devices[1].State, contents.Devices[1].ExitCode));

        await using var again = await SqliteJournal.OpenAsync(DbPath, CancellationToken.None);
        var rows = await again.StartRunAsync(TwoDevices(), false, CancellationToken.None);
        Assert.Equal(DeviceState.Connected, rows[0].State);
        Assert.Equal(2, (await SqliteJournal.ReadAsync(DbPath, CancellationToken.None)).Runs);
    }

    [Fact]
    public async Task Sqlite_UsesWal_AndASecondRunIsRefused_UntilTheFirstEnds()
    {
        var first = await SqliteJournal.OpenAsync(DbPath, CancellationToken.None);
        await first.StartRunAsync(TwoDevices(), false, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<JournalLockedException>(() => SqliteJournal.OpenAsync(DbPath, CancellationToken.None));
        Assert.Contains("in use by another esp-prov batch run", refused.Message, StringComparison.Ordinal);

        // A report reads while the run holds the journal.
        Assert.Equal(2, (await SqliteJournal.ReadAsync(DbPath, CancellationToken.None)).Devices.Count);
        await using (var probe = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await probe.OpenAsync();
            using var command = probe.CreateCommand();
            command.CommandText = "PRAGMA journal_mode";
            Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        }

        await first.DisposeAsync();
        await using var second = await SqliteJournal.OpenAsync(DbPath, CancellationToken.None);
        Assert.Equal(2, (await second.StartRunAsync(TwoDevices(), false, CancellationToken.None)).Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ChangedManifest_IsRefused_UnlessAllowed_ThenNewDevicesArePending(string kind)
    {
        await using var journal = await OpenAsync(kind);
        await journal.StartRunAsync(TwoDevices(), false, CancellationToken.None);
        await journal.RecordAsync("dev1", DeviceState.Session, DeviceOutcome.None, CancellationToken.None);
        await Assert.ThrowsAsync<ManifestChangedException>(() => journal.StartRunAsync(TwoDevices("Other-pass"), false, CancellationToken.None));

        var grown = Manifest.Parse("name,address\ndev1,127.0.0.1:9000\ndev2,127.0.0.1:9001\ndev3,127.0.0.1:9002\n");
        var rows = await journal.StartRunAsync(grown, manifestChangedOk: true, CancellationToken.None);
        Assert.Equal(["dev1", "dev2", "dev3"], rows.Select(r => r.Name).ToArray());
        Assert.Equal(DeviceState.Session, rows[0].State);
        Assert.Equal(DeviceState.Pending, rows[2].State);
        // The adopted manifest is now the reference.
        await journal.StartRunAsync(grown, false, CancellationToken.None);
    }

    [Fact]
    public async Task Sqlite_FilesHoldNoSecret()
    {
        await using (var journal = await SqliteJournal.OpenAsync(DbPath, CancellationToken.None))
        {
            await journal.StartRunAsync(TwoDevices(), false, CancellationToken.None);
            await journal.RecordAsync("dev1", DeviceState.Session, DeviceOutcome.None, CancellationToken.None);
            await journal.RecordAsync("dev1", DeviceState.Failed, new DeviceOutcome { Reason = "wrong proof of possession?" }, CancellationToken.None);

            // While the run is open (data still in the WAL) and after it closed (checkpointed into the database).
            AssertNoSecretIn(_dir);
        }

        AssertNoSecretIn(_dir);
    }

    private static void AssertNoSecretIn(string dir)
    {
        var files = Directory.GetFiles(dir);
        Assert.Contains(files, f => f.EndsWith("run.db", StringComparison.Ordinal));
        // The run lock file is empty and held exclusively (which is the point of it).
        foreach (var file in files.Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            foreach (var secret in new[] { Pop, Password, Passphrase })
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"{Path.GetFileName(file)} holds a secret");
                Assert.True(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(secret)) < 0, $"{Path.GetFileName(file)} holds a secret (UTF-16)");
            }
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
