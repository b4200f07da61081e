using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Postgres;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Benchmarks;

/// <summary>
/// <c>q</c>'s operators on PostgreSQL (the store's walk over the days, newest first, <see cref="PostgresEventStore"/>):
/// the latest 100 of OR and NOT searches beside plain words, warm, over the generator's events loaded straight into a
/// database (or the one of <c>--connection</c>, loaded once and kept). Words: a rare one (~0.5% of events), the common
/// <c>shipped</c> (~14%) and <c>order</c> (every <c>shipped</c> event has it), <c>invoice</c> (never with <c>shipped</c>).
/// </summary>
internal static class PostgresSearchBench
{
    public static async Task RunAsync(int events, int batchSize, int iterations, string? connectionString)
    {
        var server = connectionString is null ? PostgresServer.StartPrivate() : null;
        connectionString ??= server!.ConnectionString(server.CreateDatabase());
        await using (var source = NpgsqlDataSource.Create(connectionString))
        {
            var stored = await PostgresBench.LoadOnceAsync(source, events, batchSize);
            // TL_ROWS_CHECKED_PER_MATCH=0: the walk before the full-text index was read for rare searches (the "before").
            var perMatch = Environment.GetEnvironmentVariable("TL_ROWS_CHECKED_PER_MATCH") is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : 20;
            var store = new PostgresEventStore(source, TimeProvider.System, NullLogger<PostgresEventStore>.Instance) { RowsCheckedPerMatch = perMatch };
            await store.InitializeAsync(CancellationToken.None);
            Console.WriteLine($"{stored:N0} events; rows checked per match {perMatch}; {iterations} searches per row after 3 unmeasured; {Environment.ProcessorCount} cores");
            var generator = new EventGenerator(42, events);
            var random = new Random(7);
            string Rare() => generator.Word(random.Next(600));
            (string Name, Func<string> Q)[] rows =
            [
                ("rare", () => Rare()),
                ("rare rare (AND)", () => $"{Rare()} {Rare()}"),
                ("rare OR rare", () => $"{Rare()} OR {Rare()}"),
                ("rare OR shipped", () => $"{Rare()} OR shipped"),
                ("shipped", () => "shipped"),
                ("rare -shipped", () => $"{Rare()} -shipped"),
                ("shipped -rare", () => $"shipped -{Rare()}"),
                ("shipped -order (finds none)", () => "shipped -order"),
                ("shipped invoice (AND, finds none)", () => "shipped invoice"),
            ];
            Console.WriteLine("| q (PostgreSQL, latest 100) | found | p50 ms | p95 ms | max ms |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            foreach (var (name, q) in rows)
            {
                var latencies = new List<double>();
                var found = 0;
                for (var i = 0; i < iterations + 3; i++)
                {
                    if (!SearchTextParser.TryParse(q(), out var search, out var error))
                    {
                        throw new InvalidOperationException(error);
                    }

                    var started = Stopwatch.GetTimestamp();
                    var page = await store.QueryAsync(new EventQuery { Search = search, Limit = 100 }, CancellationToken.None);
                    if (i >= 3)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        found += page.Events.Count;
                    }
                }

                latencies.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {found / iterations} | {latencies[latencies.Count / 2]:N1} | {latencies[(int)(latencies.Count * 0.95)]:N1} | {latencies[^1]:N1} |"));
            }
        }

        Console.WriteLine($"(load average {PostgresBench.LoadAverage()})");
        server?.Stop();
    }
}
