using System.Text.Json;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest.Formats.Clef;

/// <summary>
/// Reads newline-delimited CLEF, what Serilog.Sinks.Seq posts (<c>application/vnd.serilog.clef</c>, or
/// <c>/api/events/raw?clef</c>). The whole body is checked before anything is stored: a bad line is a 400 that names the line.
/// </summary>
internal sealed class ClefDecoder(IdentityPropertyOptions identity) : IEventDecoder
{
    public const string MediaType = "application/vnd.serilog.clef";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public string Name => "clef";

    public bool IsText => true;

    public DecodedBatch Decode(IngestRequest request, IngestLimits limits)
    {
        var events = new List<NewEvent>();
        var strings = new BatchStrings();
        var lines = new NdjsonLines(request.Body);
        while (lines.TryNext(out var current))
        {
            var line = lines.LineNumber;
            limits.EventCount(events.Count + 1);
            using var document = Parse(current, line);
            try
            {
                events.Add(ClefEventMapper.Map(document.RootElement, request.Path, limits, identity, strings));
            }
            catch (IngestRejectedException e)
            {
                throw At($"line {line}", e);
            }
        }

        return new DecodedBatch(new EventBatch(BodyKey.Of(request, BodyKey.ClefPrefix), events));
    }

    /// <summary>Parses one line (or, for <paramref name="line"/> 0, the body); malformed JSON is a 400 saying where.</summary>
    internal static JsonDocument Parse(ReadOnlyMemory<byte> json, int line)
    {
        try
        {
            return JsonDocument.Parse(JsonSurrogateEscapes.Replaced(json), DocumentOptions); // issue 15 §4: U+FFFD
        }
        catch (JsonException e)
        {
            var where = line > 0 ? $"line {line}" : "body";
            throw new IngestRejectedException(StatusCodes.Status400BadRequest, $"{where}: malformed JSON: {JsonErrorText.Of(e)}", e);
        }
    }

    internal static IngestRejectedException At(string where, IngestRejectedException e) => new(e.StatusCode, $"{where}: {e.Message}", e);
}
