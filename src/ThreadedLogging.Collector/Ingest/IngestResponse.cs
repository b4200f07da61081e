using ThreadedLogging.Collector.Levels;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// The 200 body of an ingest request: the batch is committed; <c>levels</c> are the effective levels of the identity
/// just received (issue 13), null while the level rules could not be read since the start (a client keeps its own).
/// </summary>
internal sealed record IngestResponse(int Accepted, bool Duplicate, IReadOnlyList<EffectiveLevel>? Levels);
