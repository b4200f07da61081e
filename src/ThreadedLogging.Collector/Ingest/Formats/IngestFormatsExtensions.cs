using ThreadedLogging.Collector.Ingest.Formats.Clef;
using ThreadedLogging.Collector.Ingest.Formats.Otlp;

namespace ThreadedLogging.Collector.Ingest.Formats;

/// <summary>Registers the decoders of the formats other clients speak (CLEF/Seq, OTLP/HTTP) and their endpoints.</summary>
internal static class IngestFormatsExtensions
{
    /// <exception cref="CollectorConfigurationException">An option of <c>Collector:Identity</c> or <c>Collector:Clef</c> is invalid.</exception>
    public static IServiceCollection AddIngestFormats(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(IdentityPropertyOptions.Bind(configuration));
        services.AddSingleton(ClefOptions.Bind(configuration));
        services.AddSingleton<ClefDecoder>();
        services.AddSingleton<SeqJsonDecoder>();
        services.AddSingleton<OtlpLogMapper>();
        services.AddSingleton<OtlpProtobufDecoder>();
        services.AddSingleton<OtlpJsonDecoder>();
        services.AddSingleton<IngestDecoders>();
        services.AddSingleton<Sqs.SqsMessageDecoder>();
        return services;
    }

    public static IEndpointRouteBuilder MapIngestFormats(this IEndpointRouteBuilder routes) => routes.MapSeqIngest().MapOtlpIngest();
}
