using System.Text.Json.Serialization;
using ThreadedLogging.Collector.Alerts;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Formats.Clef;
using ThreadedLogging.Collector.Levels;
using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Query.Export;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Responses;

namespace ThreadedLogging.Collector;

/// <summary>Source-generated JSON for every body the collector writes.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(IngestResponse))]
[JsonSerializable(typeof(SeqIngestResponse))]
[JsonSerializable(typeof(EventsResponse))]
[JsonSerializable(typeof(UsersResponse))]
[JsonSerializable(typeof(Erasure.UserErasureResponse))]
[JsonSerializable(typeof(HistogramResponse))]
[JsonSerializable(typeof(TopValuesResponse))]
[JsonSerializable(typeof(SummaryResponse))]
[JsonSerializable(typeof(LevelRuleRequest))]
[JsonSerializable(typeof(LevelRuleDto))]
[JsonSerializable(typeof(LevelRulesResponse))]
[JsonSerializable(typeof(EffectiveLevelsResponse))]
[JsonSerializable(typeof(EventDto))]
[JsonSerializable(typeof(ExportTrailer))]
[JsonSerializable(typeof(EventContextResponse))]
[JsonSerializable(typeof(SessionResponse))]
[JsonSerializable(typeof(AlertsResponse))]
[JsonSerializable(typeof(AlertRuleRequest))]
[JsonSerializable(typeof(AlertStatusDto))]
[JsonSerializable(typeof(AlertRuleDescription))]
[JsonSerializable(typeof(AlertNotification))]
internal sealed partial class CollectorJsonContext : JsonSerializerContext;
