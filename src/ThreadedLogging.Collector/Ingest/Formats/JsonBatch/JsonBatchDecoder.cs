using System.Runtime.InteropServices;

namespace ThreadedLogging.Collector.Ingest.Formats.JsonBatch;

/// <summary>ThreadedLogging's own format (docs/WIRE-FORMAT.md §1) through <see cref="JsonBatchParser"/>: one envelope, or one event per line.</summary>
internal sealed class JsonBatchDecoder(bool lines) : IEventDecoder
{
    public string Name => lines ? "json-lines" : "json-batch";

    public bool IsText => true;

    public DecodedBatch Decode(IngestRequest request, IngestLimits limits)
    {
        // The parser rewrites lone-surrogate escapes in place: the body is the request's own buffer (a copy otherwise).
        var body = MemoryMarshal.TryGetArray(request.Body, out var segment) ? segment.AsMemory() : request.Body.ToArray();
        return new(lines
            ? JsonBatchParser.ParseLines(body, request.Path, request.BatchKey, limits)
            : JsonBatchParser.ParseEnvelope(body, request.Path, request.BatchKey, limits));
    }
}
