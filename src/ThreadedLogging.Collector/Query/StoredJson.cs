using System.Text.Json.Serialization;

namespace ThreadedLogging.Collector.Query;

/// <summary>
/// JSON text as stored (an event's exception, properties or context): written into an answer as the JSON value it holds,
/// re-encoded with the answer's encoder (<see cref="StoredJsonConverter"/>), never as a string.
/// </summary>
[JsonConverter(typeof(StoredJsonConverter))]
internal readonly record struct StoredJson(string Text);
