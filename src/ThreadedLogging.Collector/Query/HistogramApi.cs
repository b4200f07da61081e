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
    public static readonly string[] Known = [.. EventQueryParser.Known.Where(name => name is not ("limit" or "before")), "buckets", "span"];

    /// <summary>The body for a range without events (no range given and no match, or a <c>from</c> after every match and now).</summary>
    public static readonly HistogramResponse Empty = new(null, null, 0, 0, []);

    public static async Task<Results<Ok<HistogramResponse>, JsonHttpResult<ErrorResponse>>> GetAsync(
        HttpRequest request, IEventStore store, CollectorOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!EventQueryParser.TryParse(request.Query, options.MaxQueryLimit, out var query, out var error))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, error);
        }

        var maxBuckets = DefaultBuckets;
        if (!QueryStringRules.TryCount(request.Query, "buckets", MaxBuckets, ref maxBuckets, out error)
            || !TrySpan(request.Query, out var ofMatches, out error))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, error);
        }

        if (await RangeAsync(store, query, ofMatches, time, cancellationToken) is not var (from, to))
        {
            return TypedResults.Ok(Empty);
        }

        var buckets = HistogramBuckets.Choose(from, to, maxBuckets);
        var counts = await store.CountByTimeAsync(query with { From = from, To = to }, buckets, cancellationToken);
        return TypedResults.Ok(ToResponse(from, to, buckets, counts));
    }

    /// <summary>
    /// Reads <c>span</c>: absent, or <c>matches</c> (<paramref name="ofMatches"/>): a query without <c>from</c> and
    /// <c>to</c> counted from its oldest match to its newest, not to now (the console's "All": a short burst days ago
    /// was one bar of a range that ran on to now).
    /// </summary>
    public static bool TrySpan(IQueryCollection query, out bool ofMatches, out string error)
    {
        var text = QueryStringRules.Get(query, "span");
        ofMatches = text == "matches";
        error = text is null || ofMatches ? string.Empty : $"parameter 'span' must be 'matches' or absent (was '{QueryStringRules.Excerpt(text)}')";
        return error.Length == 0;
    }

    /// <summary>
    /// The range the bars cover: the query's, or where it gives no end, up to now (or the newest match, if later) and from
    /// the oldest match; with <paramref name="ofMatches"/> and neither end given, the oldest match to the newest. Null
    /// when there is nothing to count: no range given and no match, or a <c>from</c> after both.
    /// </summary>
    public static async Task<(DateTimeOffset From, DateTimeOffset To)?> RangeAsync(IEventStore store, EventQuery query, bool ofMatches, TimeProvider time, CancellationToken cancellationToken)
    {
        var from = query.From;
        var to = query.To;
        if (from is null || to is null)
        {
            var now = time.GetUtcNow();
            // With a from, the span only says whether a match lies after now (a client's clock ahead), which moves the end:
            // the span of the matches after now (an id range past the newest event, usually empty), not a read of every
            // match from `from` on (the console's last 24 hours: 283,199 rows of 2,000,000 read twice, bench/README.md).
            var span = await store.GetTimeSpanAsync(from is { } start ? query with { From = start > now ? start : now.AddTicks(1) } : query, cancellationToken);
            to ??= span is { Last: var last } && (last > now || (ofMatches && from is null)) ? last : now;
            from ??= span?.First;
            if (from is null || from > to)
            {
                return null;
            }
        }

        return (from.Value, to.Value);
    }

    /// <summary>The body: every bucket, oldest first, with its events by level (<paramref name="counts"/> outside the buckets or the levels left out).</summary>
    public static HistogramResponse ToResponse(DateTimeOffset from, DateTimeOffset to, TimeBuckets buckets, IEnumerable<BucketCount> counts)
    {
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

        return new HistogramResponse(from, to, (long)buckets.Width.TotalSeconds, list.Sum(b => b.Total), list);
    }
}
