using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// One wire format's reader, the same for HTTP and SQS ingest: a body (already gunzipped, within the size limit)
/// and what the request says about it → the batch to store, or an <see cref="IngestRejectedException"/> with the
/// 4xx and its reason. A decoder stores nothing and keeps no state between calls.
/// </summary>
internal interface IEventDecoder
{
    /// <summary>Gets the format's name, as logs and SQS's <c>tl-format</c> attribute give it.</summary>
    string Name { get; }

    /// <summary>Gets a value indicating whether bodies are text (checked as UTF-8 before decoding) rather than bytes.</summary>
    bool IsText { get; }

    /// <summary>Decodes <paramref name="request"/>.</summary>
    /// <exception cref="IngestRejectedException">The body is malformed or breaks a limit; nothing may be stored.</exception>
    DecodedBatch Decode(IngestRequest request, IngestLimits limits);
}
