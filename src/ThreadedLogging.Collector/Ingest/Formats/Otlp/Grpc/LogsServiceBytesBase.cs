using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace ThreadedLogging.Collector.Ingest.Formats.Otlp.Grpc;

/// <summary>
/// OTLP's <c>opentelemetry.proto.collector.logs.v1.LogsService/Export</c> bound with a bytes marshaller, what protoc's
/// generated <c>LogsServiceBase</c> is with message types: Grpc.AspNetCore calls <see cref="BindService"/> with no
/// instance and dispatches to the override of <see cref="Export"/>, so that the serialized request reaches the same
/// decoder as an OTLP/HTTP body.
/// </summary>
[BindServiceMethod(typeof(LogsServiceBytesBase), nameof(BindService))]
internal abstract class LogsServiceBytesBase
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(bytes => bytes, bytes => bytes);

    private static readonly Method<byte[], byte[]> ExportMethod =
        new(MethodType.Unary, "opentelemetry.proto.collector.logs.v1.LogsService", nameof(Export), Bytes, Bytes);

    public static void BindService(ServiceBinderBase binder, LogsServiceBytesBase? service) =>
        binder.AddMethod(ExportMethod, service is null ? null : service.Export);

    /// <summary>One serialized <c>ExportLogsServiceRequest</c>; answers a serialized <c>ExportLogsServiceResponse</c>.</summary>
    public abstract Task<byte[]> Export(byte[] request, ServerCallContext context);
}
