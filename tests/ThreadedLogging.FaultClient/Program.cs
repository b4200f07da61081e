// Logs numbered events ("event {N}") through ThreadedHttpHandler in JsonBatch format.
// Usage: FaultClient <host:port> <user> <first> <count> [spool-dir] [--hang | --exit | --crash | --late]
// Prints "spooled" once every event is on disk (with a spool; checked at each failed send and at the flush's end, not polled), then "done <statistics>" after a flush;
// with --hang it then waits to be killed; with --hang and a spool the Interval is an hour, so that the worker moves full
// batches only until the flush (200 events: 8 records of 25), not a partial one at a tick while the logging is slow. With --exit (Environment.Exit) or --crash (an unhandled exception on a
// thread) the process ends right after logging, without flushing or disposing the handler, whose worker would not
// send before an hour. With --late it returns from Main the same way, after registering a ProcessExit handler of
// its own (after the handler's) that logs 5 more events as the process ends. With --late-dispose it then, as a host
// that disposes its providers at the end does, prints "late-logged", reads a line from its input, disposes the
// handler and prints "disposed <statistics>". "--budget <seconds>" sets ShutdownTimeout (default 5 s), the exit flush's
// budget too: a test that expects delivery at the process's end gives a budget no loaded machine reaches (the flush
// returns once delivered), so that it tests what arrives, not how fast. "--stats-at-exit" adds a ProcessExit handler of
// the app's own (after the handler's exit flush) that prints "at-exit <statistics>". "--crash-threads <n>" makes --crash
// throw on n threads at once; "--no-crash-capture" sets CaptureUnhandledExceptions = false. With --sigterm it prints
// "waiting" after logging and waits to be sent SIGTERM; "--exit-on-sigterm" first registers README's signal lines
// (PosixSignalRegistration for SIGTERM, SIGINT, SIGHUP calling Environment.Exit), without which .NET 10 ends at the signal at once.
// "--retry-delay <seconds>" sets MinRetryDelay (and MaxRetryDelay to twice it; default 20 and 200 ms). "--failing-first"
// (with a spool and an end) asks for a flush after logging and ends only once the worker waits out the backoff after a
// failed send, with every event on disk, printing "failing": the handler's clock is ArmingClock, and the wait has begun
// once a timer due within the first backoff (MinRetryDelay / 2 to MinRetryDelay, or a Retry-After there) is armed, after
// the wait's own check of an end in progress; every event on disk is checked there and at each timer armed after it.
// (At the failed send's SendFailed, said before the wait's check, an end begun between the two was ended by that check.)
// "--request-timeout <seconds>" sets RequestTimeout (default 2 s): longer, a connect that hangs fails only at its own timeout.
// "--dispose-offline" (with a spool) waits until every event is on disk or dropped by the spool's caps (checked at each
// failed send), prints "spooled", disposes the handler and prints "disposed <statistics>": an app that quits offline.
// "--max-buffer-bytes <n>" sets MaxBufferBytes; "--payload <n>" logs each event with n random bytes (base64) beside N.
// "--secure" sends over https (Secure); "--proxy <url>" through that proxy (Proxy).
// "--log-while-failing <n>" (with a spool): an app that goes on logging while its sends fail, killed by the test as the
// retry's wait begins. It logs its events (fewer than a batch: no full batch wakes the worker), asks for a flush (the worker
// spools them and sends), and at the first failed send (the EventSource's SendFailed, on the thread reporting it, before
// the wait) its main thread logs n more (the reporting thread waits for them); once the wait after that failure has begun
// (the ArmingClock sees its timer armed within the first backoff, as --failing-first) it prints "waiting <accepted>"
// and waits to be killed. The Interval is an hour: no round of the worker moves the queue to disk meanwhile.
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using ThreadedLogging;
using ThreadedLogging.Testing;

