namespace ThreadedLogging;

/// <summary>
/// Gets a batch to the sink: sends it, retries transient failures with backoff (the circuit opens after
/// repeated failures), splits what is too large or poisoned, drops and counts only a lone poison event or
/// a batch refused from memory, and settles every event in the <see cref="DeliveryLedger"/>. Worker only.
/// </summary>
/// <remarks>
/// The events of a batch refused for their content (400, or 413 for a lone event whose texts are cut as far as they go)
/// are found and said per round (<see cref="ContentRefusals"/>): a receiver that refuses everything gets the rest of the
/// batch held for the backoff after 3 events refused alone, not a request per event. Lone refusals add up across batches
/// until the receiver takes an event, so that batches too small to hold anything (one event an interval) make the next
/// batch wait the backoff after 3, not cost a request and a line each forever. Two deliveries may be in flight
/// (<see cref="BatchWorker"/>), and their answers may come back in either order: that streak is kept in the order the
/// batches were handed over, each delivery changing it only once the one before it has ended, so that a poison event
/// answered after the good event sent behind it is not counted after that take (a 400, 200, 400, 200… receiver made
/// the streak reach 3 and a batch wait the backoff when two answers came back reversed).
/// A spooled batch the receiver refuses whatever it carries (a wrong key or Url) is held on disk and retried with the
/// backoff until the receiver takes it (<see cref="RefusalHold"/>); from memory it is dropped.
/// </remarks>
internal sealed class BatchDelivery
{
    /// <summary>
    /// How many answers in a row that say the receiver failed on the request (<see cref="SendResult.ServerFault"/>, HTTP
    /// 500) the same events get before they are split to find the event it fails on; a lone event is dropped after as many.
    /// </summary>
    public const int ServerFaultsBeforeIsolating = 5;

    private readonly ILogBatchSink _sink;
    private readonly Backoff _backoff;
    private readonly DeliveryLedger _ledger;
    private readonly FailureReporter _failures;
    private readonly SelfLog _selfLog;
    private readonly Func<TimeSpan, CancellationToken, Task> _waitBeforeRetry;
    private readonly Lock _refusals = new(); // two sends may be in flight: the streak is shared
    private readonly CapDrops _refused;
    private readonly RefusalHold _hold;
    private readonly SendsInFlight _inFlight;
    private string? _envelopeServerFault; // the batch id of the stored envelope last answered 500: its events' resend counts that answer
    private volatile bool _refusing; // a streak is going: read without the lock at every success
    private SendOutcome _refusedOutcome; // under _refusals
    private string _refusedError = string.Empty; // under _refusals
    private string _refusalEnd = string.Empty; // under _refusals
    private long _retried;
    private long _failed;
    private long _refusedAloneStreak; // events refused alone since the receiver last took one, across batches, in hand-over order
    private Task _previousDelivery = Task.CompletedTask; // the delivery handed over before the latest one: the streak's turn

    /// <param name="sink">Where batches go.</param>
    /// <param name="backoff">The retry delays and the circuit.</param>
    /// <param name="ledger">Where sent and dropped events are settled.</param>
    /// <param name="failures">Where failed sends are reported.</param>
    /// <param name="selfLog">Where refused batches are reported.</param>
    /// <param name="waitBeforeRetry">Waits out a retry delay (the spool keeps moving the queue to disk meanwhile).</param>
    /// <param name="time">The clock of <see cref="SendingSince"/>; <see langword="null"/>: the system's.</param>
    public BatchDelivery(ILogBatchSink sink, Backoff backoff, DeliveryLedger ledger, FailureReporter failures, SelfLog selfLog, Func<TimeSpan, CancellationToken, Task> waitBeforeRetry, TimeProvider? time = null)
    {
        _inFlight = new SendsInFlight(time ?? TimeProvider.System);
        _sink = sink;
        _backoff = backoff;
        _ledger = ledger;
        _failures = failures;
        _selfLog = selfLog;
        _waitBeforeRetry = waitBeforeRetry;
        _hold = new RefusalHold(selfLog);
        _refused = new CapDrops(
            events => $"{Counted.Events(events)} refused by the receiver ({_refusedOutcome}) and dropped: {_refusedError}. The batches it refuses so from now on are dropped too, and said in one line when it takes a batch again or the handler is disposed.",
            events => $"The receiver refused {Counted.Events(events)} in all ({_refusedOutcome}: {_refusedError}) {_refusalEnd}; {Counted.Agree(events, "it was", "they were")} dropped.");
    }

