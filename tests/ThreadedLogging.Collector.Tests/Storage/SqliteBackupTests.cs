using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Security;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// <c>backup --to</c>, run as the real executable beside a running collector: the copy holds what was acknowledged
/// before it began, whole batches only, and a collector started on it serves it (the full-text index rebuilt).
/// </summary>
public sealed class SqliteBackupTests
{
    [Fact]
    public async Task Backup_WhileTheCollectorRuns_RestoredFolderServesWhatWasAcknowledged()
    {
        using var backup = new TempDirectory();
        using var restored = new TempDirectory();
        await using (var running = await CollectorFixture.StartAsync())
        {
            await PostAsync(running, "b1", "zebra crossing 1", "zebra crossing 2", "zebra crossing 3");
            using var rule = await running.Client.PostAsJsonAsync("api/levels", new { user = "alice", level = "Debug", duration = "02:00:00" });
            rule.EnsureSuccessStatusCode();

            var (exitCode, stdout, stderr) = await ProgramExitTests.RunCollectorAsync("backup", "--data", running.DataDirectory, "--to", backup.Path);

            Assert.True(exitCode == 0, stderr);
            Assert.Contains($"Backed up {Path.Combine(backup.Path, SqliteEventStore.FileName)} (", stdout, StringComparison.Ordinal);
            Assert.Contains("3 events)", stdout, StringComparison.Ordinal);
            Assert.Contains("To restore:", stdout, StringComparison.Ordinal);
            // One self-contained file each: no -wal or -shm beside them (the copy's own reads left none).
            Assert.Equal([SqliteEventStore.FileName, SqliteLevelRuleStore.FileName], FileNames(backup.Path));
            await PostAsync(running, "b2", "zebra after the backup");
        }

        foreach (var file in Directory.GetFiles(backup.Path))
        {
            File.Copy(file, Path.Combine(restored.Path, Path.GetFileName(file)));
        }

        await using var collector = await CollectorFixture.StartInAsync(restored.Path);
        Assert.Equal(["zebra crossing 3", "zebra crossing 2", "zebra crossing 1"], Messages(await collector.EventsAsync("user=alice")));
        Assert.Equal(3, (await collector.EventsAsync("q=zebra")).Count); // the index, not copied, rebuilt from the events
        var rules = (await collector.GetJsonAsync("api/levels")).GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal("alice", Assert.Single(rules).GetProperty("user").GetString());
        Assert.False(File.Exists(Path.Combine(backup.Path, SqliteFtsIndexer.FileName)));
    }

