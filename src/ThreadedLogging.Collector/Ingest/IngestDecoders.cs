using Microsoft.Net.Http.Headers;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Ingest.Formats;
using ThreadedLogging.Collector.Ingest.Formats.Clef;
using ThreadedLogging.Collector.Ingest.Formats.JsonBatch;
using ThreadedLogging.Collector.Ingest.Formats.Otlp;
using ThreadedLogging.Collector.Ingest.Formats.Python;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// The one seam between transports and formats: every decoder, once. An HTTP endpoint picks one by method and
/// Content-Type (<see cref="ForLogRequest"/>, Seq's and OTLP's own endpoints), SQS ingest by the <c>tl-format</c>
/// attribute (<see cref="ForName"/>, the decoder's <see cref="IEventDecoder.Name"/>); both get the same decoder.
/// </summary>
internal sealed class IngestDecoders
{
    /// <summary>The suffix of a <c>tl-format</c> whose body is base64 of gzip.</summary>
    public const string GzipSuffix = "+gzip";

    private const string LogMediaTypes = "application/json, application/x-ndjson, application/x-www-form-urlencoded or application/vnd.serilog.clef";

    private readonly JsonBatchDecoder _envelope = new(lines: false);
    private readonly JsonBatchDecoder _lines = new(lines: true);
    private readonly PythonFormDecoder _pythonForm = new();
    private readonly ClefDecoder _clef;
    private readonly Dictionary<string, IEventDecoder> _byName;

    /// <summary>The built-in decoders, and <paramref name="more"/>: decoders registered as <see cref="IEventDecoder"/> (none in the app; a test adds one with a defect), named by an SQS message's <c>tl-format</c>.</summary>
    public IngestDecoders(ClefDecoder clef, SeqJsonDecoder seqJson, OtlpProtobufDecoder otlpProtobuf, OtlpJsonDecoder otlpJson, IEnumerable<IEventDecoder> more)
    {
        _clef = clef;
        IEventDecoder[] all = [_envelope, _lines, new SeedRecordDecoder(), _pythonForm, clef, seqJson, otlpProtobuf, otlpJson, .. more];
        _byName = all.ToDictionary(decoder => decoder.Name, StringComparer.Ordinal);
    }

    /// <summary>Gets the <c>tl-format</c> names SQS messages may carry (each also with <see cref="GzipSuffix"/>).</summary>
    public IEnumerable<string> Names => _byName.Keys;

    /// <summary>Every decoder with the given identity names (tools and tests; the app gets them from DI).</summary>
    public static IngestDecoders Create(IdentityPropertyOptions identity)
    {
        var otlp = new OtlpLogMapper(identity);
        return new IngestDecoders(new ClefDecoder(identity), new SeqJsonDecoder(identity), new OtlpProtobufDecoder(otlp), new OtlpJsonDecoder(otlp), []);
    }

    /// <summary>The decoder named <paramref name="name"/> (an SQS <c>tl-format</c> without <see cref="GzipSuffix"/>), or null when unknown.</summary>
    public IEventDecoder? ForName(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// The decoder of a <c>/log/…</c> or <c>/api/events</c> request: GET is Python's HTTPHandler (the record in the query
    /// string), a POST is told by its Content-Type.
    /// </summary>
    /// <exception cref="IngestRejectedException">415: no or another Content-Type.</exception>
    public IEventDecoder ForLogRequest(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method))
        {
            return _pythonForm;
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || contentType.MediaType.Value is not { } mediaType)
        {
            throw new IngestRejectedException(StatusCodes.Status415UnsupportedMediaType, $"missing or invalid Content-Type ({LogMediaTypes})");
        }

        return mediaType.ToLowerInvariant() switch
        {
            "application/x-www-form-urlencoded" => BodyCharset.IsUtf8(BodyCharset.Of(request.ContentType)) ? _pythonForm
                : throw new IngestRejectedException(StatusCodes.Status415UnsupportedMediaType,
                    $"unsupported charset '{LoggedText.Of(BodyCharset.Of(request.ContentType))}' for a form body: its fields are percent-encoded UTF-8, as Python's urlencode writes them (no charset, or charset=utf-8)"),
            "application/json" => _envelope,
            "application/x-ndjson" or "application/jsonl" or "application/jsonlines" => _lines,
            ClefDecoder.MediaType => _clef,
            _ => throw new IngestRejectedException(StatusCodes.Status415UnsupportedMediaType, $"unsupported Content-Type '{LoggedText.Of(mediaType)}' ({LogMediaTypes})"),
        };
    }
}
