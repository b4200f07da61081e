using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Postgres;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Benchmarks;

/// <summary>
/// Schema version 5 (diacritics folded in the search column) on a throwaway cluster: ingest into a version 4 and a
/// version 5 database, alternated (in process, the store's AppendAsync, 4 concurrent batches; the generator's ASCII
/// messages, and the same messages with accents), then the upgrade's time over a store of version 4.
/// </summary>
internal static class PostgresUpgradeBench
{
    public static async Task RunAsync(int events, int abEvents, int batchSize, int rounds)
    {
        var server = PostgresServer.StartPrivate();
        try
        {
            Console.WriteLine($"Ingest, {abEvents:N0} events in batches of {batchSize}, schema version 4 against 5, {rounds} rounds alternated; {Environment.ProcessorCount} cores");
            var plain = Batches(abEvents, batchSize, accents: false);
            var accented = Batches(abEvents, batchSize, accents: true);
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (name, batches) in new[] { ("ASCII", plain), ("accented", accented) })
                {
                    foreach (var version in (int[])[4, 5])
                    {
                        var rate = await WithStoreAsync(server, version, s => PostgresBench.IngestAsync([s.Store], batches));
                        Console.WriteLine($"round {round + 1}, {name} messages, version {version}: {rate:N0} events/s (load average {PostgresBench.LoadAverage()})");
                    }
                }
            }

            Console.WriteLine($"Upgrade 4 -> 5 over {events:N0} events (ASCII messages)");
            await WithStoreAsync(server, 4, async store =>
            {
                await PostgresBench.IngestAsync([store.Store], Batches(events, batchSize, accents: false));
                await using var source = NpgsqlDataSource.Create(store.ConnectionString);
                await PostgresBench.ExecuteAsync(source, "VACUUM ANALYZE events");
                await using var connection = await source.OpenConnectionAsync();
                var started = Stopwatch.GetTimestamp();
                await PostgresSchema.EnsureAsync(connection, CancellationToken.None);
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                Console.WriteLine($"Upgrade to version 5: {seconds:N1} s for {events:N0} events, {seconds * 1_000_000 / events:N1} s per million (load average {PostgresBench.LoadAverage()})");
                return 0.0;
            });
        }
        finally
        {
            server.Stop();
        }
    }

    /// <summary>Runs <paramref name="work"/> on a store in a new database of schema <paramref name="version"/>, then drops it.</summary>
    private static async Task<double> WithStoreAsync(PostgresServer server, int version, Func<StoreInDatabase, Task<double>> work)
    {
        var database = server.CreateDatabase();
        try
        {
            var connectionString = server.ConnectionString(database);
            await using var source = NpgsqlDataSource.Create(connectionString);
            await using (var connection = await source.OpenConnectionAsync())
            {
                await PostgresSchema.EnsureAsync(connection, version, CancellationToken.None);
            }

            // Not initialized: the store appends into whatever schema the database has (partitions are made on demand).
            await using var store = new PostgresEventStore(source, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
            return await work(new StoreInDatabase(store, connectionString));
        }
        finally
        {
            server.DropDatabase(database);
        }
    }

    private static List<IReadOnlyList<NewEvent>> Batches(int events, int batchSize, bool accents)
    {
        var generator = new EventGenerator(42, events);
        return [.. Enumerable.Range(0, (events + batchSize - 1) / batchSize).Select(i => accents
            ? (IReadOnlyList<NewEvent>)[.. generator.NextBatch(Math.Min(batchSize, events - (i * batchSize))).Select(Accented)]
            : generator.NextBatch(Math.Min(batchSize, events - (i * batchSize))))];
    }

    /// <summary>The event with an accent on every e and a of its message (non-ASCII text: the fold's slow path).</summary>
    private static NewEvent Accented(NewEvent e) => new()
    {
        Timestamp = e.Timestamp,
        Level = e.Level,
        Category = e.Category,
        Message = e.Message.Replace('e', 'é').Replace('a', 'à'),
        Template = e.Template,
        PropertiesJson = e.PropertiesJson,
        ExceptionJson = e.ExceptionJson,
        ContextJson = e.ContextJson,
        App = e.App,
        Version = e.Version,
        User = e.User,
        Machine = e.Machine,
        Path = e.Path,
        InstanceId = e.InstanceId,
        Sequence = e.Sequence,
    };

    private sealed record StoreInDatabase(PostgresEventStore Store, string ConnectionString);
}