    [Fact]
    public async Task Backup_DuringIngest_HoldsWholeBatchesAcknowledgedBeforeItAndPassesIntegrityCheck()
    {
        using var backup = new TempDirectory();
        await using var running = await CollectorFixture.StartAsync();
        const int PerBatch = 50;
        var acknowledged = 0;
        var tenAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var posting = Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                await PostAsync(running, $"batch-{n}", [.. Enumerable.Range(0, PerBatch).Select(i => $"event {n}.{i}")]);
                if (Interlocked.Add(ref acknowledged, PerBatch) >= 10 * PerBatch)
                {
                    tenAcknowledged.TrySetResult();
                }
            }
        });
        await await Task.WhenAny(tenAcknowledged.Task, posting).WaitAsync(TimeSpan.FromMinutes(2)); // a bound on a hung test, not a timing assertion; a failed post fails here

        var before = Volatile.Read(ref acknowledged);
        var (exitCode, _, stderr) = await ProgramExitTests.RunCollectorAsync("backup", "--data", running.DataDirectory, "--to", backup.Path);
        var after = Volatile.Read(ref acknowledged);
        await stop.CancelAsync();
        await posting;

        Assert.True(exitCode == 0, stderr);
        await using var copy = new SqliteConnection($"Data Source={Path.Combine(backup.Path, SqliteEventStore.FileName)};Mode=ReadOnly;Pooling=False");
        await copy.OpenAsync();
        Assert.Equal("ok", await ScalarAsync<string>(copy, "PRAGMA integrity_check"));
        var events = await ScalarAsync<long>(copy, "SELECT count(*) FROM events");
        Assert.InRange(events, before, after + PerBatch); // the batch in flight when the backup began may be in it
        Assert.Equal(0, events % PerBatch); // never part of a batch
    }

    [Fact]
    public async Task Backup_OfAStoppedCollectorsFolder_LeavesNoWalOrShmFileInEitherFolder()
    {
        using var data = new TempDirectory();
        using var backup = new TempDirectory();
        await using (var stopped = await CollectorFixture.StartInAsync(data.Path))
        {
            await PostAsync(stopped, "b1", "kept");
        }

        SqliteConnection.ClearAllPools(); // as the stopped process would: its connections closed, SQLite removed its -wal and -shm

        var before = FileNames(data.Path);
        Assert.DoesNotContain(before, name => name.EndsWith("-wal", StringComparison.Ordinal) || name.EndsWith("-shm", StringComparison.Ordinal));

        var (exitCode, stdout, stderr) = await ProgramExitTests.RunCollectorAsync("backup", "--data", data.Path, "--to", backup.Path);

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("1 event)", stdout, StringComparison.Ordinal);
        // Empty -wal and -shm files made by the backup's read-only connections, owned by whoever ran it (root, say),
        // would keep a collector that runs as its own user from opening its database.
        Assert.Equal(before, FileNames(data.Path));
        Assert.Equal([SqliteEventStore.FileName, SqliteLevelRuleStore.FileName], FileNames(backup.Path));
        await using var restored = await CollectorFixture.StartInAsync(backup.Path);
        Assert.Equal(["kept"], Messages(await restored.EventsAsync("user=alice")));
    }

    [Fact]
    public async Task Backup_TargetHoldsABackup_Exit2NeverOverwritten()
    {
        using var backup = new TempDirectory();
        await using var running = await CollectorFixture.StartAsync();
        await PostAsync(running, "b1", "kept");
        var existing = Path.Combine(backup.Path, SqliteEventStore.FileName);
        await File.WriteAllTextAsync(existing, "an older backup");

        var (exitCode, _, stderr) = await ProgramExitTests.RunCollectorAsync("backup", "--data", running.DataDirectory, "--to", backup.Path);

        Assert.Equal(2, exitCode);
        Assert.Contains($"--to '{backup.Path}' already holds {SqliteEventStore.FileName}", stderr, StringComparison.Ordinal);
        Assert.Equal("an older backup", await File.ReadAllTextAsync(existing));
    }

    [Theory]
    [InlineData("no-database", "holds no collector.db")]
    [InlineData("postgres", "back up the database with PostgreSQL's own tools (pg_dump")]
    [InlineData("Postgres", "back up the database with PostgreSQL's own tools (pg_dump")] // the engine's name in any case, as the collector reads it
    [InlineData("no-target", "Usage: backup --to <folder>")]
    public async Task Backup_NothingToCopyOrNoTarget_Exit2Saying(string setup, string expected)
    {
        using var data = new TempDirectory();
        using var backup = new TempDirectory();
        string[] args = setup switch
        {
            "no-database" => ["backup", "--data", data.Path, "--to", backup.Path],
            "postgres" or "Postgres" => ["backup", "--data", data.Path, $"--Collector:Store={setup}", "--to", backup.Path],
            _ => ["backup", "--data", data.Path],
        };

        var (exitCode, _, stderr) = await ProgramExitTests.RunCollectorAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(backup.Path));
    }

    private static List<string> FileNames(string folder) => [.. Directory.GetFiles(folder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    private static List<string?> Messages(List<System.Text.Json.JsonElement> events) => [.. events.Select(e => e.GetProperty("message").GetString())];

    private static Task PostAsync(CollectorFixture collector, string batchId, params string[] messages) =>
        Http.PostStoredAsync(collector.Client, "log/alice", Http.Envelope(batchId, [.. messages.Select(m => (object)new { timestamp = DateTimeOffset.UtcNow, level = "Error", message = m })]));

    private static async Task<T> ScalarAsync<T>(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
