using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Diagnostics;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// <c>Retention:MinFreeBytes</c> on a real collector (real Kestrel, real SQLite, real retention): under the reserve,
/// retention runs at once and removes the oldest events until the files have room again; under half of it with nothing
/// left to remove, ingest answers 503 with the reason before SQLite fills the disk. The filesystem's free bytes are the
/// one fake (<see cref="DataFolderSpace"/>): nothing real fills this machine's disk on demand.
/// </summary>
public sealed class DiskReserveTests
{
    private const string Removed = "threadedlogging_collector_retention_removed_total";
    private const string RemovedInstrument = "threadedlogging.collector.retention.removed";
    private const long Plenty = 10L * 1024 * 1024 * 1024;
    private readonly RunEnded _runEnded = new();
    private long _free = Plenty;

    [Fact]
    public async Task Ingest_UnderHalfTheReserveAndNothingToRemove_Answers503WithTheReason_AndTakesEventsOnceThereIsRoom()
    {
        await using var collector = await StartAsync("--Collector:Retention:MinFreeBytes=67108864");

        Volatile.Write(ref _free, 1024 * 1024);
        var (refused, body) = await PostAsync(collector, first: 0, count: 1);
        var health = await collector.GetJsonAsync("health");
        var (ready, _) = await Http.SendAsync(collector.Client, HttpMethod.Get, "health/ready");
        Volatile.Write(ref _free, Plenty);
        var (stored, _) = await PostAsync(collector, first: 1, count: 1);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused);
        Assert.Contains("disk nearly full: the data folder's free space is under half of Collector:Retention:MinFreeBytes", Http.Error(body), StringComparison.Ordinal);
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        var reason = Assert.Single(health.GetProperty("reasons").EnumerateArray()).GetString()!;
        Assert.Contains("disk nearly full", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("1048576", reason, StringComparison.Ordinal); // /health is open: the free bytes are /metrics' (read key)
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready);
        Assert.Equal(HttpStatusCode.OK, stored);
        Assert.Equal("ok", (await collector.GetJsonAsync("health")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Retention_FreeSpaceUnderTheReserve_RunsAtOnceAndRemovesTheOldestUntilTheFilesHaveRoom_AndIngestGoesOn()
    {
        // Retention's interval is a day: only the reserve can make it run during the test.
        await using var collector = await StartAsync("--Collector:Retention:MinFreeBytes=4194304", "--Collector:Retention:Interval=1.00:00:00");
        const int Events = 3000; // 4 KB each: 12 MB
        for (var first = 0; first < Events; first += 200)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(collector, first, 200)).Status);
        }

        using var metrics = new MetricsRecorder(collector.Services);
        Volatile.Write(ref _free, 3 * 1024 * 1024); // over the 2 MiB both WALs may take (a quarter of the reserve each)
        var removed = await RemovedForFreeSpaceAsync(collector, metrics);

