namespace ThreadedLogging;

/// <summary>
/// Issue 13: a handler with nothing to send still learns its level — every <c>LevelPollInterval</c> it asks the
/// collector, unless an ingest answer brought the rules within that interval. Runs on a timer of the handler's clock.
/// It also asks once at the start, on the thread pool (never on the thread that made the handler), and releases the
/// handler's start hold (<see cref="LevelHold"/>) when that answer came, failed, or <see cref="FirstAnswerBound"/>
/// passed on the handler's clock, whichever is first: a rule support set before the app started applies from its first call.
/// </summary>
internal sealed class LevelPoller : IDisposable
{
    /// <summary>The longest the start's hold waits for the first answer (less when <c>RequestTimeout</c> is shorter): a collector that does not answer costs the app's Debug calls of its first seconds, never more.</summary>
    public static readonly TimeSpan FirstAnswerBound = TimeSpan.FromSeconds(5);

    private readonly HttpBatchSink _sink;
    private readonly LevelRules _rules;
    private readonly LogIdentity _identity;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ITimer _timer;
    private readonly ITimer _bound;
    private readonly Action _firstAnswered;
    private readonly CancellationTokenSource _stop = new();
    private int _polling;

    /// <param name="sink">Asks the collector.</param>
    /// <param name="rules">Where answers go (through the sink's <c>LevelsReceived</c>); its last arrival spares a poll.</param>
    /// <param name="identity">Whose levels to ask for.</param>
    /// <param name="time">The handler's clock: the interval and the first answer's bound.</param>
    /// <param name="interval">How often to ask when nothing else brought the rules.</param>
    /// <param name="requestTimeout">The request's own timeout: the first answer's bound is at most this.</param>
    /// <param name="firstAnswered">Releases the handler's start hold (called once or more; only the first counts).</param>
    public LevelPoller(HttpBatchSink sink, LevelRules rules, LogIdentity identity, TimeProvider time, TimeSpan interval, TimeSpan requestTimeout, Action firstAnswered)
    {
        _sink = sink;
        _rules = rules;
        _identity = identity;
        _time = time;
        _interval = interval;
        _firstAnswered = firstAnswered;
        _bound = time.CreateTimer(_ => firstAnswered(), null, requestTimeout < FirstAnswerBound ? requestTimeout : FirstAnswerBound, Timeout.InfiniteTimeSpan);
        _timer = time.CreateTimer(_ => _ = PollAsync(), null, interval, interval);
        if (ExecutionContext.IsFlowSuppressed())
        {
            _ = Task.Run(FirstPollAsync);
            return;
        }

        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(FirstPollAsync); // not the creator's AsyncLocals (a request's scope), as the worker
        }
    }

    /// <summary>Whether a handler asks at its start (and so holds its first calls): JsonBatch with polling on.</summary>
    public static bool PollsAtStart(ILogBatchSink sink, ThreadedHandlerOptions options) =>
        sink is HttpBatchSink && options is ThreadedHttpHandlerOptions { Format: HttpLogFormat.JsonBatch } http && http.LevelPollInterval > TimeSpan.Zero;

    public void Dispose()
    {
        _bound.Dispose();
        _timer.Dispose();
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task FirstPollAsync()
    {
        try
        {
            await AskAsync().ConfigureAwait(false);
        }
        finally
        {
            _firstAnswered(); // an answer (applied before this), none (failed, refused, timed out), or the handler disposed
        }
    }

    private Task PollAsync()
    {
        if (_rules.LastReceived is { } last && _time.GetUtcNow() - last < _interval)
        {
            return Task.CompletedTask; // an ingest answer brought them
        }

        return AskAsync();
    }

    private async Task AskAsync()
    {
        if (_sink.Format != HttpLogFormat.JsonBatch || Interlocked.Exchange(ref _polling, 1) != 0)
        {
            return;
        }

        try
        {
            await _sink.PollLevelsAsync(_identity, _stop.Token).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // disposed while polling
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }
}
