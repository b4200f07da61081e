namespace ThreadedLogging.Collector.Levels;

/// <summary>
/// What a client should ship at: from <see cref="Level"/> in the categories starting with <see cref="Category"/>
/// (empty: all), until <see cref="Expires"/>; where several prefixes match a category, the most verbose wins.
/// </summary>
internal sealed record EffectiveLevel(string Category, string Level, DateTimeOffset Expires);

/// <summary>The body of <c>GET /api/levels/effective</c>; also the <c>levels</c> of every JsonBatch ingest answer.</summary>
internal sealed record EffectiveLevelsResponse(IReadOnlyList<EffectiveLevel> Levels);
