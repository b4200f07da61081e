using ThreadedLogging.Collector.Levels;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// The 200 body of an ingest request: the batch is committed. <c>accepted</c> counts the batch's events, all of which the
/// collector now holds, <c>duplicates</c> those of them it held before (the whole batch when <c>duplicate</c>: its key was
/// stored; else events whose <c>(instanceId, sequence)</c> was), so a resend after a lost answer is a success like the
/// first; <c>levels</c> are the effective levels of the identity just received (issue 13), null while the level rules
/// could not be read since the start (a client keeps its own).
/// </summary>
internal sealed record IngestResponse(int Accepted, bool Duplicate, int Duplicates, IReadOnlyList<EffectiveLevel>? Levels);
