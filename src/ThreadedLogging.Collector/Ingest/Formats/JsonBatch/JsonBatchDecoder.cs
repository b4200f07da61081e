using System.Buffers;
using System.Runtime.InteropServices;

namespace ThreadedLogging.Collector.Ingest.Formats.JsonBatch;

/// <summary>ThreadedLogging's own format (docs/WIRE-FORMAT.md §1) through <see cref="JsonBatchParser"/>: one envelope, or one event per line.</summary>
internal sealed class JsonBatchDecoder(bool lines) : IEventDecoder
{
    public string Name => lines ? "json-lines" : "json-batch";

    public bool IsText => true;

    public DecodedBatch Decode(IngestRequest request, IngestLimits limits)
    {
        // Lone-surrogate escapes are rewritten in place: the body is the request's own buffer (a copy otherwise).
        var body = MemoryMarshal.TryGetArray(request.Body, out var segment) ? segment.AsMemory() : request.Body.ToArray();
        JsonSurrogateEscapes.ReplaceLone(body.Span);
        var bytes = new ReadOnlySequence<byte>(body);
        return new(lines
            ? JsonBatchParser.ParseLines(bytes, request.Path, request.BatchKey, limits)
            : JsonBatchParser.ParseEnvelope(bytes, request.Path, request.BatchKey, limits));
    }
}
