using ThreadedLogging.Collector.Ingest.Formats;
using ThreadedLogging.Collector.Ingest.Formats.Clef;
using ThreadedLogging.Collector.Ingest.Formats.JsonBatch;
using ThreadedLogging.Collector.Ingest.Formats.Otlp;
using ThreadedLogging.Collector.Ingest.Formats.Python;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// The one seam between transports and formats: HTTP ingest picks a decoder by method and Content-Type
/// (<see cref="IngestFormat"/>), SQS ingest by the <c>tl-format</c> attribute; both get the same decoder.
/// </summary>
internal sealed class IngestDecoders(ClefDecoder clef, OtlpProtobufDecoder otlpProtobuf, OtlpJsonDecoder otlpJson)
{
    /// <summary>The suffix of a <c>tl-format</c> whose body is base64 of gzip.</summary>
    public const string GzipSuffix = "+gzip";

    private readonly JsonBatchDecoder _envelope = new(lines: false);
    private readonly JsonBatchDecoder _lines = new(lines: true);
    private readonly PythonFormDecoder _pythonForm = new();
    private readonly SeedRecordDecoder _seedRecord = new();

    /// <summary>Gets the <c>tl-format</c> names SQS messages may carry (each also with <see cref="GzipSuffix"/>).</summary>
    public IReadOnlyList<string> SqsFormats => ["json-batch", "json-lines", "seed-record", "clef", "otlp-protobuf", "otlp-json"];

    /// <summary>Every decoder with the given identity names (tools and tests; the app gets them from DI).</summary>
    public static IngestDecoders Create(IdentityPropertyOptions identity)
    {
        var otlp = new OtlpLogMapper(identity);
        return new IngestDecoders(new ClefDecoder(identity), new OtlpProtobufDecoder(otlp), new OtlpJsonDecoder(otlp));
    }

    public IEventDecoder For(IngestFormat format) => format switch
    {
        IngestFormat.PythonQuery or IngestFormat.PythonForm => _pythonForm,
        IngestFormat.JsonEnvelope => _envelope,
        IngestFormat.JsonLines => _lines,
        IngestFormat.Clef => clef,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "no decoder for this format"),
    };

    /// <summary>The decoder of an SQS message's <c>tl-format</c> (its name without <see cref="GzipSuffix"/>), or null when unknown.</summary>
    public IEventDecoder? ForSqs(string format) => format switch
    {
        "json-batch" => _envelope,
        "json-lines" => _lines,
        "seed-record" => _seedRecord,
        "clef" => clef,
        "otlp-protobuf" => otlpProtobuf,
        "otlp-json" => otlpJson,
        _ => null,
    };
}
