using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// The one ingest runner, the same for every endpoint (<c>/log</c>, <c>/api/events</c>, Seq, OTLP/HTTP, OTLP/gRPC): the
/// body (size cap, RequestBodyTimeout), admission, one capped decompression (gzip, br, deflate), a decoder, one transaction. Each endpoint only
/// picks the decoder and says how its protocol answers the <see cref="IngestOutcome"/>. The status of every outcome
/// (issue 15 §4): a 4xx stores nothing; 429 + <c>Retry-After</c> when admission is full; 503 + <c>Retry-After</c>
/// only when the store cannot take writes; a defect is a 500 logged once with the format.
/// </summary>
internal sealed class IngestEndpoint(
    IEventStore store, CollectorOptions options, TimeProvider time, IngestAdmission admission, BodyBudget budget, CollectorMetrics metrics, StoreWriteState writes, IngestRefusals refusals, ILogger<IngestEndpoint> logger)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The Retry-After of a 503 (the store cannot take writes).</summary>
    public const string StoreRetryAfterSeconds = "5";

    private readonly string _overloadRetryAfter = ((int)Math.Ceiling(options.OverloadRetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// One HTTP request: <paramref name="choose"/> picks the decoder (or refuses the Content-Type), the body is a GET's query
    /// string or the request body; <paramref name="storedStatus"/> is the status <paramref name="stored"/> answers (Seq's
    /// 201), which the metrics count.
    /// </summary>
    public async Task<IResult> HandleAsync(
        HttpContext context,
        Func<HttpRequest, IEventDecoder> choose,
        string path,
        Func<AppendResult, DecodedBatch, IResult> stored,
        Func<int, string, IResult> error,
        int storedStatus = StatusCodes.Status200OK)
    {
        var sender = Security.RemoteAddressKey.Of(context.Connection.RemoteIpAddress);
        IEventDecoder decoder;
        try
        {
            decoder = choose(context.Request);
        }
        catch (IngestRejectedException e)
        {
            refusals.Rejected(sender, LoggedText.Of(path.Length > 0 ? path : context.Request.Path.Value ?? string.Empty), e.StatusCode, e.Message);
            metrics.IngestRefused("unknown", e.StatusCode);
            return error(e.StatusCode, e.Message);
        }

        var key = context.Request.Headers[IdempotencyKeyHeader] is { Count: > 0 } header && !string.IsNullOrWhiteSpace(header[0]) ? header[0]!.Trim() : null;
        var outcome = await RunAsync(decoder, path, key, cancellation => ReceiveAsync(context, cancellation), context.RequestAborted, storedStatus, context.Request.Path.Value, sender);
        if (outcome.Decoded is { } decoded)
        {
            return stored(outcome.Result, decoded);
        }

        if (outcome.RetryAfterSeconds is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        return error(outcome.StatusCode, outcome.Reason!);
    }

    /// <summary>
    /// One request of any transport: <paramref name="receive"/> gets the body (before admission: waiting for bytes holds
    /// no slot), then it is decompressed within the cap, decoded and stored in one transaction. The collector's log names the
    /// request by its <paramref name="path"/> (<c>/log/{path}</c>'s), or when it has none (Seq, OTLP) by
    /// <paramref name="endpoint"/> (<c>/api/events/raw</c>, <c>/v1/logs</c>, the gRPC method), and its refusals by
    /// <paramref name="sender"/> (its remote address, <see cref="Security.RemoteAddressKey"/>; <c>unknown</c> without one).
    /// </summary>
    public async Task<IngestOutcome> RunAsync(
        IEventDecoder decoder,
        string path,
        string? batchKey,
        Func<CancellationToken, Task<ReceivedBody>> receive,
        CancellationToken aborted,
        int storedStatus = StatusCodes.Status200OK,
        string? endpoint = null,
        string? sender = null)
    {
        long? admittedAt = null;
        var shown = LoggedText.Of(path.Length > 0 ? path : endpoint ?? decoder.Name);
        var outcome = await AnswerAsync();
        metrics.IngestAnswered(decoder.Name, outcome.Decoded is null ? outcome : outcome with { StatusCode = storedStatus }, time, admittedAt);
        return outcome;

        async Task<IngestOutcome> AnswerAsync()
        {
            var storing = false; // whether a failure is the store's (one line for all senders) or this request's
            try
            {
                var limits = new IngestLimits(options, time.GetUtcNow());
                limits.Field(path, "path", -1);
                var key = limits.Field(batchKey, IdempotencyKeyHeader, -1);

                // Issue 15 §1: admission bounds the work, taken once the body is here (a slow sender holds no slot).
                DecodedBatch decoded;
                using (var received = await receive(aborted))
                {
                    if (!admission.TryEnter())
                    {
                        refusals.Overloaded(admission.Pending);
                        return new IngestOutcome(StatusCodes.Status429TooManyRequests,
                            $"collector overloaded ({admission.Pending} requests in progress); retry after {_overloadRetryAfter} s", _overloadRetryAfter);
                    }

                    admittedAt = time.GetTimestamp();

                    // The body's buffers go back to their pool once decoded: the events hold strings of their own.
                    using var body = RequestBodyReader.Decode(received, options.MaxRequestBodyBytes, decoder.IsText, budget);
                    decoded = decoder.Decode(new IngestRequest(body.Memory, path, key), limits);
                }

                var batch = decoded.Batch;

                // Not the request's token: once decoded, the batch is stored whole even if the client goes away.
                storing = true;
                var result = await store.AppendAsync(batch, CancellationToken.None);
                storing = false;
                writes.Succeeded();
                if (result.Duplicate)
                {
                    CollectorLog.DuplicateBatch(logger, LoggedText.Of(batch.BatchKey));
                }
                else
                {
                    CollectorLog.BatchStored(logger, result.Stored, result.Accepted, decoder.Name, shown, LoggedText.Of(batch.BatchKey));
                }

                return IngestOutcome.Stored(decoded, result);
            }
            catch (IngestRejectedException e)
            {
                // At most a line a minute per sender and status (IngestRefusals); counted per request by IngestAnswered.
                refusals.Rejected(sender ?? "unknown", shown, e.StatusCode, e.Message);
                return new IngestOutcome(e.StatusCode, e.Message, e.RetryAfterSeconds);
            }
            catch (EventStoreUnavailableException e)
            {
                // Nothing was committed; the same batch can succeed later. Logged once per change of state, not per request.
                writes.Failed(e);
                return new IngestOutcome(
                    StatusCodes.Status503ServiceUnavailable,
                    e.FailureReason is { } reason ? $"storage unavailable: {reason}; retry later" : "storage unavailable; retry later",
                    StoreRetryAfterSeconds);
            }
            catch (Exception e) when (e is IOException || (e is OperationCanceledException && aborted.IsCancellationRequested))
            {
                CollectorLog.ClientDisconnected(logger, shown, e.Message);
                return new IngestOutcome(StatusCodes.Status400BadRequest, "request aborted");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // At most a line a minute per kind of failure (and sender, but for the store's) (IngestRefusals); counted per request by IngestAnswered.
                refusals.Failed(sender ?? "unknown", decoder.Name, shown, e, storing);
                return new IngestOutcome(StatusCodes.Status500InternalServerError, "internal error while ingesting; the request was not stored");
            }
            finally
            {
                if (admittedAt is not null)
                {
                    admission.Exit();
                }
            }
        }
    }

    /// <summary>A GET's record is its query string (Python's HTTPHandler); any other method's is its body.</summary>
    private Task<ReceivedBody> ReceiveAsync(HttpContext context, CancellationToken cancellation)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            return RequestBodyReader.ReceiveAsync(context, options, time, budget, cancellation);
        }

        var query = context.Request.QueryString.Value ?? string.Empty;
        if (query.Length > options.MaxRequestBodyBytes)
        {
            throw IngestRejectedException.TooLarge("query string too long");
        }

        return Task.FromResult(new ReceivedBody(System.Text.Encoding.UTF8.GetBytes(query), ContentCoding.Identity));
    }
}
