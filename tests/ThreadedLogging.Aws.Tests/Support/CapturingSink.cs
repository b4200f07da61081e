using System.Collections.Concurrent;

namespace ThreadedLogging.Aws.Tests.Support;

/// <summary>
/// Runs a function on each batch a real <see cref="ThreadedHandler"/> makes, while the batch is live (the
/// handler reuses its event list once the send returns, so a batch cannot be kept for later).
/// </summary>
public sealed class CapturingSink<T>(Func<LogBatch, T> inspect) : ILogBatchSink
{
    public ConcurrentQueue<T> Results { get; } = new();

    public ValueTask<SendResult> SendAsync(LogBatch batch, CancellationToken cancellationToken)
    {
        Results.Enqueue(inspect(batch));
        return ValueTask.FromResult(SendResult.Success);
    }
}

public static class CapturingSink
{
    /// <summary>Logs the messages through a handler, as one batch, and returns what <paramref name="inspect"/> made of it.</summary>
    public static async Task<T> InspectBatchAsync<T>(Func<LogBatch, T> inspect, params string[] messages)
    {
        var sink = new CapturingSink<T>(inspect);
        await using (var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { BatchSize = 100_000, MaxBatchBytes = 256 * 1024 * 1024, User = "alice", CaptureUnhandledExceptions = false }))
        {
            var log = handler.CreateLogger("Payroll");
            foreach (var message in messages)
            {
                Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(log, "{Text}", message);
            }

            Assert.True(await handler.FlushAsync());
        }

        return Assert.Single(sink.Results);
    }
}
