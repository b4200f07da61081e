using System.Text.Json.Serialization;

namespace ThreadedLogging.Collector.Ingest.Formats.Clef;

/// <summary>Seq's 201 body: the level below which the client need not send (null: all).</summary>
internal sealed record SeqIngestResponse([property: JsonPropertyName("MinimumLevelAccepted")] string? MinimumLevelAccepted);