        Assert.InRange(removed, 1, Events - 1);
        Assert.Empty(await collector.EventsAsync($"q=ev{removed - 1:D5}")); // the oldest ones, in order
        Assert.Single(await collector.EventsAsync($"q=ev{removed:D5}"));
        Assert.Single(await collector.EventsAsync($"q=ev{Events - 1:D5}"));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(collector, Events, 10)).Status); // the freed pages take it: still 3 MiB free
        Assert.Equal("ok", (await collector.GetJsonAsync("health")).GetProperty("status").GetString());
    }

    /// <summary>
    /// review16: free bytes and the whole store under the reserve (a large disk nearly full at the defaults, a small
    /// store), over half of it: 60 events answered 201 were all removed within 3 s, and ingest went on answering 201 for
    /// events retention removed next (a black hole; real clients lost 648 acknowledged events, their retries never
    /// engaged). Removing every event would not restore the reserve: retention keeps them, ingest answers 503 with why,
    /// <c>/health</c> is degraded, and the events are taken again once there is room.
    /// </summary>
    [Fact]
    public async Task Retention_ReserveBeyondTheWholeStore_KeepsTheAcceptedEvents_IngestAnswers503_HealthDegraded()
    {
        // A 64 MiB reserve and 40 MiB free: over half of it (admitted before), under it by more than the store holds.
        await using var collector = await StartAsync("--Collector:Retention:MinFreeBytes=67108864", "--Collector:Retention:Interval=1.00:00:00");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(collector, first: 0, count: 60)).Status);

        Volatile.Write(ref _free, 40L * 1024 * 1024);
        await WaitAsync(_runEnded.Unmet.Task, "retention never said the reserve cannot be met");
        var kept = await collector.EventsAsync();
        var (refused, body) = await PostAsync(collector, first: 60, count: 1);
        var health = await collector.GetJsonAsync("health");
        Volatile.Write(ref _free, Plenty);
        var (stored, _) = await PostAsync(collector, first: 61, count: 1);

        Assert.Equal(60, kept.Count); // before: 0, all removed for the reserve
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused); // before: 200, and removed at the next run
        Assert.Contains("removing every event would not restore it", Http.Error(body), StringComparison.Ordinal);
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Contains("removing every event would not restore it", Assert.Single(health.GetProperty("reasons").EnumerateArray()).GetString()!, StringComparison.Ordinal);
        Assert.DoesNotContain(_runEnded.Lines, l => l.Id == 13); // nothing removed
        Assert.Equal(HttpStatusCode.OK, stored);
    }

    /// <summary>
    /// review13: 0 bytes free on the disk and many pages reusable in the store's files (retention's deletes): the reserve
    /// counted the pages and said ok (no warning, <c>/health</c> ok) while every write needed new WAL bytes on the
    /// filesystem and failed with SQLITE_FULL. Writes are refused with the reserve's reason under the room both WALs may
    /// take, whatever the pages, and retention says once that it cannot help.
    /// </summary>
    [Fact]
    public async Task Ingest_NoBytesFreeAndManyReusablePages_503WithTheReservesReason_HealthDegraded_UnmetSaidOnce()
    {
        // A 4 MiB reserve: each WAL takes 1 MiB between checkpoints, both 2 MiB. Retention's interval is a day.
        await using var collector = await StartAsync("--Collector:Retention:MinFreeBytes=4194304", "--Collector:Retention:Interval=1.00:00:00");
        for (var first = 0; first < 3000; first += 200)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(collector, first, 200)).Status);
        }

        Volatile.Write(ref _free, 0); // another process fills the disk
        await WaitAsync(_runEnded.Logged.Task, "retention removed nothing for the free space"); // until 4 MiB of pages are reusable
        var reusable = collector.Services.GetRequiredService<SqliteEventStore>().ReusableBytes();
        var (refused, body) = await PostAsync(collector, 3000, 1);
        var health = await collector.GetJsonAsync("health");
        await WaitAsync(_runEnded.Unmet.Task, "retention never said the reserve cannot be met");
        var (refusedAgain, _) = await PostAsync(collector, 3001, 1);
        Volatile.Write(ref _free, Plenty);
        var (stored, _) = await PostAsync(collector, 3002, 1);

        Assert.True(reusable >= 4 * 1024 * 1024, $"{reusable} bytes reusable");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused); // before: 200, the pages counted (SQLITE_FULL on a real disk)
        Assert.Contains("disk nearly full: the data folder's free space is under half of Collector:Retention:MinFreeBytes", Http.Error(body), StringComparison.Ordinal);
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Contains("disk nearly full", Assert.Single(health.GetProperty("reasons").EnumerateArray()).GetString()!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refusedAgain);
        var unmet = Assert.Single(_runEnded.Lines, l => l.Id == 820).Message;
        Assert.Contains("0 bytes free for the data folder", unmet, StringComparison.Ordinal);
        Assert.Contains("2097152 of room on the filesystem for the write-ahead logs", unmet, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, stored);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1000")]
    public async Task Start_MinFreeBytesNeitherZeroNorAtLeastOneMebibyte_RefusedNamingIt(string value)
    {
        var e = await Assert.ThrowsAsync<CollectorConfigurationException>(() => CollectorFixture.StartAsync($"--Collector:Retention:MinFreeBytes={value}"));

        Assert.Contains($"Collector:Retention:MinFreeBytes must be 0 (off) or at least 1048576 (was {value})", e.Message, StringComparison.Ordinal);
    }

    private Task<CollectorFixture> StartAsync(params string[] args) =>
        CollectorFixture.StartAsync(
            services =>
            {
                services.AddSingleton(new DataFolderSpace(_ => Volatile.Read(ref _free)));
                services.AddSingleton<ILoggerProvider>(_runEnded);
            },
            [$"--Logging:LogLevel:{typeof(RetentionService).FullName}=Information", .. args]);

    /// <summary>
    /// Waits for the end of the reserve's retention run (the watch measures every second; its line of what it removed, id
    /// 13) and returns its count, <c>retention.removed</c> with reason <c>free_space</c>, heard by a
    /// <see cref="MeterListener"/> on this collector's meter as the run adds it chunk by chunk, and that <c>/metrics</c>
    /// says the same.
    /// </summary>
    private async Task<long> RemovedForFreeSpaceAsync(CollectorFixture collector, MetricsRecorder metrics)
    {
        await WaitAsync(_runEnded.Logged.Task, "retention removed nothing for the free space");

        var removed = (long)metrics.Sum(RemovedInstrument, ("reason", "free_space"));

        // OpenTelemetry's listener (/metrics) was started with the collector, before the recorder's, and an instrument
        // calls its listeners in the order they enabled it: the add the recorder heard is already in /metrics' sum.
        var (_, text) = await Http.SendAsync(collector.Client, HttpMethod.Get, "metrics");
        Assert.Equal(removed, new PrometheusExposition(text).Value(Removed, ("reason", "free_space")));
        return removed;
    }

    private static async Task WaitAsync(Task logged, string failure)
    {
        try
        {
            await logged.WaitAsync(TimeSpan.FromMinutes(1)); // a bound on a line that never comes, not a timing assertion
        }
        catch (TimeoutException)
        {
            Assert.Fail(failure + " within a minute");
        }
    }

    private static Task<(HttpStatusCode Status, string Body)> PostAsync(CollectorFixture collector, int first, int count) =>
        PaddedEvents.PostAsync(collector, first, count, TimeSpan.FromSeconds(1), "D5");

    /// <summary>
    /// Completes <see cref="Logged"/> when retention logs what a run removed (id 13): the run has ended, each chunk counted;
    /// <see cref="Unmet"/> when it says the reserve cannot be met (id 820). <see cref="Lines"/>: every line of both.
    /// </summary>
    private sealed class RunEnded : ILoggerProvider
    {
        public TaskCompletionSource Logged { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Unmet { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<(int Id, string Message)> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(RunEnded owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (eventId.Id is 13 or 820)
                {
                    owner.Lines.Enqueue((eventId.Id, formatter(state, exception)));
                    (eventId.Id == 13 ? owner.Logged : owner.Unmet).TrySetResult();
                }
            }
        }
    }
}
