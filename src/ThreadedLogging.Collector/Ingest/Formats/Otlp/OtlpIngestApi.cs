using Google.Protobuf;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;
using ThreadedLogging.Collector.Responses;
using ThreadedLogging.Collector.Security;

namespace ThreadedLogging.Collector.Ingest.Formats.Otlp;

/// <summary>
/// OTLP/HTTP logs: <c>POST /v1/logs</c>, protobuf or JSON (gzip and chunked bodies as any ingest). Answers as the
/// specification says, in the request's encoding: 200 with an <c>ExportLogsServiceResponse</c> (its partial success
/// counting records left out), or a <c>google.rpc.Status</c> with 400/401/413/415 (not retryable), 429/503 with
/// <c>Retry-After</c> (retryable).
/// </summary>
internal static class OtlpIngestApi
{
    public static IEndpointRouteBuilder MapOtlpIngest(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/logs", (HttpContext context, IngestEndpoint endpoint, OtlpProtobufDecoder protobuf, OtlpJsonDecoder json) =>
        {
            // Answers are in the request's encoding; anything but JSON is answered in protobuf (the default encoding).
            var binary = !IsJson(context.Request);
            return endpoint.HandleAsync(context, request => Choose(request, protobuf, json), string.Empty,
                (_, decoded) => Success(decoded, binary),
                (status, reason) => Error(status, reason, binary));
        }).AddEndpointFilter(RefusalInOtlpEncoding).RequireApiKey(ApiKeyRole.Ingest) // the filter added first wraps the key's
            .AnswersIngestFailures((context, status, reason) => Error(status, reason, !IsJson(context.Request)));
        return routes;
    }

    /// <summary>
    /// A refusal made before the endpoint runs (a missing or wrong key: 401) answered as the endpoint's own, a
    /// <c>google.rpc.Status</c> in the request's encoding, not the collector's <c>{"error": …}</c>.
    /// </summary>
    private static async ValueTask<object?> RefusalInOtlpEncoding(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var result = await next(invocation);
        return result is JsonHttpResult<ErrorResponse> { StatusCode: { } status, Value: { } refusal }
            ? Error(status, refusal.Error, !IsJson(invocation.HttpContext.Request))
            : result;
    }

    private static bool IsJson(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    private static IEventDecoder Choose(HttpRequest request, OtlpProtobufDecoder protobuf, OtlpJsonDecoder json) =>
        IsJson(request) ? json
        : MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals(OtlpProtobufDecoder.MediaType, StringComparison.OrdinalIgnoreCase) ? protobuf
        : throw new IngestRejectedException(StatusCodes.Status415UnsupportedMediaType, $"unsupported Content-Type '{LoggedText.Of(request.ContentType)}' (application/x-protobuf or application/json)");

    private static IResult Success(DecodedBatch decoded, bool binary)
    {
        var response = new ExportLogsServiceResponse();
        if (decoded.Rejected > 0)
        {
            response.PartialSuccess = new ExportLogsPartialSuccess { RejectedLogRecords = decoded.Rejected, ErrorMessage = decoded.Rejection ?? string.Empty };
        }

        return Message(response, StatusCodes.Status200OK, binary);
    }

    private static IResult Error(int status, string reason, bool binary) =>
        Message(new Status { Code = GrpcCode(status), Message = reason }, status, binary);

    private static IResult Message(IMessage message, int status, bool binary) => binary
        ? new ProtobufResult(message.ToByteArray(), status)
        : TypedResults.Text(JsonFormatter.Default.Format(message), "application/json", System.Text.Encoding.UTF8, status);

    /// <summary>The gRPC code of an HTTP status, as the Status message carries it.</summary>
    private static int GrpcCode(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => 16,
        StatusCodes.Status403Forbidden => 7,
        StatusCodes.Status429TooManyRequests => 8,
        StatusCodes.Status503ServiceUnavailable => 14,
        StatusCodes.Status500InternalServerError => 13,
        _ => 3,
    };

    /// <summary>A protobuf body with any status (<c>TypedResults.Bytes</c> always answers 200).</summary>
    private sealed class ProtobufResult(byte[] body, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = OtlpProtobufDecoder.MediaType;
            httpContext.Response.ContentLength = body.Length;
            return httpContext.Response.Body.WriteAsync(body).AsTask();
        }
    }
}
