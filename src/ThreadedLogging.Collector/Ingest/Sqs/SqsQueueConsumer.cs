using Amazon.SQS;
using Amazon.SQS.Model;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>
/// Drains one queue with several long-polling receivers. Each message is decoded and its events committed
/// (a redelivered message is recognised by its batch key and stored once), then deleted. What cannot be
/// decoded is set aside at once; what cannot be stored stays in the queue until its receive count reaches
/// <see cref="SqsIngestOptions.MaxReceiveCount"/>, then is set aside too. A message whose visibility timeout
/// ran out before its turn is left for the next receive instead of being handled twice at once. A message's bytes, and what
/// they inflate to, are taken from the receiving budget (<see cref="BodyBudget"/>, the queue a sender of its own) until its
/// commit; one that does not fit is left in the queue for <see cref="CollectorOptions.OverloadRetryAfter"/>, not set aside. One the
/// store cannot take now (unavailable, or its "retry later", <see cref="IngestRejectedException.IsRetryLater"/>) is left too, not
/// counted as a try.
/// </summary>
internal sealed class SqsQueueConsumer(
    SqsQueueOptions queue,
    SqsIngestOptions options,
    IAmazonSQS client,
    IEventStore store,
    ISqsPoisonStore poison,
    SqsIngestStatistics statistics,
    CollectorOptions collector,
    SqsMessageDecoder decoder,
    TimeProvider time,
    ILogger logger,
    Func<IReadOnlyList<Message>, CancellationToken, Task>? beforeDelete = null,
    StoreWriteState? writes = null,
    BodyBudget? budget = null)
{
    /// <summary>What is left of the visibility timeout when a receiver stops starting new messages of a receive.</summary>
    private static readonly TimeSpan MaxVisibilityMargin = TimeSpan.FromSeconds(2);

    /// <summary>The shortest time between two lines about messages left for the budget.</summary>
    private static readonly TimeSpan OverloadLogInterval = TimeSpan.FromMinutes(1);

    /// <summary>The queue as a sender of the budget (<see cref="BodyBudget.SenderShare"/>): never a remote address's key.</summary>
    private readonly string _sender = $"sqs:{queue.Label}";
    private readonly SqsUntriedReceives _untried = new(time);
    private readonly LogRateLimiter _overloadLines = new(OverloadLogInterval, time);

    // Messages set aside, said at most once a minute per kind of reason (a refusal's status and template, SqsPoisonReasonKind; a
    // defect; a failing store): a producer
    // sending nothing but bad messages made a line each; every one is kept in the poison table (GET /api/ingest/sqs/poison).
    private readonly LogRateLimiter _poisonLines = new(OverloadLogInterval, time);

    // A message's failed decode (107, a defect) or store (103), said at most once a minute per kind of failure (the step and the
    // exception's type): while the store fails, every message of the queue fails the same way, and each was a line of its own.
    // The statistics count every failure (statistics.Error).
    private readonly LogRateLimiter _failureLines = new(OverloadLogInterval, time);

    // Messages the store asked to retry later (110), each said once, at most once a minute per queue.
    private readonly LogRateLimiter _retryLaterLines = new(OverloadLogInterval, time);

    // Failed receives (101), said at most once a minute per kind of failure; the receive that works after them says so (109), at once after a 101, else at most once a minute.
    private readonly SqsReceiveFailures _receiveFailures = new(time);
    private string? _url = queue.Url;

    /// <summary>What became of one message of a receive.</summary>
    private enum Handled
    {
        /// <summary>Stored or set aside: delete it.</summary>
        Delete,

        /// <summary>Left in the queue until its visibility timeout (a store or decoder failure).</summary>
        Leave,

        /// <summary>Its bytes did not fit the receiving budget: left, visible again after OverloadRetryAfter.</summary>
        Overloaded,

        /// <summary>The store's "retry later" (a day retention is removing): left, visible again after its Retry-After.</summary>
        RetryLater,
    }

    public Task RunAsync(CancellationToken stopping)
    {
        SqsIngestLog.Started(logger, queue.Label, options.ReceiversPerQueue);
        var receivers = new Task[options.ReceiversPerQueue];
        for (var i = 0; i < receivers.Length; i++)
        {
            receivers[i] = Task.Run(() => ReceiveLoopAsync(stopping), CancellationToken.None);
        }

        return Task.WhenAll(receivers);
    }

    private async Task ReceiveLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await ReceiveOnceAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (e is QueueDoesNotExistException && queue.Name is not null)
                {
                    _url = null; // look it up again: it may be created, or re-created with another URL
                }

                var error = $"{e.GetType().Name}: {e.Message}";
                statistics.Error(error);
                if (_receiveFailures.Failed(e, out var suppressed))
                {
                    SqsIngestLog.ReceiveFailed(logger, queue.Label, options.RetryDelay, error, suppressed);
                }

                try
                {
                    await Task.Delay(options.RetryDelay, time, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ReceiveOnceAsync(CancellationToken stopping)
    {
        var url = _url ??= (await client.GetQueueUrlAsync(queue.Name, stopping)).QueueUrl;
        var response = await client.ReceiveMessageAsync(
            new ReceiveMessageRequest
            {
                QueueUrl = url,
                MaxNumberOfMessages = 10,
                WaitTimeSeconds = options.WaitTimeSeconds,
                VisibilityTimeout = options.VisibilityTimeoutSeconds,
                MessageAttributeNames = ["All"],
                MessageSystemAttributeNames = ["ApproximateReceiveCount"],
            },
            stopping);
        var receivedAt = time.GetTimestamp();
        if (_receiveFailures.Worked(out var failures, out var since, out var leftOut))
        {
            SqsIngestLog.ReceiveWorks(logger, queue.Label, failures, since, leftOut);
        }

        if (response.Messages is not { Count: > 0 } messages)
        {
            return;
        }

        statistics.Received(messages.Count);
        var timeout = TimeSpan.FromSeconds(options.VisibilityTimeoutSeconds);
        var visibility = timeout - TimeSpan.FromTicks(Math.Min(MaxVisibilityMargin.Ticks, timeout.Ticks / 5));
        var handled = new List<Message>(messages.Count);
        var overloaded = new List<Message>();
        IngestRejectedException? overload = null;
        var later = new List<Message>();
        var laterSeconds = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            if (time.GetElapsedTime(receivedAt) >= visibility)
            {
                // Another receiver may hold these now: let it have them rather than handle them twice at once.
                statistics.Expired(messages.Count - i);
                SqsIngestLog.Expired(logger, messages.Count - i, queue.Label);
                foreach (var untried in messages.Skip(i))
                {
                    _untried.Untried(untried.MessageId);
                }

                break;
            }

            switch (await HandleAsync(messages[i], stopping))
            {
                case (Handled.Delete, _):
                    handled.Add(messages[i]);
                    break;
                case (Handled.Overloaded, var refusal):
                    overloaded.Add(messages[i]);
                    overload = refusal;
                    break;
                case (Handled.RetryLater, var refusal):
                    later.Add(messages[i]);
                    laterSeconds = Math.Max(laterSeconds, RetryAfter(refusal!));
                    break;
            }
        }

        if (handled.Count > 0)
        {
            if (beforeDelete is not null)
            {
                await beforeDelete(handled, stopping);
            }

            await DeleteAsync(url, handled);
        }

        if (later.Count > 0)
        {
            // Not the stopping token: left at shutdown, it comes back after the Retry-After rather than the visibility timeout.
            await ChangeVisibilityAsync(url, later, laterSeconds, CancellationToken.None);
        }

        if (overload is not null)
        {
            await LeaveForBudgetAsync(url, overloaded, overload, stopping);
        }
    }

    /// <summary>
    /// Messages whose bytes did not fit the budget: visible again after OverloadRetryAfter (the Retry-After of HTTP's 429) rather than
    /// the receive's visibility timeout (a minute by default, the events that long late once the budget frees), said once a minute,
    /// and this receiver pauses as long before its next receive, as a client honours the 429's Retry-After: receiving on meanwhile
    /// would pull every message of a backlog only to leave it, each receive an SQS request.
    /// </summary>
    private async Task LeaveForBudgetAsync(string url, List<Message> overloaded, IngestRejectedException refusal, CancellationToken stopping)
    {
        var retry = collector.OverloadRetryAfter;
        var seconds = (int)Math.Ceiling(retry.TotalSeconds);
        var key = queue.Label;
        if (_overloadLines.TryAcquire(ref key, out var suppressed))
        {
            SqsIngestLog.Overloaded(logger, overloaded.Count, queue.Label, seconds, refusal.Message, suppressed);
        }

        await ChangeVisibilityAsync(url, overloaded, seconds, stopping);
        await Task.Delay(retry, time, stopping);
    }

    /// <summary>Makes <paramref name="messages"/> visible again after <paramref name="seconds"/> rather than the receive's visibility timeout.</summary>
    private async Task ChangeVisibilityAsync(string url, List<Message> messages, int seconds, CancellationToken stopping)
    {
        try
        {
            var entries = messages.Select((m, i) => new ChangeMessageVisibilityBatchRequestEntry(i.ToString(System.Globalization.CultureInfo.InvariantCulture), m.ReceiptHandle) { VisibilityTimeout = seconds }).ToList();
            var response = await client.ChangeMessageVisibilityBatchAsync(new ChangeMessageVisibilityBatchRequest { QueueUrl = url, Entries = entries }, stopping);
            if (response.Failed is { Count: > 0 } failed)
            {
                statistics.Error($"change visibility: {failed[0].Message ?? failed[0].Code}");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nothing lost: the receive's visibility timeout runs out instead.
            statistics.Error($"change visibility: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>A "retry later" refusal's Retry-After in seconds (the store's, <see cref="IngestEndpoint.StoreRetryAfterSeconds"/>, when it gives none).</summary>
    private static int RetryAfter(IngestRejectedException refusal) =>
        int.Parse(refusal.RetryAfterSeconds ?? IngestEndpoint.StoreRetryAfterSeconds, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Stores or sets aside one message (then it may be deleted), or leaves it in the queue; with the budget's refusal when that left it.</summary>
    private async Task<(Handled, IngestRejectedException?)> HandleAsync(Message message, CancellationToken stopping)
    {
        // The receives that were tries: those that left it untried (the budget, the store unavailable, its turn too late) are not
        // failures, and must not bring it to MaxReceiveCount.
        var tries = _untried.Tries(message.MessageId, SqsMessageDecoder.ReceiveCount(message));
        EventBatch batch;
        BodyBuffer held;
        try
        {
            (batch, held) = decoder.Decode(message, queue.Label, new IngestLimits(collector, time.GetUtcNow()), budget, _sender);
        }
        catch (IngestRejectedException e) when (e.StatusCode == StatusCodes.Status429TooManyRequests)
        {
            // Not poison: the message is good and is tried again once the budget has room (it always fits an empty share).
            statistics.Overloaded();
            _untried.Untried(message.MessageId);
            return (Handled.Overloaded, e);
        }
        catch (IngestRejectedException e)
        {
            // Said once a minute per status and kind of reason (its template): another refusal with the same status is still said.
            var kind = $"{e.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)} {SqsPoisonReasonKind.Of(e.Message)}";
            return (await SetAsideAsync(message, tries, e.Message, kind, stopping), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A decoder's defect (HTTP answers it 500): it went up to the receive loop, so neither this message nor the ones
            // received with it were deleted, and this one came back forever. It is now one message's failure, as a store's
            // error is: left in the queue, set aside once received MaxReceiveCount times; the others are handled as usual.
            var format = LoggedText.Of(Attribute(message, SqsWire.FormatAttribute) ?? "(sniffed)"); // the producer chose it: kept on its line
            statistics.Error($"decode: {e.GetType().Name}: {e.Message}");
            var kind = FailureKey("decode", e);
            if (_failureLines.TryAcquire(ref kind, out var suppressed))
            {
                SqsIngestLog.DecodeFailed(logger, message.MessageId, queue.Label, format, tries, suppressed, e);
            }

            return (tries >= options.MaxReceiveCount
                ? await SetAsideAsync(message, tries, $"not decoded after {Tries(tries)}: internal error ({e.GetType().Name}) decoding {format}", "defect", stopping)
                : Handled.Leave, null);
        }

        // The decoded bytes stay taken from the budget until the batch is committed or refused: the events hold as much.
        using (held)
        {
            return await StoreAsync(message, batch, tries, stopping);
        }
    }

    /// <summary>Stores <paramref name="message"/>'s batch, or leaves it; with the store's "retry later" refusal when that left it.</summary>
    private async Task<(Handled, IngestRejectedException?)> StoreAsync(Message message, EventBatch batch, int tries, CancellationToken stopping)
    {
        try
        {
            // Not the stopping token: once started, a batch is committed whole.
            var result = await store.AppendAsync(batch, CancellationToken.None);
            writes?.Succeeded();
            statistics.Stored(result.Stored, result.Duplicate);
            if (result.Duplicate)
            {
                SqsIngestLog.Duplicate(logger, message.MessageId, queue.Label);
            }

            _untried.Forget(message.MessageId);
            return (Handled.Delete, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            statistics.Error($"store: {e.GetType().Name}: {e.Message}");
            if (e is IngestRejectedException { IsRetryLater: true } later)
            {
                // The store cannot take this batch now, for a reason that passes (PostgreSQL: its batch key removed by retention
                // as its answer was read, at each attempt): as when it is unavailable, the message is good and must not reach
                // MaxReceiveCount meanwhile, however long that lasts. Its writes work: the write state is not told.
                // Said once per message (its first such receive, even when it was left before for another reason; it comes back
                // every Retry-After while the race lasts), at most once a minute per queue: a normal race, not a failure of the
                // store (103).
                var key = queue.Label;
                if (_untried.RetryLater(message.MessageId) && _retryLaterLines.TryAcquire(ref key, out var suppressed))
                {
                    SqsIngestLog.RetryLater(logger, message.MessageId ?? string.Empty, queue.Label, RetryAfter(later), later.Message, suppressed);
                }

                return (Handled.RetryLater, later);
            }

            if (e is EventStoreUnavailableException unavailable)
            {
                // The store cannot take writes now (a full disk, starting, closing): the message is good and comes back
                // after its visibility timeout however often it was received, never set aside as poison. A failing
                // write is said once by the write state, not per message.
                writes?.Failed(unavailable);
                _untried.Untried(message.MessageId);
                if (unavailable.FailureReason is null)
                {
                    StoreFailed(message, tries, e);
                }

                return (Handled.Leave, null);
            }

            StoreFailed(message, tries, e);
            return (tries >= options.MaxReceiveCount
                ? await SetAsideAsync(message, tries, $"not stored after {Tries(tries)}: {e.Message}", "store", stopping)
                : Handled.Leave, null);
        }
    }

    /// <summary>Says (at most once a minute per kind of failure, <see cref="_failureLines"/>) that storing <paramref name="message"/> failed.</summary>
    private void StoreFailed(Message message, int tries, Exception e)
    {
        var kind = FailureKey("store", e);
        if (_failureLines.TryAcquire(ref kind, out var suppressed))
        {
            SqsIngestLog.StoreFailed(logger, message.MessageId, queue.Label, tries, suppressed, e);
        }
    }

    /// <summary>
    /// The key of a failure's line: the step that failed and the kind of failure (<see cref="FailureKind"/>: the exception's
    /// type and database error code, not its message; a few per queue: never the limiter's overflow).
    /// </summary>
    private static string FailureKey(string step, Exception e) => $"{step} {FailureKind.Of(e)}";

    /// <summary>A poison reason's count: tries, not SQS's receives (those that left the message untried are not failures).</summary>
    private static string Tries(int tries) => tries == 1 ? "1 try" : $"{tries} tries";

    /// <summary>Keeps <paramref name="message"/> in the poison table (then it may be deleted); said once a minute per <paramref name="kind"/> of reason.</summary>
    private async Task<Handled> SetAsideAsync(Message message, int tries, string reason, string kind, CancellationToken stopping)
    {
        try
        {
            await poison.AddAsync(
                new SqsPoisonMessage(
                    0,
                    queue.Label,
                    message.MessageId,
                    Attribute(message, SqsWire.DedupeIdAttribute),
                    Attribute(message, SqsWire.FormatAttribute),
                    tries,
                    reason,
                    time.GetUtcNow(),
                    message.Body ?? string.Empty),
                stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not kept: leave it in the queue rather than lose it.
            statistics.Error($"poison table: {e.GetType().Name}: {e.Message}");
            return Handled.Leave;
        }

        if (_poisonLines.TryAcquire(ref kind, out var suppressed))
        {
            SqsIngestLog.Poisoned(logger, message.MessageId, queue.Label, LoggedText.Of(reason, 1000), suppressed); // it may quote what the producer chose (tl-format)
        }

        // Counted once said: a reader of the count (status, a test waiting for it) finds its line written.
        statistics.Poisoned();

        _untried.Forget(message.MessageId);
        return Handled.Delete;
    }

    private async Task DeleteAsync(string url, List<Message> handled)
    {
        try
        {
            // Not the stopping token: the events are committed, the delete should go through even at shutdown.
            var entries = handled.Select((m, i) => new DeleteMessageBatchRequestEntry(i.ToString(System.Globalization.CultureInfo.InvariantCulture), m.ReceiptHandle)).ToList();
            var response = await client.DeleteMessageBatchAsync(new DeleteMessageBatchRequest { QueueUrl = url, Entries = entries }, CancellationToken.None);
            var failed = response.Failed?.Count ?? 0;
            statistics.Deleted(handled.Count - failed);
            if (failed > 0)
            {
                SqsIngestLog.DeleteFailed(logger, failed, queue.Label, response.Failed![0].Message ?? response.Failed[0].Code);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Redelivered later and recognised by its batch key: stored once all the same.
            statistics.Error($"delete: {e.GetType().Name}: {e.Message}");
            SqsIngestLog.DeleteFailed(logger, handled.Count, queue.Label, e.Message);
        }
    }

    private static string? Attribute(Message message, string name) =>
        message.MessageAttributes is { } attributes && attributes.TryGetValue(name, out var value) ? value.StringValue : null;
}
