using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Postgres;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// Two events of one millisecond given the same id (their counters 2^20 apart): the primary key refuses the batch, which is
/// tried again. Never a duplicate (an id is a counter; exactly once is the batch key's and (instance, sequence)'s): the
/// batch is stored with fresh ids, or refused 503, retry later, after the fifth attempt; never a 500.
/// </summary>
public sealed partial class PostgresEventStoreTests
{
    private const int CounterCache = 64; // event_counter's CACHE (PostgresSchema): a session's first nextval takes the next 64 values
    private const long CounterSpace = 1L << 20;

    /// <summary>
    /// Before: each attempt's counters followed the last one's, inside the run of ids the millisecond already held, so all
    /// five met it and the unique violation escaped (PostgresException 23505, a 500 to the client, which sent it again to
    /// meet the same run).
    /// </summary>
    [Fact]
    public async Task Append_IdsOfALongRunOfTheMillisecondMetAgain_StoredWithFreshIdsOnce()
    {
        const long Counter = 1000;
        var at = T0.AddMinutes(5);
        // A store without a pool: each attempt is a new session, whose counter is the next block of the sequence.
        await using var unpooled = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_database!.ConnectionString()) { Pooling = false }.ConnectionString);
        await using var store = new PostgresEventStore(unpooled, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        await ScalarAsync($"SELECT setval('event_counter', {Counter}, false)");
        await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(1, 400).Select(i => Event(i, at: at))]), CancellationToken.None); // counters 1000-1399
        await ScalarAsync($"SELECT setval('event_counter', {Counter + CounterSpace}, false)"); // the next counters are theirs again

        var stored = await Record.ExceptionAsync(async () =>
            Assert.Equal(new AppendResult(1, 1, Duplicate: false), await store.AppendAsync(new EventBatch(null, [Event(1000, at: at)]), CancellationToken.None)));

        Assert.Null(stored); // before: PostgresException 23505 duplicate key value violates unique constraint "events_p20261124_pkey"
        Assert.Equal((401L, 401L), ((long)(await ScalarAsync("SELECT count(*) FROM events"))!, (long)(await ScalarAsync("SELECT count(DISTINCT id) FROM events"))!));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM events WHERE sequence = 1000"));
    }

    /// <summary>
    /// The millisecond holds the ids of all five attempts, each <see cref="PostgresEventStore.CounterStride"/> further: the
    /// batch is good and is refused 503 with Retry-After, nothing of it stored (before: the unique violation escaped, a 500).
    /// </summary>
    [Fact]
    public async Task Append_IdsTakenAtEachOfTheFiveAttempts_Refused503RetryLater_NothingStored()
    {
        const long Counter = 1000;
        var at = T0.AddMinutes(5);
        await using var unpooled = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_database!.ConnectionString()) { Pooling = false }.ConnectionString);
        await using var store = new PostgresEventStore(unpooled, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        // Where attempt k takes its counter: its session's block (k × 64 on) and k strides further; and (before) its
        // session's block alone.
        var taken = Enumerable.Range(0, 5).SelectMany(k => (long[])[Counter + (k * (CounterCache + PostgresEventStore.CounterStride)), Counter + (k * CounterCache)]).Distinct().ToArray();
        foreach (var counter in taken)
        {
            await ScalarAsync($"SELECT setval('event_counter', {counter}, false)");
            await store.AppendAsync(new EventBatch(null, [Event(counter, at: at)]), CancellationToken.None);
        }

        await ScalarAsync($"SELECT setval('event_counter', {Counter}, false)");
        var refused = await Record.ExceptionAsync(() => store.AppendAsync(new EventBatch("k", [Event(1, at: at)]), CancellationToken.None));

        var rejected = Assert.IsType<IngestRejectedException>(refused); // before: PostgresException 23505 (a 500) at the fifth attempt
        Assert.Equal((StatusCodes.Status503ServiceUnavailable, true), (rejected.StatusCode, rejected.IsRetryLater));
        Assert.Equal(IngestEndpoint.StoreRetryAfterSeconds, rejected.RetryAfterSeconds);
        Assert.Equal("the ids given to the batch's events were taken by events of the same millisecond at each of 5 attempts; retry later", rejected.Message);
        Assert.Equal((long)taken.Length, await ScalarAsync("SELECT count(*) FROM events"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM batches")); // its key not claimed: the same batch later is stored
    }
}
