using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// The full-text index's WAL stays within its budget (<see cref="SqliteFtsIndexer"/>'s <c>walBytes</c>, a quarter of
/// the disk reserve at most): the reserve counts each of the store's two WALs up to that size.
/// </summary>
public sealed class FullTextWalTests : IDisposable
{
    private const long WalBytes = 1024 * 1024;
    private readonly TempDirectory _data = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    /// <summary>
    /// 400 groups of 10 messages of ~2 KB of words found nowhere else (8 MB of text, the worst case: each word is a term
    /// of its own), handed over faster than they are indexed: before, the indexer gathered them into one commit (fewer
    /// than 5,000 messages, no byte cap) and its WAL took the whole of it; the -wal file is measured before each write
    /// of the index and at the end (it only grows between the commits that cut it back).
    /// </summary>
    [Fact]
    public void Index_ManyLargeMessagesQueuedAtOnce_TheWalStaysWithinItsBudget_AndEveryMessageIsFound()
    {
        const int Groups = 400;
        const int GroupSize = 10;
        var path = Path.Combine(_data.Path, SqliteFtsIndexer.FileName);
        long peak = 0;
        void Measure() => peak = Math.Max(peak, WalFileBytes(path));
        using var fts = new SqliteFtsIndexer(
            path, Path.Combine(_data.Path, SqliteEventStore.FileName), NullLogger.Instance, busyTimeoutSeconds: 30,
            stopTimeout: TimeSpan.FromHours(1), lingerTime: TimeSpan.FromHours(1), WalBytes)
        {
            BeforeWrite = _ => Measure(), // the indexer's thread, between its transactions
        };
        fts.Start();
        for (var group = 0; group < Groups; group++)
        {
            // Waits while 64 groups are queued, as the events' writer does; the indexer waits an hour for 5,000 messages.
            fts.Enqueue(group + 1, [.. Enumerable.Range(group * GroupSize, GroupSize).Select(i => new FtsText(i + 1, Words(i), null))]);
        }

        fts.Complete(); // the queue is completed: the indexer commits what it gathered and stops
        Measure();

        Assert.Equal(Groups, fts.IndexedSeq);
        Assert.True(peak <= WalBytes, $"the index's WAL took {peak} bytes; its budget is {WalBytes}");
        Assert.Equal(1L, Count(path, "w0x0"));
        Assert.Equal(1L, Count(path, $"w{(Groups * GroupSize) - 1}x249"));
    }

    /// <summary>About 2 KB of words that only message <paramref name="i"/> has.</summary>
    private static string Words(int i)
    {
        var text = new StringBuilder();
        for (var j = 0; j < 250; j++)
        {
            text.Append(CultureInfo.InvariantCulture, $"w{i}x{j} ");
        }

        return text.ToString();
    }

    private static long WalFileBytes(string path)
    {
        var wal = new FileInfo(path + "-wal");
        return wal.Exists ? wal.Length : 0;
    }

    private static long Count(string path, string word)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM events_fts WHERE events_fts MATCH $word";
        command.Parameters.AddWithValue("$word", word);
        return (long)command.ExecuteScalar()!;
    }
}
