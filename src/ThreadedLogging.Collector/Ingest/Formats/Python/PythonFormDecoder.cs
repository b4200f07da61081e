using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest.Formats.Python;

/// <summary>One Python <c>LogRecord.__dict__</c>, form-urlencoded (an HTTPHandler POST body, or a GET's query string; docs/WIRE-FORMAT.md §2).</summary>
internal sealed class PythonFormDecoder : IEventDecoder
{
    public string Name => "python-form";

    public bool IsText => true;

    public DecodedBatch Decode(IngestRequest request, IngestLimits limits) =>
        new(new EventBatch(request.BatchKey, [PythonRecordMapper.Map(FormUrlEncoded.Parse(request.Body.Span), request.Path, limits)]));
}