    /// <summary>Gets how many sends were retried.</summary>
    public long Retried => Interlocked.Read(ref _retried);

    /// <summary>Gets how many sends failed.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Gets whether repeated failures opened the circuit (sends wait for the longest backoff).</summary>
    public bool CircuitOpen => _backoff.IsOpen;

    /// <summary>Gets when the oldest send now waiting for the receiver's answer began; <see langword="null"/> when none is.</summary>
    public DateTimeOffset? SendingSince => _inFlight.OldestSince;

    /// <summary>A new batch id: time-ordered, so the receiver can tell a resend from a new batch.</summary>
    public static string NewBatchId() => Guid.CreateVersion7().ToString("N");

    /// <summary>
    /// Delivers events [start, start+count) in order: retries transient failures with backoff, splits
    /// what is too large or poisoned, sends a lone event that is too large again with its texts cut
    /// (<see cref="OversizedEvent"/>), drops (and counts) only a lone poison event or a batch refused from memory (a
    /// spooled one is held: <see cref="RefusalHold"/>).
    /// Throws <see cref="OperationCanceledException"/> only when the shutdown deadline passes.
    /// </summary>
    /// <param name="events">The batch's events; only [start, start+count) are delivered.</param>
    /// <param name="start">The first event to deliver.</param>
    /// <param name="count">How many events to deliver.</param>
    /// <param name="batchId">The id to send under; a spooled batch keeps the id it was written with, so a resend after a crash is the same batch.</param>
    /// <param name="identity">Whose events these are (a spool adopted from a dead process keeps its identity).</param>
    /// <param name="spooled">Whether the events come from the spool (rather than from memory).</param>
    /// <param name="settledUpTo">
    /// Called before the delivery waits (a backoff, a retry) and when the shutdown deadline cancels a send, with the
    /// batch's first event not settled yet, every event before it being settled (sent, or dropped); <see langword="null"/>
    /// when every event is settled (the wait is the next batch's; it may then be called twice). A spooled record is so
    /// acknowledged, or its settled first events recorded (a split's halves delivered or refused, a round's refused
    /// events), before the wait or the stop, so that a crash or the deadline does not leave settled events on disk to be
    /// sent and counted again by the next start.
    /// </param>
    /// <param name="token">Cancelled when the shutdown deadline passes.</param>
    public async Task DeliverAsync(List<LogEvent> events, int start, int count, string? batchId, LogIdentity identity, bool spooled, Action<LogEvent?>? settledUpTo, CancellationToken token)
    {
        // Handed over on the worker, one after the other: this delivery's turn at the streak comes when the previous one ended.
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var previous = Interlocked.Exchange(ref _previousDelivery, ended.Task);
        try
        {
            await DeliverRoundsAsync(events, start, count, batchId, identity, spooled, previous, settledUpTo, token).ConfigureAwait(false);
        }
        finally
        {
            ended.SetResult();
        }
    }

