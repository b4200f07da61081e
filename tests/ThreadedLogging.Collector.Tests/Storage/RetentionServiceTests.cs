using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Diagnostics;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// <see cref="RetentionService"/>'s loop on a real collector (real SQLite, the reserve's real watch), its clock a fake
/// one the test advances once the service waits on it. The diff review found that under the free-space reserve with
/// nothing to remove, and with a run that fails, the reserve's request every second reran retention every second,
/// forever, and a failure logged its stack trace each time saying it would run again in an hour. The free bytes are
/// the one fake of the free space (<see cref="DataFolderSpace"/>); a failing run is a fault injected.
/// </summary>
public sealed class RetentionServiceTests
{
    private const long Reserve = 64L * 1024 * 1024;
    private const long Plenty = 10L * 1024 * 1024 * 1024;
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(60);
    private readonly WatchedTime _time = new(DateTimeOffset.UtcNow);
    private long _free = 1024 * 1024;

    [Fact]
    public async Task Run_ReserveUnmetNothingToRemove_HoldsOffDoublingAndLogsOnce_RoomBackResetsTheHold()
    {
        await using var collector = await StartAsync(_ => { });

        var hold = _time.Armed(TimeSpan.FromSeconds(1));
        _time.Advance(DiskReserveWatch.Period); // the watch measures: under the reserve, retention asked for
        await hold.WaitAsync(SafetyNet); // it ran, removed nothing and holds off a second (before: none, a run each second)
        foreach (var seconds in (int[])[2, 4, 8])
        {
            hold = _time.Armed(TimeSpan.FromSeconds(seconds));
            _time.Advance(TimeSpan.FromSeconds(seconds / 2)); // the watch asks every second meanwhile; the run waits the hold out
            await hold.WaitAsync(SafetyNet);
        }

        var unmet = Assert.Single(collector.Log.Entries, e => e.Message.StartsWith("The free-space reserve cannot be met", StringComparison.Ordinal));
        Assert.Contains("1048576 bytes free for the data folder", unmet.Message, StringComparison.Ordinal);
        Assert.Contains($"{Reserve} wanted (Collector:Retention:MinFreeBytes)", unmet.Message, StringComparison.Ordinal);

        // Room back (a file deleted): the 8 s hold ends at the watch's next measure, and the next shortage starts from 1 s.
        // (A measure still under way from the last advance may see the room first: then the hold ends with no time gone.)
        Volatile.Write(ref _free, Plenty);
        var waitsForInterval = Task.WhenAny(_time.Armed(Interval - DiskReserveWatch.Period), _time.Armed(Interval));
        _time.Advance(DiskReserveWatch.Period);
        await waitsForInterval.WaitAsync(SafetyNet);
        Volatile.Write(ref _free, 1024 * 1024);
        hold = _time.Armed(TimeSpan.FromSeconds(1));
        _time.Advance(DiskReserveWatch.Period);
        await hold.WaitAsync(SafetyNet);
        Assert.Single(collector.Log.Entries, e => e.Message.StartsWith("The free-space reserve cannot be met", StringComparison.Ordinal)); // at most one every 10 minutes
    }

