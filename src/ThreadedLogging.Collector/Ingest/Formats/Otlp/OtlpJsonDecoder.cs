using Google.Protobuf;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;

namespace ThreadedLogging.Collector.Ingest.Formats.Otlp;

/// <summary>
/// OTLP/HTTP logs as JSON (<c>application/json</c>): the protobuf JSON mapping with OTLP's two differences — trace
/// and span ids in hex, not base64, and enums as integers — and unknown fields ignored, as the specification asks.
/// </summary>
internal sealed class OtlpJsonDecoder(OtlpLogMapper mapper) : IEventDecoder
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true).WithRecursionLimit(64));

    public string Name => "otlp-json";

    public bool IsText => true;

    public DecodedBatch Decode(IngestRequest request, IngestLimits limits)
    {
        OtlpShape.CheckJson(request.Body.Span, limits); // counted before any of it is built (review17: 10 MB of {} was ~340 MB)
        ExportLogsServiceRequest export;
        try
        {
            export = Parser.Parse<ExportLogsServiceRequest>(System.Text.Encoding.UTF8.GetString(JsonSurrogateEscapes.Replaced(request.Body).Span)); // issue 15 §4: U+FFFD
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            throw new IngestRejectedException(StatusCodes.Status400BadRequest, $"malformed OTLP JSON body: {e.Message}", e);
        }

        for (var r = 0; r < export.ResourceLogs.Count; r++)
        {
            foreach (var scope in export.ResourceLogs[r].ScopeLogs)
            {
                foreach (var record in scope.LogRecords)
                {
                    record.TraceId = FromHex(record.TraceId, "traceId");
                    record.SpanId = FromHex(record.SpanId, "spanId");
                }
            }
        }

        return mapper.Map(export, request.Path, BodyKey.Of(request, BodyKey.OtlpPrefix), limits);
    }

    /// <summary>
    /// The JSON parser read the hex id as base64 (every hex digit is a base64 character, and 32 or 16 of them
    /// decode without padding): encoding the bytes again gives the hex text back exactly.
    /// </summary>
    private static ByteString FromHex(ByteString parsedAsBase64, string name)
    {
        if (parsedAsBase64.IsEmpty)
        {
            return parsedAsBase64;
        }

        var hex = parsedAsBase64.ToBase64();
        try
        {
            return ByteString.CopyFrom(Convert.FromHexString(hex));
        }
        catch (FormatException e)
        {
            throw new IngestRejectedException(StatusCodes.Status400BadRequest, $"malformed OTLP JSON body: {name} '{hex}' is not hex", e);
        }
    }
}
