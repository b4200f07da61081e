using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Http;

/// <summary>
/// The start hold's budget (diff review): while a JsonBatch handler waits for the collector's first answer about levels
/// (<see cref="LevelHold"/>), its calls below the configured level are let in only while the queue is under a quarter
/// full, so that a Debug flood in the first seconds costs the configured level nothing: no event dropped, no caller
/// blocked in <see cref="QueueFullMode.Wait"/>. Against a real Kestrel receiver whose level endpoint waits on a gate.
/// </summary>
public sealed class StartHoldBudgetTests
{
    private const int Flood = 4000;
    private const int Errors = 20;

    [Theory]
    [InlineData(QueueFullMode.DropNewest)]
    [InlineData(QueueFullMode.Wait)]
    public async Task Start_DebugFloodThenErrorsWhileTheLevelAnswerWaits_EveryErrorDeliveredNoCallerBlocked(QueueFullMode mode)
    {
        await using var server = await LoopbackServer.StartAsync();
        var (polled, gate) = StartLevelHoldTests.GateLevelAnswers(server, LoopbackServer.NoLevels);
        var selfLog = new ConcurrentQueue<string>();
        try
        {
            await using var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
            {
                o.Level = LogLevel.Information;
                o.MaxQueueBytes = 16 * 1024; // room for about two hundred records: the flood is twenty times that
                o.FullMode = mode;
                o.TimeProvider = new FakeTimeProvider(DateTimeOffset.UtcNow); // the hold's bound never passes: only the gate ends it,
                o.RequestTimeout = TimeSpan.FromMinutes(10); // nor the poll's own timeout
                o.SelfLog = selfLog.Enqueue;
            }));
            var logger = handler.CreateLogger("Payroll");
            await polled.Task.WaitAsync(TimeSpan.FromSeconds(30));

            // On a thread of their own: a call waiting for room would wait for the release, which only the gate makes.
            var calls = Task.Run(() =>
            {
                for (var i = 0; i < Flood; i++)
                {
                    logger.LogDebug("debug {N}", i);
                }

                for (var i = 0; i < Errors; i++)
                {
                    logger.LogError("error {N}", i);
                }
            });
            await calls.WaitAsync(TimeSpan.FromSeconds(60)); // a bound on a hang (before: Wait mode blocked the flood for good)
            Assert.False(handler.LevelHoldReleased.IsCompleted); // all of it while the gate was shut
            var refused = handler.Statistics.RefusedInStartHold;

            gate.SetResult(); // no rules: the held Debug calls are left out
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));

            // Before: DropNewest dropped every error (the flood had filled the queue).
            Assert.Equal([.. Enumerable.Range(0, Errors).Select(i => $"error {i}")], StartLevelHoldTests.Messages(server));
            var statistics = handler.Statistics;
            Assert.Equal(((long)Errors, (long)Errors, 0L, 0L, refused), (statistics.Enqueued, statistics.Sent, statistics.Dropped, statistics.Pending, statistics.RefusedInStartHold));
            Assert.InRange(refused, 1, Flood - 1); // some held within the budget, the rest refused
            Assert.Equal(Errors + Flood - refused, handler.Queue.Enqueued); // each Debug call either held (then left out) or refused
            Assert.Single(selfLog, l => l.Contains($"{refused} log calls below the configured level were refused while the start waited", StringComparison.Ordinal));
        }
        finally
        {
            gate.TrySetResult(); // lets the server stop
        }
    }
}