    /// <summary>
    /// The rounds of <see cref="DeliverAsync(List{LogEvent}, int, int, string?, LogIdentity, bool, Action{LogEvent}?, CancellationToken)"/>
    /// (a round that holds events sends them again after the backoff); <c>previous</c> ends, never faulted, when the
    /// delivery handed over before this one has ended.
    /// </summary>
    private async Task DeliverRoundsAsync(List<LogEvent> events, int start, int count, string? batchId, LogIdentity identity, bool spooled, Task previous, Action<LogEvent?>? settledUpTo, CancellationToken token)
    {
        var refusedAloneBeforeHolding = ContentRefusals.FirstRefusedAloneBeforeHolding;
        while (true)
        {
            var round = new ContentRefusals(count, refusedAloneBeforeHolding);
            var waits = false;
            try
            {
                await DeliverAsync(events, start, count, batchId, identity, spooled, isolating: false, round, next: null, settledUpTo, token).ConfigureAwait(false);
            }
            finally
            {
                // Lone refusals add up across batches until the receiver takes an event: batches too small to reach the hold
                // (one event an interval) cost a request and a line each, forever, against a receiver that refuses everything.
                // In hand-over order: the batch sent before this one may still be answered (two in flight), and its answer
                // comes first in the streak whichever arrived first.
                await previous.ConfigureAwait(false);
                var streak = Streak(round);
                waits = round.Held is not { Count: > 0 } && streak >= ContentRefusals.FirstRefusedAloneBeforeHolding;
                round.End(_ledger, spooled, _selfLog, waits ? streak : 0);
            }

            if (round.Held is not { Count: > 0 } held)
            {
                if (waits)
                {
                    settledUpTo?.Invoke(null); // settled: acknowledged before the wait, which the deadline may end
                    await _waitBeforeRetry(_backoff.MarkFailure(), token).ConfigureAwait(false); // nothing held: the next batch waits
                }

                return;
            }

            // The receiver refused every event it was sent alone and took none: the others wait the backoff, as in an outage.
            Interlocked.Increment(ref _retried);
            settledUpTo?.Invoke(held[0]);
            await _waitBeforeRetry(_backoff.MarkFailure(), token).ConfigureAwait(false);
            (events, start, count, batchId) = (held, 0, held.Count, null);
            refusedAloneBeforeHolding = (int)Math.Min(2L * refusedAloneBeforeHolding, int.MaxValue); // a poison run at the start: found in ⌈log₂⌉ rounds
        }
    }

