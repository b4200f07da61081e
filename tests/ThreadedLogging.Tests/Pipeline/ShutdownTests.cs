using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>The handler after and during its disposal (<c>ThreadedHandler.Shutdown.cs</c>): a second Dispose, Flush, a log call.</summary>
public sealed class ShutdownTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    private static ThreadedHandlerOptions Options(Action<ThreadedHandlerOptions>? configure = null)
    {
        var options = new ThreadedHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            Interval = TimeSpan.FromHours(1), // only explicit triggers in these tests
            MinRetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(20),
            ShutdownTimeout = TimeSpan.FromMinutes(2), // never reached: the test's gate decides
        };
        configure?.Invoke(options);
        return options;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Dispose_SecondCallWhileTheFirstDrains_ReturnsOnlyOnceTheFirstDelivered(bool synchronous)
    {
        var sink = new CollectingSink(); // its gate holds the send: the first disposal drains until the test opens it
        var handler = new ThreadedHandler(sink, Options());
        handler.CreateLogger("App").LogInformation("last words");
        var first = handler.DisposeAsync().AsTask();
        await sink.SendStarted.Task.WaitAsync(Safety);

        var second = synchronous ? Task.Run(handler.Dispose) : handler.DisposeAsync().AsTask();
        var deliveredWhenSecondReturned = second.ContinueWith(_ => sink.Delivered.Count, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (!synchronous)
        {
            Assert.False(second.IsCompleted); // the first still drains
        }

        sink.Open();
        await first.WaitAsync(Safety);
        Assert.Equal(1, await deliveredWhenSecondReturned.WaitAsync(Safety));
        await second.WaitAsync(Safety);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Flush_AfterDispose_SaysWhetherTheDisposalDeliveredEverythingAndALogCallIsCountedDropped(bool receiverUp)
    {
        // Not OpenTelemetry's "always false after Shutdown": Serilog's WriteTo.Providers and hosts dispose the handler
        // before the app's own flush, which asks whether its events went out.
        var sink = receiverUp ? new CollectingSink().Open() : new CollectingSink(); // closed: the deadline cancels the send
        var handler = new ThreadedHandler(sink, Options(o => o.ShutdownTimeout = receiverUp ? o.ShutdownTimeout : TimeSpan.FromMilliseconds(200)));
        var logger = handler.CreateLogger("App");
        logger.LogInformation("before");
        await handler.DisposeAsync();

        Assert.Equal(receiverUp, handler.Flush(Safety));
        Assert.Equal(receiverUp, await handler.FlushAsync());
        logger.LogInformation("after"); // refused, never thrown
        Assert.Equal(receiverUp, handler.Flush(Safety)); // the refused call changes nothing
        var statistics = handler.Statistics;
        Assert.Equal((1L, receiverUp ? 1L : 0L, receiverUp ? 1L : 2L, 0L), (statistics.Enqueued, statistics.Sent, statistics.Dropped, statistics.Pending));
    }

    [Fact]
    public async Task LogCall_WhileTheDisposalDrains_CountedAsLoggedAfterShutdownNotAsAFullQueue()
    {
        var selfLog = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var sink = new CollectingSink(); // its gate holds the send: the disposal drains until the test opens it
        var handler = new ThreadedHandler(sink, Options(o => o.SelfLog = selfLog.Enqueue));
        var logger = handler.CreateLogger("App");
        logger.LogInformation("before");
        var disposal = handler.DisposeAsync().AsTask();
        await sink.SendStarted.Task.WaitAsync(Safety);

        logger.LogInformation("during 1"); // the queue is far from full: refused because the disposal began
        logger.LogInformation("during 2");
        logger.LogInformation("during 3");
        sink.Open();
        await disposal.WaitAsync(Safety);

        Assert.Equal(["before"], sink.Delivered.Select(e => e.Message));
        Assert.DoesNotContain(sink.Notices, e => e.Message.Contains("queue was full", StringComparison.Ordinal));
        Assert.DoesNotContain(selfLog, line => line.Contains("queue was full", StringComparison.Ordinal));
        Assert.Contains(selfLog, line => line.EndsWith("3 log calls made after the handler's disposal began were refused (not sent).", StringComparison.Ordinal));
        var statistics = handler.Statistics;
        Assert.Equal((1L, 1L, 3L, 3L, 0L), (statistics.Enqueued, statistics.Sent, statistics.Dropped, statistics.RefusedAfterShutdown, statistics.Pending));
    }

    [Fact]
    public async Task Flush_AfterADisposalThatAbandonedTheWorker_AnswersFalseAtOnce()
    {
        // The worker outlives the disposal (a send that ignores cancellation, or a loaded machine's worker that does not get
        // the CPU in the grace): a flush after the disposal waited for books that no longer move, until its own timeout
        // (ProcessExitFlushTests.Exit_AfterADisposalThatLostEvents_… timed out so, under load, at its exit budget of 2 min).
        var sink = new DeafSink();
        var handler = new ThreadedHandler(sink, Options(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(200)));
        handler.CreateLogger("App").LogInformation("lost at the disposal");
        _ = handler.FlushAsync(); // the send begins (Interval 1 h); this flush is released by the disposal
        await sink.SendStarted.Task.WaitAsync(Safety);
        await handler.DisposeAsync(); // abandons the worker: its send never returns before the test releases it
        try
        {
            var flushed = handler.FlushAsync();

            Assert.True(flushed.IsCompleted); // not a wait for the worker
            Assert.False(await flushed);
            Assert.Equal((1L, 0L, 1L), (handler.Statistics.Enqueued, handler.Statistics.Sent, handler.Statistics.Dropped));
        }
        finally
        {
            sink.Release();
        }
    }

    [Fact]
    public async Task Dispose_AbandonedSinkWhoseDisposalWaitsForItsSend_ReturnsAndDisposesTheSinkWhenItsSendEnds()
    {
        // A sink that ignores cancellation and whose DisposeAsync waits for its send: the disposal awaited the sink's own
        // disposal after abandoning the worker, without limit (before: this DisposeAsync never returned).
        var sink = new SinkDisposedAfterItsSend();
        var handler = new ThreadedHandler(sink, Options(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(200)));
        handler.CreateLogger("App").LogInformation("held by a sink that never hears the deadline");
        _ = handler.FlushAsync(); // the send begins (Interval 1 h)
        await sink.SendStarted.Task.WaitAsync(Safety);
        try
        {
            await handler.DisposeAsync().AsTask().WaitAsync(Safety); // the send's gate is still closed

            Assert.False(sink.DisposeStarted.Task.IsCompleted); // not while its worker still sends
            Assert.Equal((1L, 0L, 1L), (handler.Statistics.Enqueued, handler.Statistics.Sent, handler.Statistics.Dropped));
        }
        finally
        {
            sink.Release();
        }

        await sink.DisposeStarted.Task.WaitAsync(Safety); // disposed once the abandoned worker stopped
    }

    /// <summary>A transport whose send ignores cancellation until released, and whose disposal waits for that send.</summary>
    private sealed class SinkDisposedAfterItsSend : ILogBatchSink, IAsyncDisposable
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource SendStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource DisposeStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.TrySetResult();

        public async ValueTask<SendResult> SendAsync(LogBatch batch, CancellationToken cancellationToken)
        {
            SendStarted.TrySetResult();
            await _release.Task;
            return new SendResult(SendOutcome.Transient, Error: "released");
        }

        public async ValueTask DisposeAsync()
        {
            DisposeStarted.TrySetResult();
            await _release.Task;
        }
    }
}
