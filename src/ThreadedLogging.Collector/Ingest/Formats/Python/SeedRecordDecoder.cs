using System.Text.Json;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest.Formats.Python;

/// <summary>
/// The seed's SQS record (docs/WIRE-FORMAT.md §3, <c>seed-record</c>): the JSON of a <c>LogRecord.__dict__</c>, read with
/// each value as Python's <c>str()</c> gives it, so it maps exactly as HTTP form ingest does.
/// </summary>
internal sealed class SeedRecordDecoder : IEventDecoder
{
    public string Name => "seed-record";

    public bool IsText => true;

    public DecodedBatch Decode(IngestRequest request, IngestLimits limits) =>
        new(new EventBatch(request.BatchKey, [PythonRecordMapper.Map(RecordFields(request.Body), request.Path, limits)]));

    private static Dictionary<string, string> RecordFields(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(JsonSurrogateEscapes.Replaced(body)); // lone surrogates → U+FFFD, as over HTTP
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw IngestRejectedException.BadRequest("seed-record body is not a JSON object");
            }

            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                fields[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.Null => "None",
                    JsonValueKind.True => "True",
                    JsonValueKind.False => "False",
                    _ => property.Value.GetRawText(),
                };
            }

            return fields;
        }
        catch (JsonException e)
        {
            throw new IngestRejectedException(StatusCodes.Status400BadRequest, $"seed-record body is not JSON: {JsonErrorText.Of(e)}", e);
        }
    }
}
