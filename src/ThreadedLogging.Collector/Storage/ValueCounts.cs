namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// The most frequent values of one <see cref="EventField"/> among the events a query selects, most events first (ties
/// by value, ordinal, null first), with how many distinct values and events there are in all, and how many events have
/// no value (the null value's count, also when it is not among the top values; 0 when every event has one).
/// </summary>
internal sealed record ValueCounts(IReadOnlyList<ValueCount> Values, long Distinct, long Total, long WithoutValue)
{
    public static readonly ValueCounts None = new([], 0, 0, 0);
}

/// <summary>
/// One value (null: the events without one), its events, how many of them are Error or Critical, and the newest and
/// the oldest one's time; for <see cref="EventField.Version"/>, whose value is a label (<see cref="VersionLabel"/>), also the app and the
/// version apart (null when the events have none), what the <c>app</c> and <c>version</c> filters take.
/// </summary>
internal sealed record ValueCount(string? Value, long Count, long Errors, DateTimeOffset Newest, DateTimeOffset Oldest, string? App = null, string? Version = null)
{
    /// <summary>A version's count: its label as <see cref="Value"/>, its app and version apart.</summary>
    public static ValueCount OfVersion(string? app, string? version, long count, long errors, DateTimeOffset newest, DateTimeOffset oldest) =>
        new(VersionLabel.Of(app, version), count, errors, newest, oldest, app, version);
}
