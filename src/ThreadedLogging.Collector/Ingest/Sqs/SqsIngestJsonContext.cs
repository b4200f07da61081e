using System.Text.Json.Serialization;

namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>Source-generated JSON for the SQS ingest endpoints.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SqsIngestSnapshot))]
[JsonSerializable(typeof(SqsPoisonResponse))]
internal sealed partial class SqsIngestJsonContext : JsonSerializerContext;