    /// <summary>The delivery of <see cref="DeliverAsync(List{LogEvent}, int, int, string?, LogIdentity, bool, Action{LogEvent}?, CancellationToken)"/>, and of the pieces it splits a batch into.</summary>
    /// <param name="events">The batch's events; only [start, start+count) are delivered.</param>
    /// <param name="start">The first event to deliver.</param>
    /// <param name="count">How many events to deliver.</param>
    /// <param name="batchId">The id to send under (a new one when null).</param>
    /// <param name="identity">Whose events these are.</param>
    /// <param name="spooled">Whether the events come from the spool.</param>
    /// <param name="isolating">Whether the sink threw on the content of the batch these events were split from: a send that throws so again is split (or the lone event dropped) at once.</param>
    /// <param name="round">What this round of the batch's delivery learnt of the receiver's content refusals.</param>
    /// <param name="next">The first event the batch delivers after these (the rest of a piece split off), <see langword="null"/> when these end it: what is settled when these are.</param>
    /// <param name="settledUpTo">The batch's (see the public overload).</param>
    /// <param name="token">Cancelled when the shutdown deadline passes.</param>
    private async Task DeliverAsync(List<LogEvent> events, int start, int count, string? batchId, LogIdentity identity, bool spooled, bool isolating, ContentRefusals round, LogEvent? next, Action<LogEvent?>? settledUpTo, CancellationToken token)
    {
        // The stored envelope of these events answered 500 just before (TrySendEnvelopeAsync): that answer is the first of
        // the ServerFaultsBeforeIsolating, so a spooled batch is split after as many answers as one from memory (it got 6).
        var serverFaults = batchId is not null && batchId == Interlocked.Exchange(ref _envelopeServerFault, null) ? 1 : 0;
        batchId ??= NewBatchId();
        var cuts = 0;
        var throws = 0;
        while (count > 0)
        {
            var slice = start == 0 && count == events.Count ? events : events.GetRange(start, count);
            SendResult result;
            bool threw;
            try
            {
                (result, threw) = await SendOnceAsync(new LogBatch(batchId, slice, identity), token).ConfigureAwait(false);
                threw |= result.ThrewOnContent; // a sink that delivered the events before the one it threw on (a wrapped provider)
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The deadline ended the send: what the batch settled before these events (a split's first halves) is
                // recorded, so that only these and the rest stay for the next start.
                settledUpTo?.Invoke(events[start]);
                throw;
            }

            var completed = result.Outcome == SendOutcome.Sent ? count : Math.Clamp(result.Completed, 0, count);
            if (completed > 0)
            {
                EndRefusals("before it took a batch again"); // said before the settle: a flush it completes may read the self-log
                _failures.SendWorked();
                _hold.End(disposed: false);
            }

            _ledger.Settle(events, start, completed, delivered: true, spooled);
            round.Took(completed);
            if (result.Outcome == SendOutcome.Sent)
            {
                _backoff.MarkSuccess();
                return;
            }

            if (result.DeliveredAfter is { Count: > 0 } runs)
            {
                // Some were delivered after the first that was not: settled, and only the others go on.
                var before = completed;
                (events, completed) = SettleDeliveredAfter(events, start, count, completed, runs, spooled);
                round.Took(completed - before);
                start = 0;
                count = events.Count;
            }
            else
            {
                start += completed;
                count -= completed;
            }

            throws = completed > 0 ? 0 : throws;
            serverFaults = completed > 0 ? 0 : serverFaults;
            var refusedContent = result.Outcome is SendOutcome.Rejected or SendOutcome.TooLarge; // the receiver's own answer, not a throw or a 500 isolated as one
            var failsOnContent = false;
            if (threw && (isolating || ++throws >= SinkFailure.AttemptsBeforeIsolating))
            {
                // The sink throws on something in these events, not on the way to the receiver: find it as a refused event is found.
                isolating = true;
                result = result with { Outcome = SendOutcome.Rejected };
            }
            else if (result.ServerFault && ((isolating && count > 1) || ++serverFaults >= ServerFaultsBeforeIsolating))
            {
                // The receiver fails on these events again and again, not for being down: retried as they are, one event it
                // fails on would hold back everything logged after it. Found as a refused event is found; a lone event
                // gets as many answers before it is dropped, so an outage answered 500 loses nothing while it is short.
                isolating = true;
                failsOnContent = true;
                result = result with { Outcome = SendOutcome.Rejected };
                _ = _backoff.MarkFailure(); // still a failure in a row toward the circuit, as the 500s retried before it (no wait: split at once)
            }

            // A refusal is said once per streak (Reject), a content refusal once per round (ContentRefusals), a part of the
            // batch too large as a whole once per round (ContentRefusals.SaidTooLarge).
            var sayTooLarge = result.Outcome == SendOutcome.TooLarge && count > 1 && !round.SaidTooLarge;
            round.SaidTooLarge |= sayTooLarge;
            CountFailedAttempt(count, result.Error ?? result.Outcome.ToString(), result.Cause, say: sayTooLarge || (!IsRefusal(result.Outcome) && !refusedContent), retried: result.Outcome == SendOutcome.Transient);
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
                    settledUpTo?.Invoke(events[start]);
                    await _waitBeforeRetry(_backoff.MarkFailure(result.RetryAfter), token).ConfigureAwait(false);
                    break;
                case SendOutcome.TooLarge when count == 1 && OversizedEvent.TryCutFurther(events[start], ref cuts):
                    // A lone event too large for the receiver: sent again with its long texts cut, not dropped.
                    _selfLog.Write($"An event of {events[start].Category} was larger than the receiver takes; sent again with its texts cut at {OversizedEvent.Steps[cuts - 1]} characters.");
                    batchId = NewBatchId();
                    continue;
                case SendOutcome.TooLarge or SendOutcome.Rejected when count > 1:
                    var half = count / 2;
                    await DeliverAsync(events, start, half, null, identity, spooled, isolating, round, events[start + half], settledUpTo, token).ConfigureAwait(false);
                    if (round.Held is not null)
                    {
                        round.Hold(events, start + half, count - half);
                        return;
                    }

                    await DeliverAsync(events, start + half, count - half, null, identity, spooled, isolating, round, next, settledUpTo, token).ConfigureAwait(false);
                    return;
                case SendOutcome.Rejected or SendOutcome.TooLarge when refusedContent:
                    // A lone event the receiver refused (too large: with its texts cut as far as they go): dropped when the
                    // round ends, said in its one line; a receiver that refuses everything so gets the rest held (ContentRefusals).
                    ThreadedLoggingEventSource.Log.EventsRejected(1, result.Error ?? result.Outcome.ToString());
                    round.RefusedAlone(events[start], result.Error ?? result.Outcome.ToString(), result.Outcome);
                    return;
                case SendOutcome.Unauthorized or SendOutcome.Refused when spooled:
                    // On disk the events are safe: held for the key or the Url to be fixed, retried with the backoff (the
                    // spool's caps bound them), not dropped. A content refusal is not held: resending cannot help it.
                    _hold.Refused(result.Outcome, result.Error ?? result.Outcome.ToString(), _ledger.Spooled);
                    goto case SendOutcome.Transient; // then retried as an outage is
                case SendOutcome.Unauthorized or SendOutcome.Refused:
                    Reject(events, start, count, result, spooled, threw, failsOnContent);
                    settledUpTo?.Invoke(next); // these refused: settled up to the rest of the batch (all of it when these end it)
                    // Keep the next batches from hammering a server that refuses us.
                    await _waitBeforeRetry(_backoff.MarkFailure(result.RetryAfter), token).ConfigureAwait(false);
                    return;
                default:
                    Reject(events, start, count, result, spooled, threw, failsOnContent);
                    return;
            }
        }
    }

