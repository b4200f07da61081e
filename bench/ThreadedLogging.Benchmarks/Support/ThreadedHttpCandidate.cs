using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Benchmarks;

/// <summary>
/// <see cref="ThreadedHttpHandler"/> in JsonBatch format, shipping to a loopback Kestrel in a process of its own
/// (<see cref="ReceiverProcess"/>), through a <see cref="LoggerFactory"/> as an app would use it. With
/// <c>queueFull</c> the queue holds one event and the worker never drains it, so every call takes the drop path.
/// </summary>
internal sealed class ThreadedHttpCandidate : Candidate
{
    private readonly ReceiverProcess _server;
    private readonly ThreadedHttpHandler _handler;
    private readonly ILoggerFactory _factory;

    public ThreadedHttpCandidate(bool queueFull, bool coarseTimestamps = false)
    {
        _server = ReceiverProcess.Start();
        var options = new ThreadedHttpHandlerOptions
        {
            Host = _server.Host,
            Url = "/ingest",
            Method = "POST",
            Format = HttpLogFormat.JsonBatch,
            // Room for many iterations (32k calls each) even if the worker sent nothing meanwhile.
            QueueCapacity = 1_000_000,
            MaxQueueBytes = 1L << 31,
            CoarseTimestamps = coarseTimestamps,
        };
        if (queueFull)
        {
            options.QueueCapacity = 1;
            options.BatchSize = 100_000; // never reached: the worker waits for the interval
            options.Interval = TimeSpan.FromHours(1);
        }

        _handler = new ThreadedHttpHandler(options);
        _factory = LoggerFactory.Create(b => b.AddProvider(_handler));
        Logger = _factory.CreateLogger("Payroll");
        if (queueFull)
        {
            Logger.LogInformation("Fills the queue of one");
        }
    }

    public override ILogger Logger { get; }

    public override void Drain()
    {
        if (_handler.Statistics.Capacity > 1 && !_handler.Flush(TimeSpan.FromMinutes(2)))
        {
            throw new InvalidOperationException("ThreadedHttpHandler did not drain within 2 minutes.");
        }
    }

    public override (long Delivered, long Dropped) Audit(long calls)
    {
        var stats = _handler.Statistics;
        Console.WriteLine($"// ThreadedHttpHandler: calls {calls}, enqueued {stats.Enqueued}, sent {stats.Sent}, dropped {stats.Dropped}, failed sends {stats.Failed}, HTTP requests {_server.Requests}, last error {stats.LastError ?? "none"}");
        return (stats.Sent, stats.Dropped);
    }

    public override void Dispose()
    {
        _factory.Dispose();
        _handler.Dispose();
        _server.Dispose();
    }
}