    [Fact]
    public async Task Run_ReserveUnmetAfterRemovingWhatHadJustArrived_HoldsOffDoublingAllTheSame()
    {
        // Diff review: another process keeps the room between half the reserve (ingest still taken) and the reserve; each
        // run removed what had arrived since the last, so it reset the hold, and the watch's request a second later ran it
        // again: a run (and an Information line) every second, for as long as anything was ingested. One byte short of the
        // reserve: removing events can restore it (the files' pages count), so retention removes them; with the room under
        // the reserve by more than the whole store, it removes none and ingest is refused (DiskReserveTests).
        _free = Reserve - 1;
        await using var collector = await StartAsync(_ => { });

        foreach (var seconds in (int[])[1, 2, 4])
        {
            var hold = _time.Armed(TimeSpan.FromSeconds(seconds)); // before the write: its own measure may ask for the run
            await Http.PostStoredAsync(collector.Client, "log/alice", Http.Envelope(null, new { level = "Information", message = $"arrived before the {seconds} s hold", timestamp = DateTimeOffset.UtcNow }));
            _time.Advance(seconds == 1 ? DiskReserveWatch.Period : TimeSpan.FromSeconds(seconds / 2)); // a request (first), then the last hold's end
            await hold.WaitAsync(SafetyNet); // before: no hold after a run that removed something
        }

        var (status, metrics) = await Http.SendAsync(collector.Client, HttpMethod.Get, "metrics");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, new PrometheusExposition(metrics).Value("threadedlogging_collector_retention_removed_total", ("reason", "free_space")));
    }

    [Fact]
    public async Task Run_Failing_RetriedAfterDoublingHolds_LoggedOnceWithTheTrueNextRun_WhatItRemovedCounted()
    {
        var failing = new FailingRetention();
        await using var collector = await StartAsync(services => services.AddSingleton<IEventRetention>(failing));

        var retry = _time.Armed(TimeSpan.FromSeconds(1));
        _time.Advance(DiskReserveWatch.Period); // the reserve asks for a run: it fails
        await retry.WaitAsync(SafetyNet); // before: the next request a second later reran it, and logged it again
        foreach (var seconds in (int[])[2, 4])
        {
            retry = _time.Armed(TimeSpan.FromSeconds(seconds));
            _time.Advance(TimeSpan.FromSeconds(seconds / 2));
            await retry.WaitAsync(SafetyNet);
        }

        Assert.Equal(3, failing.Runs);
        var failed = Assert.Single(collector.Log.Entries, e => e.Message.StartsWith("Retention failed", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Error, failed.Level);
        Assert.Contains("it runs again in 00:00:01 (", failed.Message, StringComparison.Ordinal); // before: "in 01:00:00"
        Assert.IsType<InvalidOperationException>(failed.Exception);
        var (status, metrics) = await Http.SendAsync(collector.Client, HttpMethod.Get, "metrics");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3 * FailingRetention.RemovedBeforeFailing, new PrometheusExposition(metrics).Value("threadedlogging_collector_retention_removed_total", ("reason", "age")));
    }

    /// <summary>Starts the collector; returns once the reserve's watch and retention wait on the fake clock (.NET 10 runs a background service's start on the thread pool).</summary>
    private async Task<CollectorFixture> StartAsync(Action<IServiceCollection> configure)
    {
        var watching = _time.Armed(DiskReserveWatch.Period);
        var waiting = _time.Armed(Interval);
        var collector = await CollectorFixture.StartAsync(
            services =>
            {
                services.AddSingleton<TimeProvider>(_time);
                services.AddSingleton(new DataFolderSpace(_ => Volatile.Read(ref _free)));
                configure(services);
            },
            $"--Collector:Retention:MinFreeBytes={Reserve}",
            $"--Collector:Retention:Interval={Interval}");
        await Task.WhenAll(watching, waiting).WaitAsync(SafetyNet);
        return collector;
    }

    /// <summary>A run that removes a few events, then fails (a store's file gone): a fault no real store shows on cue.</summary>
    private sealed class FailingRetention : IEventRetention
    {
        public const long RemovedBeforeFailing = 5;

        private int _runs;

        public int Runs => Volatile.Read(ref _runs);

        public Task<RetentionResult> RemoveExpiredAsync(RetentionOptions options, DateTimeOffset now, CancellationToken cancellationToken, Action<RetentionReason, long>? removed = null)
        {
            Interlocked.Increment(ref _runs);
            removed?.Invoke(RetentionReason.Age, RemovedBeforeFailing);
            throw new InvalidOperationException("the store's file went away (FailingRetention)");
        }
    }
}