    /// <summary>
    /// A round's part in the streak of events refused alone since the receiver last took one, across batches: a round that
    /// took an event ends it, one that took none adds its lone refusals. Returns the streak when this round added to it,
    /// else 0 (only a round that refused events makes the next batch wait). Called in hand-over order.
    /// </summary>
    private long Streak(ContentRefusals round)
    {
        if (round.TookAny)
        {
            Interlocked.Exchange(ref _refusedAloneStreak, 0);
            return 0;
        }

        return round.RefusedWithNoneTaken > 0 ? Interlocked.Add(ref _refusedAloneStreak, round.RefusedWithNoneTaken) : 0;
    }

    /// <summary>
    /// Sends a spooled envelope as stored, when the sink takes envelopes; true when it was delivered (its events are
    /// settled as sent). False — nothing settled — when the sink cannot, or the receiver did not take it (after the backoff,
    /// when it failed as a batch's retry waits: <see cref="WaitAfterEnvelopeFailedAsync"/>): the caller then delivers its events with <see cref="DeliverAsync(List{LogEvent}, int, int, string?, LogIdentity, bool, Action{LogEvent}?, CancellationToken)"/>, under the same batch id.
    /// </summary>
    public async Task<bool> TrySendEnvelopeAsync(SpooledEnvelope envelope, int userEvents, LogIdentity identity, CancellationToken token)
    {
        if (_sink is not ISendsEnvelopes { CanSendEnvelopes: true } sink)
        {
            return false;
        }

        SendResult result;
        var ticket = _inFlight.Begin();
        try
        {
            result = await sink.SendEnvelopeAsync(envelope.Json, envelope.Gzipped, envelope.BatchId, identity, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            result = new SendResult(SinkFailure.IsTransient(e) ? SendOutcome.Transient : SendOutcome.Rejected, Error: $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            _inFlight.End(ticket);
        }

        if (result.Outcome != SendOutcome.Sent)
        {
            Volatile.Write(ref _envelopeServerFault, result.ServerFault ? envelope.BatchId : null);
            var error = result.Error ?? result.Outcome.ToString();
            CountFailedAttempt(userEvents, error, result.Cause, say: false, retried: result.Outcome == SendOutcome.Transient); // its events are sent the ordinary way next, which says what it meets; an outage's attempt all the same
            await WaitAfterEnvelopeFailedAsync(result.Outcome, result.RetryAfter, error, token).ConfigureAwait(false);
            return false;
        }

        _backoff.MarkSuccess();
        EndRefusals("before it took a batch again");
        _failures.SendWorked();
        _hold.End(disposed: false);
        Interlocked.Exchange(ref _refusedAloneStreak, 0);
        _ledger.SettleSpooled(userEvents);
        return true;
    }

    /// <summary>
    /// A stored envelope the receiver did not take: an answer after which a batch's send waits the backoff (an outage, a
    /// refusal whatever it carries) counts toward the circuit and waits it here too, so that the events' resend the ordinary
    /// way is the next attempt, as a batch's retry is: <see cref="CircuitOpen"/> and the probes' cadence are the same with
    /// and without the spool (it counted in <see cref="Failed"/> only, and the resend followed at once). A refusal of the
    /// content, or a sink that throws on it, goes on at once: the events are split to find the ones refused.
    /// </summary>
    private async Task WaitAfterEnvelopeFailedAsync(SendOutcome outcome, TimeSpan? retryAfter, string error, CancellationToken token)
    {
        switch (outcome)
        {
            case SendOutcome.Unauthorized or SendOutcome.Refused:
                _hold.Refused(outcome, error, _ledger.Spooled); // on disk, held: the resend is retried as an outage's is
                goto case SendOutcome.Transient;
            case SendOutcome.Transient:
                Interlocked.Increment(ref _retried);
                await _waitBeforeRetry(_backoff.MarkFailure(retryAfter), token).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// A send that failed, a batch's or a stored envelope's: counted in <see cref="Failed"/>, and on the EventSource's
    /// <c>SendFailed</c> and as the last error; in the self-log when <paramref name="say"/>. <paramref name="cause"/>: what
    /// failed, when the error also holds the receiver's words (<see cref="SendResult.Cause"/>).
    /// </summary>
    private void CountFailedAttempt(int events, string error, string? cause, bool say, bool retried = false)
    {
        Interlocked.Increment(ref _failed);
        _failures.SendFailed(events, error, say, retried, cause);
    }

    /// <summary>
    /// Disposes the sink at shutdown, after the worker stopped; when the worker was abandoned (<paramref name="abandonedWorker"/>),
    /// once it stops, without waiting: a sink that ignores cancellation and whose disposal waits for its send held the
    /// handler's disposal past its budget, without limit (as the spool, <see cref="BatchWorker.CloseSpoolWhenStopped"/>).
    /// </summary>
    /// <param name="abandonedWorker">The worker's task when it outlived the shutdown budget; <see langword="null"/> when it stopped.</param>
    public ValueTask DisposeSinkAsync(Task? abandonedWorker)
    {
        EndRefusals("until the handler's disposal");
        _hold.End(disposed: true);
        if (abandonedWorker is null)
        {
            return DisposeSinkNowAsync();
        }

        _ = abandonedWorker.ContinueWith(_ => DisposeSinkNowAsync().AsTask(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        return ValueTask.CompletedTask;
    }

    /// <summary>Disposes the sink, reporting (not throwing) what it throws.</summary>
    private async ValueTask DisposeSinkNowAsync()
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
            _failures.InternalError(e);
        }
    }

    /// <summary>Sends once; an exception is a transient failure, and <c>Threw</c> says whether it was one about the batch's content (<see cref="SinkFailure"/>).</summary>
    private async Task<(SendResult Result, bool Threw)> SendOnceAsync(LogBatch batch, CancellationToken token)
    {
        var ticket = _inFlight.Begin();
        try
        {
            return (await _sink.SendAsync(batch, token).ConfigureAwait(false), false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var transient = SinkFailure.IsTransient(e);
            return (new SendResult(SendOutcome.Transient, Error: $"{(transient ? null : "the sink threw ")}{e.GetType().Name}: {e.Message}"), !transient);
        }
        finally
        {
            _inFlight.End(ticket);
        }
    }

    /// <summary>
    /// Settles the runs of <paramref name="runs"/> (offsets in the slice [start, start+count), at or after
    /// <paramref name="completed"/>) as sent and returns the slice's other undelivered events as a new list, with how
    /// many events of the slice were delivered in all.
    /// </summary>
    private (List<LogEvent> Undelivered, int Delivered) SettleDeliveredAfter(
        List<LogEvent> events, int start, int count, int completed, IReadOnlyList<(int Offset, int Count)> runs, bool spooled)
    {
        var rest = new List<LogEvent>(count - completed);
        var next = completed;
        var delivered = completed;
        foreach (var (offset, length) in runs)
        {
            var from = Math.Clamp(offset, next, count);
            var to = Math.Clamp(offset + length, from, count);
            rest.AddRange(events.GetRange(start + next, from - next));
            _ledger.Settle(events, start + from, to - from, delivered: true, spooled);
            delivered += to - from;
            next = to;
        }

        rest.AddRange(events.GetRange(start + next, count - next));
        return (rest, delivered);
    }

    /// <summary>Whether the receiver refused the request whatever it carries (a key, a path, a redirect): every batch after it likely is too.</summary>
    private static bool IsRefusal(SendOutcome outcome) => outcome is SendOutcome.Unauthorized or SendOutcome.Refused;

    /// <summary>
    /// A batch refused whatever it carries (<see cref="IsRefusal"/>): said once when the refusals begin (a wrong key would
    /// otherwise write a line per batch for hours), and their total once when they end (<see cref="EndRefusals"/>), as the
    /// spool's caps are. Each is still counted and on the EventSource (<c>EventsRejected</c>).
    /// </summary>
    private void Refused(int count, SendOutcome outcome, string error)
    {
        lock (_refusals)
        {
            if (_refusing && outcome != _refusedOutcome)
            {
                _refusalEnd = $"before it answered {outcome} instead";
                _refused.End(_selfLog.Write);
            }

            if (!_refusing)
            {
                (_refusedOutcome, _refusedError, _refusing) = (outcome, error, true);
            }

            _refused.Add(count, _selfLog.Write);
        }
    }

    /// <summary>The receiver took a batch again, or the handler is disposed: the refusals' total, once, if there were any.</summary>
    private void EndRefusals(string end)
    {
        if (!_refusing)
        {
            return;
        }

        lock (_refusals)
        {
            _refusalEnd = end;
            _refused.End(_selfLog.Write);
            _refusing = false;
        }
    }

    private void Reject(List<LogEvent> events, int start, int count, SendResult result, bool spooled, bool threw, bool serverFault)
    {
        var error = result.Error ?? result.Outcome.ToString();
        ThreadedLoggingEventSource.Log.EventsRejected(count, error);
        if (threw || serverFault || !IsRefusal(result.Outcome))
        {
            _selfLog.Write(threw
                ? $"{Counted.Events(count)} dropped, as the sink throws when sending {Counted.Agree(count, "it", "them")} ({error}); the events around {Counted.Agree(count, "it", "them")} were delivered."
                : serverFault
                ? $"{Counted.Events(count)} dropped, as the receiver failed on {Counted.Agree(count, "it", "them")} {ServerFaultsBeforeIsolating} times in a row ({error}); the events after {Counted.Agree(count, "it", "them")} go on."
                : $"{Counted.Events(count)} refused by the receiver ({result.Outcome}) and dropped: {error}");
        }
        else
        {
            Refused(count, result.Outcome, error);
        }

        _ledger.Settle(events, start, count, delivered: false, spooled);
    }
}
