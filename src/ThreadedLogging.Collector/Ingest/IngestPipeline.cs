using Microsoft.Net.Http.Headers;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Levels;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>One ingest request: detect the format, read the body within limits, parse, store in one transaction.</summary>
internal sealed class IngestPipeline(IEventStore store, IngestAdmission admission, IngestDecoders decoders, CollectorOptions options, TimeProvider time, LevelRuleCache levels, ILogger<IngestPipeline> logger)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Gets the Retry-After of a 503 (the store cannot take writes).</summary>
    public string StoreRetryAfterSeconds { get; } = "5";

    public string OverloadRetryAfterSeconds { get; } = ((int)Math.Ceiling(options.OverloadRetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task<IngestResponse> IngestAsync(HttpContext context, string path, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var format = DetectFormat(request);
        var received = format == IngestFormat.PythonQuery ? null : await RequestBodyReader.ReceiveAsync(context, options, time, cancellationToken);

        // Issue 15 §1: admission bounds the work (gunzip, parsing, storing) and is taken once the body is here, so a
        // client that sends slowly holds no slot, only its own connection (bounded by RequestBodyTimeout and
        // MinRequestBodyBytesPerSecond); no client can keep others out by trickling.
        if (!admission.TryEnter())
        {
            CollectorLog.IngestOverloaded(logger, admission.Pending);
            throw new IngestRejectedException(StatusCodes.Status429TooManyRequests,
                $"collector overloaded ({admission.Pending} requests in progress); retry after {OverloadRetryAfterSeconds} s")
            {
                RetryAfterSeconds = OverloadRetryAfterSeconds,
            };
        }

        try
        {
            return await ParseAndStoreAsync(request, format, received is null ? null : RequestBodyReader.Decode(received, options.MaxRequestBodyBytes, text: true), path);
        }
        finally
        {
            admission.Exit();
        }
    }

    private async Task<IngestResponse> ParseAndStoreAsync(HttpRequest request, IngestFormat format, byte[]? body, string path)
    {
        var limits = new IngestLimits(options, time.GetUtcNow());
        limits.Field(path, "path", -1);
        var idempotencyKey = request.Headers[IdempotencyKeyHeader] is { Count: > 0 } header && !string.IsNullOrWhiteSpace(header[0]) ? header[0]!.Trim() : null;

        ReadOnlyMemory<byte> content = body;
        if (body is null)
        {
            var query = request.QueryString.Value ?? string.Empty;
            if (query.Length > options.MaxRequestBodyBytes)
            {
                throw IngestRejectedException.TooLarge("query string too long");
            }

            content = System.Text.Encoding.UTF8.GetBytes(query);
        }

        // The one seam (issue 11): the format's decoder, the same one SQS ingest uses.
        var batch = decoders.For(format).Decode(new IngestRequest(content, path, limits.Field(idempotencyKey, IdempotencyKeyHeader, -1)), limits).Batch;

        // Not the request's token: once parsed, the batch is stored whole even if the client goes away.
        var result = await store.AppendAsync(batch, CancellationToken.None);
        if (result.Duplicate)
        {
            CollectorLog.DuplicateBatch(logger, batch.BatchKey);
        }
        else
        {
            CollectorLog.BatchStored(logger, result.Stored, result.Accepted, format.ToString(), path, batch.BatchKey);
        }

        return new IngestResponse(result.Accepted, result.Duplicate, await EffectiveLevelsAsync(batch));
    }

    /// <summary>Issue 13: the effective levels of the identity just received (a JsonBatch has one; else the last event's).</summary>
    private async Task<IReadOnlyList<EffectiveLevel>> EffectiveLevelsAsync(EventBatch batch)
    {
        if (batch.Events.Count == 0)
        {
            return [];
        }

        var last = batch.Events[^1];
        var rules = await levels.GetAsync(CancellationToken.None);
        return LevelResolver.Resolve(rules, last.App, last.Version, last.User, last.Machine, time.GetUtcNow());
    }

    public static IngestFormat DetectFormat(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method))
        {
            return IngestFormat.PythonQuery;
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || contentType.MediaType.Value is not { } mediaType)
        {
            throw new IngestRejectedException(StatusCodes.Status415UnsupportedMediaType,
                "missing or invalid Content-Type (application/json, application/x-ndjson, application/x-www-form-urlencoded or application/vnd.serilog.clef)");
        }

        return mediaType.ToLowerInvariant() switch
        {
            "application/x-www-form-urlencoded" => IngestFormat.PythonForm,
            "application/json" => IngestFormat.JsonEnvelope,
            "application/x-ndjson" or "application/jsonl" or "application/jsonlines" => IngestFormat.JsonLines,
            Formats.Clef.ClefDecoder.MediaType => IngestFormat.Clef,
            _ => throw new IngestRejectedException(StatusCodes.Status415UnsupportedMediaType,
                $"unsupported Content-Type '{mediaType}' (application/json, application/x-ndjson, application/x-www-form-urlencoded or application/vnd.serilog.clef)"),
        };
    }
}
