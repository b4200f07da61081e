namespace ThreadedLogging.Collector.Storage;

/// <summary>A message set aside, as kept in the poison table and shown by <c>GET /api/ingest/sqs/poison</c>.</summary>
internal sealed record SqsPoisonMessage(
    long Id,
    string Queue,
    string MessageId,
    string? DedupeId,
    string? Format,
    int ReceiveCount,
    string Reason,
    DateTimeOffset MovedAt,
    string Body);
