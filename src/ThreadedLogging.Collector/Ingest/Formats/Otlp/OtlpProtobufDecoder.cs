using Google.Protobuf;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;

namespace ThreadedLogging.Collector.Ingest.Formats.Otlp;

/// <summary>OTLP/HTTP logs in binary protobuf (<c>application/x-protobuf</c>), what the OpenTelemetry exporters send by default.</summary>
internal sealed class OtlpProtobufDecoder(OtlpLogMapper mapper) : IEventDecoder
{
    public const string MediaType = "application/x-protobuf";

    public string Name => "otlp-protobuf";

    public bool IsText => false;

    public DecodedBatch Decode(IngestRequest request, IngestLimits limits)
    {
        ExportLogsServiceRequest export;
        try
        {
            OtlpShape.CheckProtobuf(request.Body.Span, limits); // counted before any of it is built (review17: 10 MB of empty messages was ~500 MB)
            export = ExportLogsServiceRequest.Parser.ParseFrom(request.Body.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new IngestRejectedException(StatusCodes.Status400BadRequest, $"malformed OTLP protobuf body: {e.Message}", e);
        }

        return mapper.Map(export, request.Path, BodyKey.Of(request, BodyKey.OtlpPrefix), limits);
    }
}
