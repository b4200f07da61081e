using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;
using ThreadedLogging.Collector.Security;
using GrpcStatus = Grpc.Core.Status;
using RpcStatus = ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto.Status;

namespace ThreadedLogging.Collector.Ingest.Formats.Otlp.Grpc;

/// <summary>
/// OTLP/gRPC logs (<c>opentelemetry.proto.collector.logs.v1.LogsService/Export</c>) on <c>Collector:OtlpGrpcPort</c>.
/// Bound with a bytes marshaller (<see cref="LogsServiceBytesBase"/>), so the request goes through the same runner and decoder as
/// <c>POST /v1/logs</c> (<see cref="OtlpProtobufDecoder"/>): a malformed message is INVALID_ARGUMENT, not the framework's
/// own error. Status codes as the OTLP specification says: INVALID_ARGUMENT (not retryable) for bad data,
/// RESOURCE_EXHAUSTED (admission full, or <c>Collector:MaxReceivingBytes</c> spent while the message was received:
/// <see cref="BudgetedBodyReader"/>) and UNAVAILABLE (store down) with a <c>RetryInfo</c>, UNAUTHENTICATED without a key
/// (answered before the message is read: <see cref="OtlpGrpcExtensions.MapOtlpGrpc"/>).
/// </summary>
internal sealed class OtlpGrpcLogsService(IngestEndpoint endpoint, OtlpProtobufDecoder decoder, IngestKeyRefusals refusals) : LogsServiceBytesBase
{
    /// <summary>The UNAUTHENTICATED status's message.</summary>
    public const string MissingKey = "missing or invalid API key (metadata x-api-key or authorization: Bearer)";

    /// <summary>One <c>ExportLogsServiceRequest</c>, serialized; answers a serialized <c>ExportLogsServiceResponse</c>.</summary>
    /// <exception cref="RpcException">The request was refused; nothing of it is stored.</exception>
    public override async Task<byte[]> Export(byte[] request, ServerCallContext context)
    {
        try
        {
            return await ExportAsync(request, context);
        }
        catch (Exception e) when (e is not RpcException && !IngestFailureAnswers.ClientWentAway(e, context.CancellationToken))
        {
            // The framework would answer UNKNOWN ("Exception was thrown by handler"); INTERNAL, logged and counted as HTTP's (IngestFailureAnswers).
            IngestFailureAnswers.Said(context.GetHttpContext(), e, decoder.Name);
            throw new RpcException(new GrpcStatus(StatusCode.Internal, IngestFailureAnswers.Reason));
        }
    }

    private async Task<byte[]> ExportAsync(byte[] request, ServerCallContext context)
    {
        // The key (x-api-key or authorization: Bearer metadata) was checked before the message was read (OtlpGrpcExtensions.MapOtlpGrpc);
        // checked again here, so that no other way to the service skips it.
        if (refusals.RefusesKeyOf(context.GetHttpContext(), decoder.Name))
        {
            throw new RpcException(new GrpcStatus(StatusCode.Unauthenticated, MissingKey));
        }

        // The message's bytes were taken from Collector:MaxReceivingBytes as they were read (BudgetedBodyReader, put there by
        // OtlpGrpcExtensions.MapOtlpGrpc); one that grpc-encoding gzip or deflate inflated takes its larger size now, or is refused 429.
        var received = context.GetHttpContext().Features.Get<IRequestBodyPipeFeature>() as BudgetedBodyReader;
        var outcome = await endpoint.RunAsync(decoder, string.Empty, batchKey: null,
            _ =>
            {
                received?.HoldMessage(request.Length);
                return Task.FromResult(new ReceivedBody(request, ContentCoding.Identity));
            },
            context.CancellationToken,
            endpoint: context.Method,
            sender: RemoteAddressKey.Of(context.GetHttpContext().Connection.RemoteIpAddress));
        if (outcome.Decoded is { } decoded)
        {
            var response = new ExportLogsServiceResponse();
            if (decoded.Rejected > 0)
            {
                response.PartialSuccess = new ExportLogsPartialSuccess { RejectedLogRecords = decoded.Rejected, ErrorMessage = decoded.Rejection ?? string.Empty };
            }

            return response.ToByteArray();
        }

        throw Refused(outcome);
    }

    /// <summary>The RpcException that answers a refused <paramref name="outcome"/>: 429 with a Retry-After is RESOURCE_EXHAUSTED with a RetryInfo.</summary>
    public static RpcException Refused(IngestOutcome outcome)
    {
        var code = outcome.StatusCode switch
        {
            StatusCodes.Status429TooManyRequests => StatusCode.ResourceExhausted,
            StatusCodes.Status503ServiceUnavailable => StatusCode.Unavailable,
            StatusCodes.Status408RequestTimeout => StatusCode.DeadlineExceeded,
            StatusCodes.Status500InternalServerError => StatusCode.Internal,
            _ => StatusCode.InvalidArgument,
        };
        var trailers = new Metadata();
        if (outcome.RetryAfterSeconds is { } seconds)
        {
            // OTLP/gRPC: the delay travels as a google.rpc.RetryInfo in the status details.
            var status = new RpcStatus { Code = (int)code, Message = outcome.Reason ?? string.Empty };
            var delay = TimeSpan.FromSeconds(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture));
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(delay) }));
            trailers.Add("grpc-status-details-bin", status.ToByteArray());
        }

        return new RpcException(new GrpcStatus(code, outcome.Reason ?? string.Empty), trailers);
    }
}