var (host, user, first, count) = (args[0], args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
var spool = args.Length > 4 && !args[4].StartsWith("--", StringComparison.Ordinal) ? args[4] : null;
var hang = args.Contains("--hang");
var end = args.FirstOrDefault(a => a is "--exit" or "--crash" or "--late" or "--late-dispose" or "--sigterm");
var crashThreads = args.SkipWhile(a => a != "--crash-threads").Skip(1).Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault(1);
var retryDelay = args.SkipWhile(a => a != "--retry-delay").Skip(1).Select(a => TimeSpan.FromSeconds(double.Parse(a, System.Globalization.CultureInfo.InvariantCulture))).FirstOrDefault(TimeSpan.FromMilliseconds(20));
var requestTimeout = args.SkipWhile(a => a != "--request-timeout").Skip(1).Select(a => TimeSpan.FromSeconds(double.Parse(a, System.Globalization.CultureInfo.InvariantCulture))).FirstOrDefault(TimeSpan.FromSeconds(2));
var budget = args.SkipWhile(a => a != "--budget").Skip(1).Select(a => TimeSpan.FromSeconds(double.Parse(a, System.Globalization.CultureInfo.InvariantCulture))).FirstOrDefault(TimeSpan.FromSeconds(5));
var maxBufferBytes = args.SkipWhile(a => a != "--max-buffer-bytes").Skip(1).Select(a => long.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault(256L * 1024 * 1024); // the default
var payload = args.SkipWhile(a => a != "--payload").Skip(1).Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault(0);
var failingFirst = spool is not null && end is not null && args.Contains("--failing-first");
var logWhileFailing = spool is null ? 0 : args.SkipWhile(a => a != "--log-while-failing").Skip(1).Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault(0);

// --log-while-failing: the first failed send reported (its thread waits for the app's n events), then its wait begun.
var firstFailure = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using var loggedWhileFailing = new ManualResetEventSlim();
var waitBegun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

// --failing-first: the first backoff's wait under way (its timer armed), every event on disk.
var failing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
ThreadedHttpHandler? armedFor = null;
var retryWaiting = 0;
void Armed(TimeSpan due)
{
    if (due >= retryDelay / 2 && due <= retryDelay)
    {
        Volatile.Write(ref retryWaiting, 1); // no other timer of the handler is due within that window (its Interval is an hour)
    }

    if (Volatile.Read(ref retryWaiting) == 1 && Volatile.Read(ref armedFor) is { Statistics: { Failed: > 0 } s } && s.Spooled >= count)
    {
        failing.TrySetResult();
    }

    if (due >= retryDelay / 2 && due <= retryDelay && loggedWhileFailing.IsSet)
    {
        waitBegun.TrySetResult(); // armed after the first failure's report returned: its wait
    }
}

var handler = new ThreadedHttpHandler(new ThreadedHttpHandlerOptions
{
    Host = host,
    Secure = args.Contains("--secure"),
    Proxy = args.SkipWhile(a => a != "--proxy").Skip(1).FirstOrDefault(),
    Url = "/log/{user}",
    Format = HttpLogFormat.JsonBatch,
    User = user,
    App = "FaultClient",
    BufferDirectory = spool,
    MaxBufferBytes = maxBufferBytes,
    BatchSize = 25,
    Interval = end is null && !(hang && spool is not null) && logWhileFailing == 0 ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromHours(1),
    MinRetryDelay = retryDelay,
    MaxRetryDelay = retryDelay == TimeSpan.FromMilliseconds(20) ? TimeSpan.FromMilliseconds(200) : 2 * retryDelay,
    RequestTimeout = requestTimeout,
    ShutdownTimeout = budget,
    SelfLog = Console.Error.WriteLine,
    CaptureUnhandledExceptions = !args.Contains("--no-crash-capture"),
    TimeProvider = failingFirst || logWhileFailing > 0 ? new ArmingClock(Armed) : TimeProvider.System, // the system's clock, watched
});
Volatile.Write(ref armedFor, handler);
var logger = handler.CreateLogger("FaultClient");
if (args.Contains("--stats-at-exit"))
{
    AppDomain.CurrentDomain.ProcessExit += (_, _) => Console.WriteLine($"at-exit {handler.Statistics}");
}

for (var i = first; i < first + count; i++)
{
    if (payload > 0)
    {
        logger.LogInformation("event {N} {Payload}", i, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(payload)));
    }
    else
    {
        logger.LogInformation("event {N}", i);
    }
}

if (logWhileFailing > 0)
{
    using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
    using var sendFailures = new SendFailures(() =>
    {
        if (firstFailure.TrySetResult())
        {
            loggedWhileFailing.Wait(deadline.Token); // the send's thread, before its wait: the app logs meanwhile
        }
    });
    _ = handler.FlushAsync(deadline.Token); // wakes the worker: it spools the queue and sends; never completes offline
    await firstFailure.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
    for (var i = first + count; i < first + count + logWhileFailing; i++)
    {
        logger.LogInformation("event {N}", i);
    }

    loggedWhileFailing.Set();
    await waitBegun.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
    Console.WriteLine($"waiting {count + logWhileFailing} {handler.Statistics}");
    await Task.Delay(Timeout.Infinite).ConfigureAwait(false);
}

if (spool is not null && args.Contains("--dispose-offline"))
{
    using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
    var onDisk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    using var sendFailures = new SendFailures(() =>
    {
        if (handler.Statistics is { } s && s.Spooled + s.Dropped >= count)
        {
            onDisk.TrySetResult();
        }
    });
    _ = handler.FlushAsync(deadline.Token); // wakes the worker: it spools the queue and sends; never completes offline
    await Task.WhenAny(onDisk.Task, Task.Delay(Timeout.Infinite, deadline.Token)).ConfigureAwait(false);
    Console.WriteLine("spooled");
    await handler.DisposeAsync().ConfigureAwait(false);
    Console.WriteLine($"disposed {handler.Statistics}");
    return 0;
}

if (failingFirst)
{
    // An app offline for a while before it ends: a send failed with everything on disk, the worker waits out its backoff.
    using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
    _ = handler.FlushAsync(deadline.Token); // wakes the worker: it spools the queue and sends; never completes offline
    await Task.WhenAny(failing.Task, Task.Delay(Timeout.Infinite, deadline.Token)).ConfigureAwait(false);
    Console.WriteLine("failing");
}

if (end is "--late" or "--late-dispose")
{
    AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        for (var i = first + count; i < first + count + 5; i++)
        {
            logger.LogInformation("event {N}", i);
        }
    };
    if (end == "--late-dispose")
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            Console.WriteLine("late-logged");
            Console.ReadLine(); // the test's signal: go on (the collector may have started meanwhile)
            handler.Dispose();
            Console.WriteLine($"disposed {handler.Statistics}");
        };
    }

    return 3;
}

