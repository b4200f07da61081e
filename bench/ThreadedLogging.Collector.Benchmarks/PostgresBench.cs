using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Postgres;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Benchmarks;

/// <summary>
/// The PostgreSQL store on a throwaway local cluster (the tests' <see cref="PostgresServer"/>), same generator as
/// the SQLite run: ingest with one and with two collectors (a store = a collector: its own pool and 4 concurrent
/// requests), a user's latest 100 and full text over the store, and the ingest rate while retention drops a day.
/// </summary>
internal static class PostgresBench
{
    private const int Concurrency = 4;

    public static async Task RunAsync(int events, int batchSize, int iterations)
    {
        var server = PostgresServer.StartPrivate();
        Console.WriteLine($"PostgreSQL benchmark: {events:N0} events in batches of {batchSize}, {Concurrency} concurrent requests per collector; {Environment.ProcessorCount} cores");
        foreach (var collectors in (int[])[1, 2])
        {
            var database = server.CreateDatabase();
            var sources = Enumerable.Range(0, collectors).Select(_ => NpgsqlDataSource.Create(server.ConnectionString(database))).ToList();
            var stores = sources.Select(s => new PostgresEventStore(s, TimeProvider.System, NullLogger<PostgresEventStore>.Instance)).ToList();
            foreach (var store in stores)
            {
                await store.InitializeAsync(CancellationToken.None);
            }

            var generator = new EventGenerator(42, events);
            var batches = Enumerable.Range(0, (events + batchSize - 1) / batchSize).Select(i => generator.NextBatch(Math.Min(batchSize, events - (i * batchSize)))).ToList();
            var rate = await IngestAsync(stores, batches);
            Console.WriteLine($"Ingest, {collectors} collector(s) into PostgreSQL: {rate:N0} events/s over {events:N0} events (load average {LoadAverage()})");
            if (collectors == 1)
            {
                await QueriesAsync(stores[0], generator, iterations);
                await RetentionWhileIngestingAsync(stores[0], batchSize);
            }

            foreach (var source in sources)
            {
                await source.DisposeAsync();
            }

            server.DropDatabase(database);
        }

        server.Stop();
    }

