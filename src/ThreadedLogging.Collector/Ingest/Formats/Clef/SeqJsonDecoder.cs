using System.Text.Json;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest.Formats.Clef;

/// <summary>
/// Seq's older raw JSON body, <c>{"Events":[{"Timestamp","Level","MessageTemplate","RenderedMessage","Exception","Properties"}]}</c>
/// (<c>/api/events/raw</c> without <c>?clef</c>): each event is read as the CLEF event it stands for.
/// </summary>
internal sealed class SeqJsonDecoder(IdentityPropertyOptions identity) : IEventDecoder
{
    public string Name => "seq-json";

    public bool IsText => true;

    public DecodedBatch Decode(IngestRequest request, IngestLimits limits)
    {
        using var document = ClefDecoder.Parse(request.Body, 0);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("Events", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw IngestRejectedException.BadRequest("expected {\"Events\":[…]} (send newline-delimited CLEF with Content-Type application/vnd.serilog.clef or ?clef)");
        }

        limits.EventCount(array.GetArrayLength());
        var events = new List<NewEvent>(array.GetArrayLength());
        var strings = new BatchStrings();
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var position = index++;
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw IngestRejectedException.BadRequest($"event {position}: not a JSON object");
            }

            using var clef = JsonDocument.Parse(JsonText.Write(element, SeqEventAsClef));
            try
            {
                events.Add(ClefEventMapper.Map(clef.RootElement, request.Path, limits, identity, strings));
            }
            catch (IngestRejectedException e)
            {
                throw ClefDecoder.At($"event {position}", e);
            }
        }

        return new DecodedBatch(new EventBatch(BodyKey.Of(request, BodyKey.ClefPrefix), events));
    }

    private static void SeqEventAsClef(Utf8JsonWriter json, JsonElement e)
    {
        json.WriteStartObject();
        foreach (var (from, to) in new[] { ("Timestamp", "@t"), ("Level", "@l"), ("MessageTemplate", "@mt"), ("RenderedMessage", "@m"), ("Exception", "@x") })
        {
            if (e.TryGetProperty(from, out var value))
            {
                json.WritePropertyName(to);
                value.WriteTo(json);
            }
        }

        if (e.TryGetProperty("Properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                json.WritePropertyName(property.Name.StartsWith('@') ? "@" + property.Name : property.Name);
                property.Value.WriteTo(json);
            }
        }

        json.WriteEndObject();
    }
}
