namespace ThreadedLogging;

public partial class ThreadedHandler
{
    private static readonly TimeSpan WorkerGrace = TimeSpan.FromMilliseconds(250);
    private readonly List<FlushWaiter> _flushWaiters = [];
    private readonly TimeSpan _shutdownTimeout;
    private int _disposed;
    private volatile bool _abandoned;

    /// <summary>Gets a snapshot of the handler's counters.</summary>
    public ThreadedHandlerStatistics Statistics
    {
        get
        {
            var error = _lastError;
            return new ThreadedHandlerStatistics
            {
                Enqueued = _queue.Enqueued,
                Sent = Interlocked.Read(ref _sent),
                Dropped = Interlocked.Read(ref _dropped) + Volatile.Read(ref _queueDrops),
                Retried = Interlocked.Read(ref _retried),
                Failed = Interlocked.Read(ref _failed),
                Spooled = Math.Max(0, Interlocked.Read(ref _spooled)),
                Adopted = Interlocked.Read(ref _adopted),
                Pending = Math.Max(0, QueuedCount) + Math.Max(0, Interlocked.Read(ref _inFlight)) + Math.Max(0, Interlocked.Read(ref _spooled)),
                Capacity = _capacity,
                CircuitOpen = _backoff.IsOpen,
                LastError = error?.Message,
                LastErrorTime = error?.Time,
            };
        }
    }

    /// <summary>
    /// Sends everything logged before the call and waits until it is delivered (or dropped for good),
    /// at most <paramref name="timeout"/>.
    /// </summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns><see langword="true"/> when everything logged before the call is settled; <see langword="false"/> on timeout.</returns>
    public bool Flush(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        return FlushAsync(cancel.Token).GetAwaiter().GetResult();
    }

    /// <summary>Sends everything logged before the call and waits until it is delivered (or dropped for good).</summary>
    /// <param name="cancellationToken">Stops the wait (not the sending).</param>
    /// <returns><see langword="true"/> when everything logged before the call is settled; <see langword="false"/> when cancelled or disposed first.</returns>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken = default)
    {
        // Wait until the worker has opened the spool: events adopted from a dead process count as logged before this call.
        try
        {
            await _ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        var waiter = new FlushWaiter(_queue.Enqueued + Interlocked.Read(ref _adopted));
        if (Interlocked.Read(ref _settled) >= waiter.Target)
        {
            return true;
        }

        if (_worker.IsCompleted)
        {
            return false;
        }

        lock (_flushWaiters)
        {
            _flushWaiters.Add(waiter);
        }

        Volatile.Write(ref _flushRequested, 1);
        _timer.Wake();
        CompleteFlushWaiters();
        await using var registration = cancellationToken.UnsafeRegister(static w => ((FlushWaiter)w!).Done.TrySetResult(false), waiter).ConfigureAwait(false);
        return await waiter.Done.Task.ConfigureAwait(false);
    }

    /// <summary>Drains the queue within <see cref="ThreadedHandlerOptions.ShutdownTimeout"/>, then stops; returns by then whatever the receiver does.</summary>
    public void Dispose()
    {
        DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    /// <summary>Drains the queue within <see cref="ThreadedHandlerOptions.ShutdownTimeout"/>, then stops; returns by then whatever the receiver does.</summary>
    /// <returns>A task that completes when the handler has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping = true;
        SignalRoom();
        if (PoolsEvents)
        {
            LogEventPool.RemoveCapacity(_capacity);
        }

        _deadline.CancelAfter(_shutdownTimeout);
        Volatile.Write(ref _flushRequested, 1);
        _timer.Wake();

        // The deadline cancels sends; the grace covers a sink that ignores cancellation. Wall-clock
        // time on purpose: the budget is a promise to the app, whatever clock the pipeline runs on.
        using var grace = new CancellationTokenSource(_shutdownTimeout + WorkerGrace);
        var stopped = await Task.WhenAny(_worker, Task.Delay(Timeout.Infinite, grace.Token)).ConfigureAwait(false) == _worker;

        if (!stopped)
        {
            // The worker ignores cancellation (a sink that hangs): from now on it changes no counter,
            // so what is counted lost below is counted once, whatever it still does.
            _abandoned = true;
            _selfLog.Write("The sink did not stop within the shutdown budget; it was abandoned.");
        }

        var lost = stopped
            ? Math.Max(0, Interlocked.Exchange(ref _queued.Value, 0) >> CountShift) + Math.Max(0, Interlocked.Exchange(ref _inFlight, 0))
            : Math.Max(0, QueuedCount) + Math.Max(0, Interlocked.Read(ref _inFlight));
        _queue.Clear();
        if (lost > 0)
        {
            Interlocked.Add(ref _dropped, lost);
            ThreadedLoggingEventSource.Log.EventsLostAtShutdown(lost);
            _selfLog.Write($"{lost} events were not delivered before the shutdown deadline ({_shutdownTimeout.TotalMilliseconds} ms) and are lost.");
        }

        if (stopped)
        {
            CloseSpool();
        }

        CompleteFlushWaiters(force: true);
        await DisposeSinkAsync().ConfigureAwait(false);
        _deadline.Dispose();
    }

    private async ValueTask DisposeSinkAsync()
    {
        try
        {
            switch (_sink)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ReportInternalError(e);
        }
    }

    private void CompleteFlushWaiters(bool force = false)
    {
        lock (_flushWaiters)
        {
            if (_flushWaiters.Count == 0)
            {
                return;
            }

            var settled = Interlocked.Read(ref _settled);
            _flushWaiters.RemoveAll(w =>
            {
                if (w.Done.Task.IsCompleted)
                {
                    return true;
                }

                if (settled >= w.Target || force)
                {
                    w.Done.TrySetResult(settled >= w.Target);
                    return true;
                }

                return false;
            });
        }
    }

    private sealed class FlushWaiter(long target)
    {
        public long Target { get; } = target;

        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
