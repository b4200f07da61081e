using Microsoft.AspNetCore.Http.HttpResults;
using ThreadedLogging.Collector.Responses;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Query;

/// <summary>
/// <c>GET /api/events/summary</c>: what the console shows beside a timeline — the histogram of <c>/api/events/histogram</c>
/// and the top values of <c>/api/events/top</c> for each field of <c>top</c> — counted in one read of the events the
/// filters select (docs/QUERY.md). The same answers as those endpoints; the console sends this one request for them.
/// </summary>
internal static class SummaryApi
{
    /// <summary>The filters of <c>/api/events</c> (not its paging), the histogram's <c>buckets</c>, and <c>top</c> and <c>count</c>.</summary>
    public static readonly string[] Known = [.. HistogramApi.Known, "top", "count"];

    public static async Task<Results<Ok<SummaryResponse>, JsonHttpResult<ErrorResponse>>> GetAsync(
        HttpRequest request, IEventStore store, CollectorOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!EventQueryParser.TryParse(request.Query, options.MaxQueryLimit, out var query, out var error))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, error);
        }

        var maxBuckets = HistogramApi.DefaultBuckets;
        var count = TopValuesApi.DefaultCount;
        if (!QueryStringRules.TryCount(request.Query, "buckets", HistogramApi.MaxBuckets, ref maxBuckets, out error)
            || !QueryStringRules.TryCount(request.Query, "count", TopValuesApi.MaxCount, ref count, out error)
            || !TryParseFields(QueryStringRules.Get(request.Query, "top"), out var fields, out error)
            || !HistogramApi.TrySpan(request.Query, out var ofMatches, out error))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, error);
        }

        if (await HistogramApi.RangeAsync(store, query, ofMatches, time, cancellationToken) is not var (from, to))
        {
            return TypedResults.Ok(new SummaryResponse(HistogramApi.Empty, [.. fields.Select(f => TopValuesApi.ToResponse(f, ValueCounts.None))]));
        }

        var buckets = HistogramBuckets.Choose(from, to, maxBuckets);
        var summary = await store.SummarizeAsync(query with { From = from, To = to }, buckets, fields, count, cancellationToken);
        return TypedResults.Ok(new SummaryResponse(
            HistogramApi.ToResponse(from, to, buckets, summary.Counts),
            [.. fields.Select((field, i) => TopValuesApi.ToResponse(field, summary.Values[i]))]));
    }

    /// <summary>Reads <c>top</c>: field names separated by commas, each once (none when absent).</summary>
    private static bool TryParseFields(string? text, out List<EventField> fields, out string error)
    {
        fields = [];
        error = string.Empty;
        foreach (var name in text?.Split(',', StringSplitOptions.TrimEntries) ?? [])
        {
            if (!TopValuesApi.TryParseField(name, out var field))
            {
                error = $"parameter 'top' must list fields of {TopValuesApi.FieldNames}, separated by commas (was '{text}')";
                return false;
            }

            if (fields.Contains(field))
            {
                error = $"parameter 'top' names '{name}' more than once (was '{text}')";
                return false;
            }

            fields.Add(field);
        }

        return true;
    }
}