if (end == "--sigterm")
{
    // README, "Ctrl+C and SIGTERM": .NET 10 raises no ProcessExit at a termination signal unless the app asks for it.
    if (args.Contains("--exit-on-sigterm"))
    {
        // README's lines, as written there (ReadmeCodeTests checks that they are).
        using var onSigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Environment.Exit(0));
        using var onCtrlC = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => Environment.Exit(130));
        using var onHangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => Environment.Exit(129)); // a closed terminal or console window (Windows' CTRL_CLOSE_EVENT)
        Console.WriteLine("waiting");
        Thread.Sleep(Timeout.Infinite);
    }

    Console.WriteLine("waiting");
    Thread.Sleep(Timeout.Infinite);
}

if (end == "--exit")
{
    Environment.Exit(3);
}
else if (end == "--crash")
{
    // Every thread throws at once (a barrier): the crash is logged once per handler, whichever thread's exception is.
    using var together = new Barrier(crashThreads);
    var threads = Enumerable.Range(0, crashThreads).Select(n => new Thread(() =>
    {
        together.SignalAndWait();
        Crash(n);
    })).ToList();
    threads.ForEach(t => t.Start());
    threads.ForEach(t => t.Join());
}

if (spool is not null && hang)
{
    // Checked at each signal, not polled: every failed send (the library's EventSource says each one, on the worker, as
    // the receiver hangs or refuses) and the flush's end (all sent). Bounded: the test reads "spooled" as its signal.
    using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
    var onDisk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    void Check()
    {
        if (handler.Statistics.Spooled + handler.Statistics.Sent >= count)
        {
            onDisk.TrySetResult();
        }
    }

    using var sendFailures = new SendFailures(Check);
    var flush = handler.FlushAsync(deadline.Token); // wakes the worker, which moves the whole queue to disk
    _ = flush.ContinueWith(_ => Check(), TaskScheduler.Default);
    Check();
    await Task.WhenAny(onDisk.Task, Task.Delay(Timeout.Infinite, deadline.Token)).ConfigureAwait(false);

    Console.WriteLine("spooled");
    await Task.Delay(Timeout.Infinite).ConfigureAwait(false);
}

var flushed = handler.Flush(TimeSpan.FromSeconds(60));
Console.WriteLine($"done flushed={flushed} {handler.Statistics}");
await handler.DisposeAsync().ConfigureAwait(false);
return flushed ? 0 : 1;

[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static void Crash(int thread) => throw new InvalidOperationException($"the app crashed on thread {thread}", new FormatException("the inner cause"));
