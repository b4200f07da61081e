using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Postgres;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Benchmarks;

/// <summary>
/// The PostgreSQL store on a throwaway local cluster (the tests' <see cref="PostgresServer"/>), same generator and
/// the same HTTP bodies for every row: ingest through real collector processes (Release build, 4 concurrent
/// requests per collector, JsonBatch gzip to <c>/api/events</c>) into SQLite (one process), PostgreSQL with one
/// process and with two processes on one database; then a user's latest 100 and full text over the 1M store, and
/// the ingest rate while retention drops the oldest day.
/// </summary>
internal static class PostgresBench
{
    private const int Concurrency = 4;

    public static async Task RunAsync(int events, int batchSize, int iterations)
    {
        var server = PostgresServer.StartPrivate();
        Console.WriteLine($"PostgreSQL benchmark: {events:N0} events in batches of {batchSize} through collector processes, {Concurrency} concurrent requests per collector; {Environment.ProcessorCount} cores");
        var generator = new EventGenerator(42, events);
        var batches = Enumerable.Range(0, (events + batchSize - 1) / batchSize).Select(i => generator.NextBatch(Math.Min(batchSize, events - (i * batchSize)))).ToList();
        var bodies = batches.Select(b => CollectorChild.Body(b)).ToList();
        // Retention while ingesting: batches of the newest day (the oldest is dropped meanwhile).
        var lateCount = Math.Clamp(batches.Count / 4, 10, 200) * 2;
        var late = new EventGenerator(99, (long)lateCount * batchSize);
        var lateBodies = Enumerable.Range(0, lateCount).Select(_ => CollectorChild.Body(late.NextBatch(batchSize), t => NewestDay(t))).ToList();

        await using (var sqlite = await CollectorChild.StartAsync())
        {
            Report("SQLite, 1 collector process", events, await CollectorChild.SendAsync([sqlite], bodies, Concurrency));
        }

        foreach (var count in (int[])[1, 2])
        {
            var database = server.CreateDatabase();
            var connectionString = server.ConnectionString(database);
            var collectors = new List<CollectorChild>();
            for (var i = 0; i < count; i++)
            {
                collectors.Add(await CollectorChild.StartAsync("--Collector:Store=postgres", "--ConnectionStrings:Events=" + connectionString));
            }

            Report($"PostgreSQL, {count} collector process(es)", events, await CollectorChild.SendAsync(collectors, bodies, Concurrency));
            if (count == 1)
            {
                await using var source = NpgsqlDataSource.Create(connectionString);
                var store = new PostgresEventStore(source, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
                await store.InitializeAsync(CancellationToken.None);
                // Statistics of every day, as autovacuum keeps them on a running system (right after a bulk load
                // the newest days have none yet, and the planner guesses a common word rare).
                await ExecuteAsync(source, "ANALYZE events");
                await QueriesAsync(store, generator, iterations);
                await RetentionWhileIngestingAsync(store, collectors[0], lateBodies, batchSize);
            }

            foreach (var collector in collectors)
            {
                await collector.DisposeAsync();
            }

            server.DropDatabase(database);
        }

        server.Stop();
    }

    /// <summary>The generator's 30 days squeezed into its last day.</summary>
    private static DateTimeOffset NewestDay(DateTimeOffset t) =>
        EventGenerator.Start + EventGenerator.Span - TimeSpan.FromDays(1) + ((t - EventGenerator.Start) / EventGenerator.Span.TotalDays);

    private static void Report(string name, int events, List<TimeSpan> done) =>
        Console.WriteLine($"Ingest, {name}: {events / done[^1].TotalSeconds:N0} events/s over {events:N0} events ({done[^1].TotalSeconds:N1} s, load average {LoadAverage()})");

    internal static async Task<double> IngestAsync(IReadOnlyList<PostgresEventStore> stores, IReadOnlyList<IReadOnlyList<NewEvent>> batches)
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

    /// <summary>
    /// Ingest rate through the collector process for half the batches alone, then for the other half while retention (run
    /// here, as another collector would) drops the oldest day: events/s over the time retention ran.
    /// </summary>
    private static async Task RetentionWhileIngestingAsync(PostgresEventStore store, CollectorChild collector, List<byte[]> bodies, int eventsPerBody)
    {
        var half = bodies.Count / 2;
        var before = await CollectorChild.SendAsync([collector], bodies[..half], Concurrency);
        var now = EventGenerator.Start.AddDays(1) + TimeSpan.FromDays(30);
        var sending = Stopwatch.GetTimestamp();
        var during = CollectorChild.SendAsync([collector], bodies[half..], Concurrency);
        var retentionStarted = Stopwatch.GetElapsedTime(sending);
        var result = await store.RemoveExpiredAsync(new RetentionOptions { MaxAge = TimeSpan.FromDays(30) }, now, CancellationToken.None);
        var retentionEnded = Stopwatch.GetElapsedTime(sending);
        var done = await during;
        var whileRetention = done.Count(t => t >= retentionStarted && t <= retentionEnded) * (double)eventsPerBody / (retentionEnded - retentionStarted).TotalSeconds;
        Console.WriteLine($"Retention dropped [{string.Join(", ", result.Partitions)}] ({result.ByAge:N0} events) in {(retentionEnded - retentionStarted).TotalSeconds:N1} s; ingest {half * (double)eventsPerBody / before[^1].TotalSeconds:N0} events/s before, {whileRetention:N0} events/s while it ran, {half * (double)eventsPerBody / done[^1].TotalSeconds:N0} events/s over the {half} batches sent meanwhile (load average {LoadAverage()})");
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

    /// <summary>
    /// Opens the store of <paramref name="source"/> and, when it holds no event, loads the generator's
    /// <paramref name="events"/> straight into it (4 concurrent batches); returns how many it holds.
    /// </summary>
    internal static async Task<long> LoadOnceAsync(NpgsqlDataSource source, int events, int batchSize)
    {
        var store = new PostgresEventStore(source, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        await using var count = source.CreateCommand("SELECT count(*) FROM events");
        var stored = (long)(await count.ExecuteScalarAsync())!;
        if (stored > 0)
        {
            return stored;
        }

        var generator = new EventGenerator(42, events);
        var batches = Enumerable.Range(0, (events + batchSize - 1) / batchSize).Select(i => generator.NextBatch(Math.Min(batchSize, events - (i * batchSize)))).ToList();
        var rate = await IngestAsync([store], batches);
        Console.WriteLine($"Loaded {events:N0} events at {rate:N0} events/s (load average {LoadAverage()})");
        return events;
    }

    internal static async Task ExecuteAsync(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }

    internal static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}
