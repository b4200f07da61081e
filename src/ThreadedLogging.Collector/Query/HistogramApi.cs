using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Responses;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Query;

/// <summary>
/// <c>GET /api/events/histogram</c>: how many of the events the filters of <c>/api/events</c> select fall into each slice
/// of time, by level (docs/QUERY.md). A range not given ends now (or at the newest match, if later) and starts at the
/// oldest match.
/// </summary>
internal static class HistogramApi
{
    public const int DefaultBuckets = 60;
    public const int MaxBuckets = 500;

    /// <summary>The filters of <c>/api/events</c> (not its paging: <c>limit</c>, <c>before</c>) and <c>buckets</c>.</summary>
    public static readonly string[] Known = [.. EventQueryParser.Known.Where(name => name is not ("limit" or "before")), "buckets"];

    public static async Task<Results<Ok<HistogramResponse>, JsonHttpResult<ErrorResponse>>> GetAsync(
        HttpRequest request, IEventStore store, CollectorOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!EventQueryParser.TryParse(request.Query, options.MaxQueryLimit, out var query, out var error))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, error);
        }

        var maxBuckets = DefaultBuckets;
        if (!QueryStringRules.TryCount(request.Query, "buckets", MaxBuckets, ref maxBuckets, out error))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, error);
        }

        var from = query.From;
        var to = query.To;
        if (from is null || to is null)
        {
            var now = time.GetUtcNow();
            // With a from, the span only says whether a match lies after now (a client's clock ahead), which moves the end:
            // the span of the matches after now (an id range past the newest event, usually empty), not a read of every
            // match from `from` on (the console's last 24 hours: 283,199 rows of 2,000,000 read twice, bench/README.md).
            var span = await store.GetTimeSpanAsync(from is { } start ? query with { From = start > now ? start : now.AddTicks(1) } : query, cancellationToken);
            to ??= span is { Last: var last } && last > now ? last : now;
            from ??= span?.First;
            if (from is null || from > to)
            {
                return TypedResults.Ok(new HistogramResponse(null, null, 0, 0, []));
            }
        }

        var buckets = HistogramBuckets.Choose(from.Value, to.Value, maxBuckets);
        var counts = await store.CountByTimeAsync(query with { From = from, To = to }, buckets, cancellationToken);
        var table = new long[buckets.Count, 6];
        foreach (var count in counts)
        {
            if (count.Bucket >= 0 && count.Bucket < buckets.Count && count.Level is >= LogLevel.Trace and <= LogLevel.Critical)
            {
                table[count.Bucket, (int)count.Level] += count.Count;
            }
        }

        var list = new List<HistogramBucketDto>(buckets.Count);
        for (var i = 0; i < buckets.Count; i++)
        {
            list.Add(new HistogramBucketDto(
                buckets.Start + (buckets.Width * i),
                table[i, 0] + table[i, 1] + table[i, 2] + table[i, 3] + table[i, 4] + table[i, 5],
                table[i, 0],
                table[i, 1],
                table[i, 2],
                table[i, 3],
                table[i, 4],
                table[i, 5]));
        }

        return TypedResults.Ok(new HistogramResponse(from, to, (long)buckets.Width.TotalSeconds, list.Sum(b => b.Total), list));
    }
}
