using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>The body of <c>GET /api/ingest/sqs/poison</c>: how many messages are set aside, and the newest.</summary>
internal sealed record SqsPoisonResponse(long Count, IReadOnlyList<SqsPoisonMessage> Messages);
