using System.Text.Json;
using System.Text.Json.Nodes;
using ThreadedLogging.Collector.Tests.Query;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// An export's answer as text two stores can be compared by: every NDJSON line parsed, or every CSV row read back
/// (<see cref="ExportFiles"/>), without the store's own ids; JSON (lines, and the exception, properties and context
/// cells of CSV) with its object keys sorted, so two stores that keep the same objects compare equal.
/// </summary>
internal static class ExportAnswerSummary
{
    private static readonly string[] JsonColumns = ["exception", "properties", "context"];

    public static string Summarize(string body) =>
        body.TrimStart('\uFEFF').StartsWith("id,timestamp,", StringComparison.Ordinal) ? Csv(body) : Ndjson(body);

    private static string Ndjson(string body)
    {
        var lines = ExportFiles.Lines(body).Select(line =>
        {
            var json = JsonNode.Parse(line.GetRawText())!.AsObject();
            json.Remove("id");
            return Canonical(json);
        });
        return "ndjson [" + string.Join(' ', lines) + "]";
    }

    private static string Csv(string body)
    {
        var rows = ExportFiles.Rows(body.TrimStart('\uFEFF'), out var header);
        var summary = rows.Select(row => string.Join(',', row.Select((cell, i) =>
            header[i] == "id" ? "-" : JsonColumns.Contains(header[i]) && cell.Length > 0 ? Canonical(JsonNode.Parse(cell)) : cell)));
        return "csv " + string.Join(',', header) + " [" + string.Join(" | ", summary) + "]";
    }

    /// <summary>The JSON text with every object's keys in ordinal order.</summary>
    private static string Canonical(JsonNode? node) => Sorted(node)?.ToJsonString() ?? "null";

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sorted)]),
        null => null,
        _ => JsonNode.Parse(node.ToJsonString()),
    };
}