    private static async Task<double> IngestAsync(IReadOnlyList<PostgresEventStore> stores, IReadOnlyList<IReadOnlyList<NewEvent>> batches)
    {
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        var workers = stores.SelectMany(store => Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            for (int i; (i = Interlocked.Increment(ref next)) < batches.Count;)
            {
                await store.AppendAsync(new EventBatch(Guid.NewGuid().ToString("N"), batches[i]), CancellationToken.None);
            }
        })));
        await Task.WhenAll(workers);
        return batches.Sum(b => b.Count) / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static async Task QueriesAsync(PostgresEventStore store, EventGenerator generator, int iterations)
    {
        var random = new Random(7);
        var users = (await store.GetUsersAsync(new UserQuery { Limit = EventGenerator.UserCount, WindowFrom = DateTimeOffset.UnixEpoch, WindowTo = DateTimeOffset.UnixEpoch }, CancellationToken.None)).Users.Select(u => u.User!).ToArray();
        var rows = new List<(string Name, Func<EventQuery> Query)>
        {
            ("user, latest 100", () => new EventQuery { User = users[random.Next(users.Length)], Limit = 100 }),
            ("q: one word (~0.5% of events)", () => new EventQuery { Words = [generator.Word(random.Next(600))], Limit = 100 }),
            ("q: common word ('shipped', ~14%)", () => new EventQuery { Words = ["shipped"], Limit = 100 }),
            ("q: two words", () => new EventQuery { Words = ["retrying", generator.Word(random.Next(600))], Limit = 100 }),
            ("user + q: common word ('order')", () => new EventQuery { User = users[random.Next(users.Length)], Words = ["order"], Limit = 100 }),
            ("no filter, latest 100", () => new EventQuery { Limit = 100 }),
        };
        Console.WriteLine("| query (PostgreSQL) | p50 ms | p95 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, make) in rows)
        {
            var latencies = new List<double>();
            for (var i = 0; i < iterations + 5; i++)
            {
                var query = make();
                var started = Stopwatch.GetTimestamp();
                await store.QueryAsync(query, CancellationToken.None);
                if (i >= 5)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }

            latencies.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {latencies[latencies.Count / 2]:N2} | {latencies[(int)(latencies.Count * 0.95)]:N2} | {latencies[^1]:N2} |"));
        }
    }

    /// <summary>Ingest rate for 200 batches alone, then while retention drops the oldest day.</summary>
    private static async Task RetentionWhileIngestingAsync(PostgresEventStore store, int batchSize)
    {
        var generator = new EventGenerator(99, 400L * batchSize);
        var before = await IngestAsync([store], [.. Enumerable.Range(0, 200).Select(_ => generator.NextBatch(batchSize))]);
        var now = EventGenerator.Start.AddDays(1) + TimeSpan.FromDays(30);
        var started = Stopwatch.GetTimestamp();
        var retention = store.RemoveExpiredAsync(new RetentionOptions { MaxAge = TimeSpan.FromDays(30) }, now, CancellationToken.None);
        var during = await IngestAsync([store], [.. Enumerable.Range(0, 200).Select(_ => generator.NextBatch(batchSize))]);
        var result = await retention;
        Console.WriteLine($"Retention dropped [{string.Join(", ", result.Partitions)}] ({result.ByAge:N0} events) in {Stopwatch.GetElapsedTime(started).TotalSeconds:N1} s; ingest {before:N0} events/s before, {during:N0} events/s during");
    }

    /// <summary>
    /// Full text two ways over the same events: the store's tsvector + GIN (<c>search @@ phraseto_tsquery</c>)
    /// against pg_trgm's GIN on the message (<c>message ILIKE '%word%'</c>): index size, and one-word p95.
    /// </summary>
    public static async Task CompareTrigramAsync(int events, int batchSize, int iterations)
    {
        var server = PostgresServer.StartPrivate();
        var database = server.CreateDatabase();
        await using (var source = NpgsqlDataSource.Create(server.ConnectionString(database)))
        {
            var store = new PostgresEventStore(source, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
            await store.InitializeAsync(CancellationToken.None);
            var generator = new EventGenerator(42, events);
            await IngestAsync([store], [.. Enumerable.Range(0, (events + batchSize - 1) / batchSize).Select(i => generator.NextBatch(Math.Min(batchSize, events - (i * batchSize))))]);
            await ExecuteAsync(source, "CREATE EXTENSION IF NOT EXISTS pg_trgm");
            await ExecuteAsync(source, "VACUUM ANALYZE events");
            var started = Stopwatch.GetTimestamp();
            await ExecuteAsync(source, "CREATE INDEX ix_events_trgm ON events USING gin (message gin_trgm_ops)");
            var trigramBuild = Stopwatch.GetElapsedTime(started).TotalSeconds;
            await ExecuteAsync(source, "ANALYZE events");
            await using (var sizes = source.CreateCommand(
                "SELECT sum(pg_relation_size(i.indexrelid)) FILTER (WHERE d LIKE '%USING gin (search)%'), sum(pg_relation_size(i.indexrelid)) FILTER (WHERE d LIKE '%gin_trgm_ops%'), "
                + "sum(pg_relation_size(i.indrelid)) FILTER (WHERE d LIKE '%USING gin (search)%') FROM pg_index i, pg_get_indexdef(i.indexrelid) d"))
            await using (var reader = await sizes.ExecuteReaderAsync())
            {
                await reader.ReadAsync();
                Console.WriteLine($"{events:N0} events: table {reader.GetDecimal(2) / 1048576:N0} MiB; tsvector GIN {reader.GetDecimal(0) / 1048576:N0} MiB; pg_trgm GIN {reader.GetDecimal(1) / 1048576:N0} MiB (built in {trigramBuild:N1} s)");
            }

            var random = new Random(7);
            (string Name, string Sql)[] ways =
            [
                ("tsvector", "SELECT id FROM events WHERE search @@ phraseto_tsquery('simple', @w) ORDER BY id DESC LIMIT 100"),
                ("pg_trgm", "SELECT id FROM events WHERE message ILIKE '%' || @w || '%' ORDER BY id DESC LIMIT 100"),
            ];
            foreach (var (name, sql) in ways)
            {
                var latencies = new List<double>();
                for (var i = 0; i < iterations; i++)
                {
                    await using var query = source.CreateCommand(sql);
                    query.Parameters.AddWithValue("w", i % 2 == 0 ? generator.Word(random.Next(600)) : "shipped");
                    var begun = Stopwatch.GetTimestamp();
                    await using (var reader = await query.ExecuteReaderAsync())
                    {
                        while (await reader.ReadAsync())
                        {
                        }
                    }

                    latencies.Add(Stopwatch.GetElapsedTime(begun).TotalMilliseconds);
                }

                latencies.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"one word (half rare, half 'shipped'), {name}: p50 {latencies[latencies.Count / 2]:N2} ms, p95 {latencies[(int)(latencies.Count * 0.95)]:N2} ms"));
            }
        }

        server.DropDatabase(database);
        server.Stop();
    }

    private static async Task ExecuteAsync(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}
