// Logs numbered events ("event {N}") through ThreadedHttpHandler in JsonBatch format.
// Usage: FaultClient <host:port> <user> <first> <count> [spool-dir] [--hang]
// Prints "spooled" once every event is on disk (with a spool), then "done <statistics>" after a flush;
// with --hang it then waits to be killed.
using Microsoft.Extensions.Logging;
using ThreadedLogging;

var (host, user, first, count) = (args[0], args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
var spool = args.Length > 4 && !args[4].StartsWith("--", StringComparison.Ordinal) ? args[4] : null;
var hang = args.Contains("--hang");

var handler = new ThreadedHttpHandler(new ThreadedHttpHandlerOptions
{
    Host = host,
    Url = "/log/{user}",
    Format = HttpLogFormat.JsonBatch,
    User = user,
    App = "FaultClient",
    BufferDirectory = spool,
    BatchSize = 25,
    Interval = TimeSpan.FromMilliseconds(50),
    MinRetryDelay = TimeSpan.FromMilliseconds(20),
    MaxRetryDelay = TimeSpan.FromMilliseconds(200),
    RequestTimeout = TimeSpan.FromSeconds(2),
    SelfLog = Console.Error.WriteLine,
});
var logger = handler.CreateLogger("FaultClient");
for (var i = first; i < first + count; i++)
{
    logger.LogInformation("event {N}", i);
}

if (spool is not null && hang)
{
    // A condition wait in the app, bounded: the test reads "spooled" as its signal.
    using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
    _ = handler.FlushAsync(deadline.Token); // wakes the worker, which spools before it sends
    while (handler.Statistics.Spooled + handler.Statistics.Sent < count && !deadline.IsCancellationRequested)
    {
        await Task.Delay(10, deadline.Token).ConfigureAwait(false);
    }

    Console.WriteLine("spooled");
    await Task.Delay(Timeout.Infinite).ConfigureAwait(false);
}

var flushed = handler.Flush(TimeSpan.FromSeconds(60));
Console.WriteLine($"done flushed={flushed} {handler.Statistics}");
await handler.DisposeAsync().ConfigureAwait(false);
return flushed ? 0 : 1;
