using System.Diagnostics;
using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// SQLite's own backup beside a running collector (README: the supported ways), with the sqlite3 CLI when it is
/// installed, else the same online backup through Microsoft.Data.Sqlite: the copy opens and a collector started on it
/// serves the events; a tool that only reads the files (a read transaction held open, as a backup's) keeps no
/// collector from starting on the folder, nor from storing meanwhile (collector.lock is the collectors' only).
/// </summary>
public sealed class SqliteToolBackupTests
{
    private static readonly string? Sqlite3 = Environment.GetEnvironmentVariable("PATH")?.Split(':')
        .Select(folder => Path.Combine(folder, "sqlite3")).FirstOrDefault(File.Exists);

    [Fact]
    public async Task OnlineBackupOfCollectorDb_WhileTheCollectorRuns_OpensAndServesTheEvents()
    {
        using var backup = new TempDirectory();
        var copy = Path.Combine(backup.Path, SqliteEventStore.FileName);
        await using (var running = await CollectorFixture.StartAsync())
        {
            await PostAsync(running, "b1", "zebra 1", "zebra 2");
            await BackupAsync(Path.Combine(running.DataDirectory, SqliteEventStore.FileName), copy);
            await PostAsync(running, "b2", "after the backup");
        }

        await using (var connection = new SqliteConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False"))
        {
            await connection.OpenAsync();
            await using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", await check.ExecuteScalarAsync());
        }

        await using var restored = await CollectorFixture.StartInAsync(backup.Path);
        Assert.Equal(["zebra 2", "zebra 1"], (await restored.EventsAsync("user=alice")).Select(e => e.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task ReadTransactionHeldOnCollectorDb_CollectorStartsAndStores()
    {
        using var data = new TempDirectory();
        await using (var stopped = await CollectorFixture.StartInAsync(data.Path))
        {
            await PostAsync(stopped, "b1", "before");
        }

        var database = Path.Combine(data.Path, SqliteEventStore.FileName);
        await using var reader = await HoldReadTransactionAsync(database);

        await using var collector = await CollectorFixture.StartInAsync(data.Path);
        await PostAsync(collector, "b2", "while read");

        Assert.Equal(["while read", "before"], (await collector.EventsAsync("user=alice")).Select(e => e.GetProperty("message").GetString()));
    }

    /// <summary><c>sqlite3 collector.db ".backup copy.db"</c>, or the same online backup API through Microsoft.Data.Sqlite.</summary>
    private static async Task BackupAsync(string source, string copy)
    {
        if (Sqlite3 is not null)
        {
            using var process = Process.Start(new ProcessStartInfo(Sqlite3, [source, $".backup '{copy}'"]) { RedirectStandardError = true })!;
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, errors);
            return;
        }

        await using var from = new SqliteConnection($"Data Source={source};Mode=ReadOnly;Pooling=False");
        await using var to = new SqliteConnection($"Data Source={copy};Pooling=False");
        await from.OpenAsync();
        await to.OpenAsync();
        from.BackupDatabase(to);
    }

    /// <summary>A read transaction on <paramref name="database"/> that has read a page, held until disposed: sqlite3's own when installed.</summary>
    private static async Task<IAsyncDisposable> HoldReadTransactionAsync(string database)
    {
        if (Sqlite3 is not null)
        {
            var process = Process.Start(new ProcessStartInfo(Sqlite3, [database]) { RedirectStandardInput = true, RedirectStandardOutput = true })!;
            await process.StandardInput.WriteLineAsync("BEGIN; SELECT 'reading ' || count(*) FROM events;");
            await process.StandardInput.FlushAsync();
            Assert.Equal("reading 1", await process.StandardOutput.ReadLineAsync()); // its snapshot is taken
            return new Held(async () =>
            {
                process.StandardInput.Close(); // sqlite3 ends at the end of its input
                await process.WaitForExitAsync();
                process.Dispose();
            });
        }

        var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var transaction = connection.BeginTransaction(deferred: true); // BEGIN: the first read takes the snapshot
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT count(*) FROM events";
            Assert.Equal(1L, await read.ExecuteScalarAsync());
        }

        return new Held(async () =>
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        });
    }

    private static Task PostAsync(CollectorFixture collector, string batchId, params string[] messages) =>
        Http.PostStoredAsync(collector.Client, "log/alice", Http.Envelope(batchId, [.. messages.Select(m => (object)new { timestamp = DateTimeOffset.UtcNow, level = "Error", message = m })]));

    private sealed class Held(Func<Task> release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await release();
    }
}
