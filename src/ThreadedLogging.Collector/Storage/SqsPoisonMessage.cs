namespace ThreadedLogging.Collector.Storage;

/// <summary>A message set aside, as kept in the poison table and shown by <c>GET /api/ingest/sqs/poison</c>.</summary>
/// <remarks>
/// <see cref="ReceiveCount"/> (the API's <c>receiveCount</c>, named so since it was SQS's ApproximateReceiveCount) holds the
/// tries: the receives that failed to decode or store it, not those that left it untried (the budget, the store unavailable).
/// </remarks>
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
