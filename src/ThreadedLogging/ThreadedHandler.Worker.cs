using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

public partial class ThreadedHandler
{
    private readonly Redactor _redactor;
    private readonly LogEventPool.Returner _returner = new();
    private readonly Backoff _backoff;
    private readonly Task _worker;
    private readonly CancellationTokenSource _deadline = new();
    private volatile bool _stopping;
    private int _flushRequested;
    private long _sequence;
    private long _inFlight;
    private long _sent;
    private long _settled;
    private long _retried;
    private long _failed;
    private ErrorRecord? _lastError;

    /// <summary>
    /// The one worker of the handler: wait for the clock (or a wake-up), send full batches — or
    /// everything when the interval elapsed, a flush was asked for, or the handler is stopping.
    /// </summary>
    private async Task RunWorkerAsync()
    {
        var batch = new List<LogEvent>(Math.Min(_batchSize, 1024));
        var token = _deadline.Token;
        var elapsed = false;
        OpenSpool();
        while (true)
        {
            try
            {
                var drainAll = elapsed | Interlocked.Exchange(ref _flushRequested, 0) == 1 | _stopping;
                await DeliverCarriedAsync(token).ConfigureAwait(false);
                while (!token.IsCancellationRequested && FillBatch(batch, drainAll))
                {
                    if (!TrySpool(batch))
                    {
                        await DeliverAsync(batch, 0, batch.Count, null, Identity, spooled: false, token).ConfigureAwait(false);
                        if (PoolsEvents)
                        {
                            _returner.Return(batch); // the sink is done with them
                        }
                    }

                    batch.Clear();
                    CompleteFlushWaiters();
                }

                SyncSpool();
                await DeliverSpooledAsync(token).ConfigureAwait(false);
                CompleteFlushWaiters();
                if (_stopping && QueuedCount == 0)
                {
                    return;
                }

                elapsed = await _timer.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The shutdown deadline passed: DisposeAsync counts what is left as lost.
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A bug of ours must not stop the worker: report it, count the batch as lost, go on.
                ReportInternalError(e);
                Settle(batch, 0, batch.Count, delivered: false, spooled: false);
                batch.Clear();
                elapsed = await _timer.WaitAsync(token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Takes the next batch off the queue: up to BatchSize events and about MaxBatchBytes.</summary>
    private bool FillBatch(List<LogEvent> batch, bool drainAll)
    {
        if (!drainAll && QueuedCount < _batchSize && QueuedBytes < _maxBatchBytes)
        {
            return false;
        }

        long bytes = 0;
        while (batch.Count < _batchSize && _queue.TryPeek(out var next))
        {
            if (batch.Count > 0 && bytes + next.EstimatedBytes > _maxBatchBytes)
            {
                break;
            }

            _queue.TryDequeue(out _);
            bytes += next.EstimatedBytes;
            next.Sequence = ++_sequence;
            _redactor.Apply(next);
            batch.Add(next);
        }

        Release(batch.Count, bytes);
        Interlocked.Add(ref _inFlight, batch.Count);
        SignalRoom();

        if (TakeDropNotice() is { } notice)
        {
            notice.Sequence = ++_sequence;
            notice.IsExtra = true;
            batch.Add(notice);
            Interlocked.Increment(ref _inFlight);
        }

        return batch.Count > 0;
    }

    /// <summary>
    /// Delivers events [start, start+count) in order: retries transient failures with backoff, splits
    /// what is too large or poisoned, drops (and counts) only a lone poison event or a refused batch.
    /// Throws <see cref="OperationCanceledException"/> only when the shutdown deadline passes.
    /// </summary>
    /// <param name="batchId">The id to send under; a spooled batch keeps the id it was written with, so a resend after a crash is the same batch.</param>
    /// <param name="identity">Whose events these are (a spool adopted from a dead process keeps its identity).</param>
    private async Task DeliverAsync(List<LogEvent> events, int start, int count, string? batchId, LogIdentity identity, bool spooled, CancellationToken token)
    {
        batchId ??= NewBatchId();
        while (count > 0)
        {
            var slice = start == 0 && count == events.Count ? events : events.GetRange(start, count);
            var result = await SendOnceAsync(new LogBatch(batchId, slice, identity), token).ConfigureAwait(false);
            var completed = result.Outcome == SendOutcome.Sent ? count : Math.Clamp(result.Completed, 0, count);
            Settle(events, start, completed, delivered: true, spooled);
            start += completed;
            count -= completed;
            if (result.Outcome == SendOutcome.Sent)
            {
                _backoff.MarkSuccess();
                return;
            }

            RecordFailure(count, result.Error ?? result.Outcome.ToString());
            if (count == 0)
            {
                return;
            }

            switch (result.Outcome)
            {
                case SendOutcome.Transient:
                    if (completed > 0)
                    {
                        batchId = NewBatchId(); // a different set of events from here on
                    }

                    Interlocked.Increment(ref _retried);
                    await WaitBeforeRetryAsync(_backoff.MarkFailure(result.RetryAfter), token).ConfigureAwait(false);
                    break;
                case SendOutcome.TooLarge or SendOutcome.Rejected when count > 1:
                    var half = count / 2;
                    await DeliverAsync(events, start, half, null, identity, spooled, token).ConfigureAwait(false);
                    await DeliverAsync(events, start + half, count - half, null, identity, spooled, token).ConfigureAwait(false);
                    return;
                case SendOutcome.Unauthorized:
                    Reject(events, start, count, result, spooled);
                    // Keep the next batches from hammering a server that refuses us.
                    await WaitBeforeRetryAsync(_backoff.MarkFailure(result.RetryAfter), token).ConfigureAwait(false);
                    return;
                default:
                    Reject(events, start, count, result, spooled);
                    return;
            }
        }
    }

    private async Task<SendResult> SendOnceAsync(LogBatch batch, CancellationToken token)
    {
        try
        {
            return await _sink.SendAsync(batch, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new SendResult(SendOutcome.Transient, Error: $"{e.GetType().Name}: {e.Message}");
        }
    }

    private void Reject(List<LogEvent> events, int start, int count, SendResult result, bool spooled)
    {
        var error = result.Error ?? result.Outcome.ToString();
        ThreadedLoggingEventSource.Log.EventsRejected(count, error);
        _selfLog.Write($"{count} events refused by the receiver ({result.Outcome}) and dropped: {error}");
        Settle(events, start, count, delivered: false, spooled);
    }

    private void RecordFailure(int count, string error)
    {
        Interlocked.Increment(ref _failed);
        _lastError = new ErrorRecord(error, Time.GetUtcNow());
        ThreadedLoggingEventSource.Log.SendFailed(count, error);
        _selfLog.Write($"Sending {count} events failed: {error}");
    }

    /// <summary>Marks events as done (sent, or dropped for good); Flush waits on this count.</summary>
    private void Settle(List<LogEvent> events, int start, int count, bool delivered, bool spooled)
    {
        if (count == 0 || _abandoned)
        {
            return;
        }

        var userEvents = 0;
        for (var i = start; i < start + count; i++)
        {
            if (!events[i].IsExtra)
            {
                userEvents++;
            }
        }

        Interlocked.Add(ref delivered ? ref _sent : ref _dropped, userEvents);
        if (spooled)
        {
            Interlocked.Add(ref _spooled, -userEvents);
        }
        else
        {
            Interlocked.Add(ref _inFlight, -count);
        }

        Interlocked.Add(ref _settled, userEvents);
    }

    internal void ReportInternalError(Exception e)
    {
        _lastError = new ErrorRecord($"{e.GetType().Name}: {e.Message}", Time.GetUtcNow());
        ThreadedLoggingEventSource.Log.InternalError(e.ToString());
        _selfLog.Write($"Internal error: {e}");
    }

    private static string NewBatchId() => Guid.CreateVersion7().ToString("N");

    private sealed record ErrorRecord(string Message, DateTimeOffset Time);
}
