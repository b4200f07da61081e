namespace ThreadedLogging;

/// <summary>
/// Issue 13: a handler with nothing to send still learns its level — every <c>LevelPollInterval</c> it asks the
/// collector, unless an ingest answer brought the rules within that interval. Runs on a timer of the handler's clock.
/// </summary>
internal sealed class LevelPoller : IDisposable
{
    private readonly HttpBatchSink _sink;
    private readonly LevelRules _rules;
    private readonly LogIdentity _identity;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _stop = new();
    private int _polling;

    public LevelPoller(HttpBatchSink sink, LevelRules rules, LogIdentity identity, TimeProvider time, TimeSpan interval)
    {
        _sink = sink;
        _rules = rules;
        _identity = identity;
        _time = time;
        _interval = interval;
        _timer = time.CreateTimer(_ => _ = PollAsync(), null, interval, interval);
    }

    public void Dispose()
    {
        _timer.Dispose();
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task PollAsync()
    {
        if (_rules.LastReceived is { } last && _time.GetUtcNow() - last < _interval)
        {
            return; // an ingest answer brought them
        }

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
