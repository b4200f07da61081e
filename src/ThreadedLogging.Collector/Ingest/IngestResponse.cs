namespace ThreadedLogging.Collector.Ingest;

/// <summary>The 200 body of an ingest request: the batch is committed.</summary>
internal sealed record IngestResponse(int Accepted, bool Duplicate);
