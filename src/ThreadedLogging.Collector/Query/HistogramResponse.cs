namespace ThreadedLogging.Collector.Query;

/// <summary>
/// Body of <c>GET /api/events/histogram</c>: the events of <c>[From, To]</c> counted in equal buckets of
/// <see cref="BucketSeconds"/>, oldest first, every bucket listed (zeros too). From and To are null, and the list empty,
/// when no range was given and the filters select no event.
/// </summary>
internal sealed record HistogramResponse(DateTimeOffset? From, DateTimeOffset? To, long BucketSeconds, long Total, IReadOnlyList<HistogramBucketDto> Buckets);

/// <summary>One bucket: its start (aligned to a multiple of the width since 1970-01-01 UTC), its events by level and in all.</summary>
internal sealed record HistogramBucketDto(DateTimeOffset Start, long Total, long Trace, long Debug, long Information, long Warning, long Error, long Critical);
