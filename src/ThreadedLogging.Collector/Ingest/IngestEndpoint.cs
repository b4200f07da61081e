using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// One HTTP ingest request through a decoder: the body (size cap, RequestBodyTimeout), admission, one capped gunzip, the decoder, one
/// transaction. Each endpoint says how its protocol answers a stored batch and an error. The status of every outcome
/// is IngestApi's (issue 15 §4): a 4xx stores nothing; 503 + <c>Retry-After</c> only when the store cannot take
/// writes; a defect is a 500 logged once with the format.
/// </summary>
internal sealed class IngestEndpoint(IEventStore store, CollectorOptions options, TimeProvider time, IngestAdmission admission, ILogger<IngestPipeline> logger)
{
    private const string StoreRetryAfterSeconds = "5";

    private readonly string _overloadRetryAfter = ((int)Math.Ceiling(options.OverloadRetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task<IResult> HandleAsync(
        HttpContext context, IEventDecoder decoder, string path, Func<AppendResult, DecodedBatch, IResult> stored, Func<int, string, IResult> error)
    {
        var admitted = false;
        try
        {
            var limits = new IngestLimits(options, time.GetUtcNow());
            limits.Field(path, "path", -1);

            // Issue 15 §1: admission bounds the work, taken once the body is here (a slow sender holds no slot).
            var received = await RequestBodyReader.ReceiveAsync(context, options, time, context.RequestAborted);
            admitted = admission.TryEnter();
            if (!admitted)
            {
                CollectorLog.IngestOverloaded(logger, admission.Pending);
                context.Response.Headers.RetryAfter = _overloadRetryAfter;
                return error(StatusCodes.Status429TooManyRequests, $"collector overloaded ({admission.Pending} requests in progress); retry after {_overloadRetryAfter} s");
            }

            var body = RequestBodyReader.Decode(received, options.MaxRequestBodyBytes, decoder.IsText);
            var key = context.Request.Headers[IngestPipeline.IdempotencyKeyHeader] is { Count: > 0 } header && !string.IsNullOrWhiteSpace(header[0]) ? header[0]!.Trim() : null;
            var decoded = decoder.Decode(new IngestRequest(body, path, limits.Field(key, IngestPipeline.IdempotencyKeyHeader, -1)), limits);
            var batch = decoded.Batch;

            // Not the request's token: once decoded, the batch is stored whole even if the client goes away.
            var result = await store.AppendAsync(batch, CancellationToken.None);
            if (result.Duplicate)
            {
                CollectorLog.DuplicateBatch(logger, batch.BatchKey);
            }
            else
            {
                CollectorLog.BatchStored(logger, result.Stored, result.Accepted, decoder.Name, path, batch.BatchKey);
            }

            return stored(result, decoded);
        }
        catch (IngestRejectedException e)
        {
            CollectorLog.IngestRejected(logger, path, e.StatusCode, e.Message);
            return error(e.StatusCode, e.Message);
        }
        catch (EventStoreUnavailableException e)
        {
            // Nothing was committed; the same batch can succeed later.
            CollectorLog.StoreUnavailable(logger, e.Message);
            context.Response.Headers.RetryAfter = StoreRetryAfterSeconds;
            return error(StatusCodes.Status503ServiceUnavailable, "storage unavailable; retry later");
        }
        catch (Exception e) when (e is IOException || (e is OperationCanceledException && context.RequestAborted.IsCancellationRequested))
        {
            CollectorLog.ClientDisconnected(logger, path, e.Message);
            return error(StatusCodes.Status400BadRequest, "request aborted");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            CollectorLog.IngestFailed(logger, e, decoder.Name, path);
            return error(StatusCodes.Status500InternalServerError, "internal error while ingesting; the request was not stored");
        }
        finally
        {
            if (admitted)
            {
                admission.Exit();
            }
        }
    }
}
