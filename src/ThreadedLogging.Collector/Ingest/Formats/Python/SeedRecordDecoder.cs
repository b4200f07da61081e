using System.Text.Json;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest.Formats.Python;

/// <summary>
/// The seed's SQS record (docs/WIRE-FORMAT.md §3, <c>seed-record</c>): the JSON of a <c>LogRecord.__dict__</c>, read with
/// each value as Python's <c>str()</c> gives it, so it maps exactly as HTTP form ingest does; <c>args</c> (a JSON array, or
/// an object for a mapping) as the <c>repr()</c> of the tuple or dict the record had. Unlike the form, JSON says which
/// values were numbers, booleans, lists or dicts: the app's fields (<c>extra=</c>) are kept as those, not as their text.
/// A float that is not finite (<c>json.dumps</c>'s <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>) is stored as Python's
/// text of it, <c>nan</c>, <c>inf</c>, <c>-inf</c>, as the form carries it (<see cref="PythonJsonFloats"/>).
/// </summary>
internal sealed class SeedRecordDecoder : IEventDecoder
{
    public string Name => "seed-record";

    public bool IsText => true;

    public DecodedBatch Decode(IngestRequest request, IngestLimits limits)
    {
        var (fields, typed) = RecordFields(request.Body);
        return new(new EventBatch(request.BatchKey, [PythonRecordMapper.Map(fields, request.Path, limits, typed)]));
    }

    private static (Dictionary<string, string> Fields, Dictionary<string, string> Typed) RecordFields(ReadOnlyMemory<byte> body)
    {
        try
        {
            // Lone surrogates → U+FFFD, as over HTTP; json.dumps's NaN, Infinity and -Infinity read as the floats they are.
            var (json, floats) = PythonJsonFloats.Replaced(JsonSurrogateEscapes.Replaced(body));
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw IngestRejectedException.BadRequest("seed-record body is not a JSON object");
            }

            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            var typed = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var value = property.Value;
                fields[property.Name] = value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString()!,
                    JsonValueKind.Null => "None",
                    JsonValueKind.True => "True",
                    JsonValueKind.False => "False",
                    JsonValueKind.Array or JsonValueKind.Object when property.NameEquals("args") => PythonRepr.Of(value, asTuple: true),
                    _ when PythonJsonFloats.PythonText(value) is { } python => python,
                    _ => floats ? JsonText.Write(value, PythonJsonFloats.WriteTo) : value.GetRawText(),
                };
                if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                {
                    typed[property.Name] = JsonText.Write(value, PythonJsonFloats.WriteTo); // compact, as the store keeps JSON; a NaN as "nan"
                }
            }

            return (fields, typed);
        }
        catch (JsonException e)
        {
            throw new IngestRejectedException(StatusCodes.Status400BadRequest, $"seed-record body is not JSON: {JsonErrorText.Of(e)}", e);
        }
    }
}
