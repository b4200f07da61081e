using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Security;

namespace ThreadedLogging.Collector.Ingest.Formats.Otlp.Grpc;

/// <summary>
/// Serves OTLP/gRPC on <c>Collector:OtlpGrpcPort</c> when it is set: the collector then also listens on that port, on
/// the same hosts as its own URLs (so the startup security check covers it), with HTTP/2 only (h2c: gRPC without
/// TLS), and the gRPC service answers there only.
/// </summary>
internal static class OtlpGrpcExtensions
{
    /// <summary>Adds the gRPC listeners and service; returns every URL the collector will listen on.</summary>
    /// <exception cref="CollectorConfigurationException">The port is invalid, one of the collector's own, or combined with <c>Kestrel:Endpoints</c>.</exception>
    public static List<string> AddOtlpGrpc(this WebApplicationBuilder builder, List<string> urls, CollectorOptions collector)
    {
        if (OtlpGrpcOptions.Bind(builder.Configuration) is not { } grpc)
        {
            return urls;
        }

        if (builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            throw new CollectorConfigurationException(
                $"Invalid collector configuration: {OtlpGrpcOptions.PortKey} adds listeners to the collector's URLs, which Kestrel:Endpoints replaces; " +
                "declare the gRPC endpoint there instead (Protocols: Http2).");
        }

        var grpcUrls = urls.Select(url => WithPort(url, grpc.Port)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        List<string> all = [.. urls, .. grpcUrls];
        builder.WebHost.UseUrls([.. all]);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
        {
            if (listen.IPEndPoint?.Port == grpc.Port)
            {
                listen.Protocols = HttpProtocols.Http2;
            }
        }));
        builder.Services.AddSingleton(grpc);
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, collector.MaxRequestBodyBytes); // a backstop: BudgetedBodyReader refuses first, naming the setting
            options.CompressionProviders = [CappedCompressionProvider.Gzip(collector.MaxRequestBodyBytes), CappedCompressionProvider.Deflate(collector.MaxRequestBodyBytes)];
        });
        return all;
    }

    /// <summary>
    /// Maps the service, behind a key check that answers before the message is read: gRPC reads the whole message (up to
    /// <see cref="CollectorOptions.MaxRequestBodyBytes"/>) before the service runs, so a check there let anyone without a key
    /// hold that much memory per call.
    /// </summary>
    public static void MapOtlpGrpc(this WebApplication app)
    {
        if (app.Services.GetService<OtlpGrpcOptions>() is not { } grpc)
        {
            return;
        }

        var refusals = app.Services.GetRequiredService<IngestKeyRefusals>();
        var format = app.Services.GetRequiredService<OtlpProtobufDecoder>().Name;
        var collector = app.Services.GetRequiredService<CollectorOptions>();
        var budget = app.Services.GetRequiredService<BodyBudget>();
        var metrics = app.Services.GetRequiredService<CollectorMetrics>();
        var time = app.Services.GetRequiredService<TimeProvider>();
        var ingestRefusals = app.Services.GetRequiredService<IngestRefusals>();
        app.Use((context, next) =>
        {
            // The gRPC method's endpoint (routing ran: its host rule matches the Host's port, which a request to another
            // port of ours can name), and anything else on the gRPC port.
            var method = context.GetEndpoint()?.Metadata.GetMetadata<global::Grpc.AspNetCore.Server.GrpcMethodMetadata>() is not null;
            var grpcCall = method || context.Connection.LocalPort == grpc.Port;
            if (!grpcCall || !refusals.RefusesKeyOf(context, format))
            {
                return method ? BudgetedAsync(context, next) : next(context);
            }

            // The request's body never read.
            return TrailersOnly(context, global::Grpc.Core.StatusCode.Unauthenticated, OtlpGrpcLogsService.MissingKey);
        });
        app.MapGrpcService<OtlpGrpcLogsService>().RequireHost($"*:{grpc.Port}")
            .AnswersIngestFailures((_, _, reason) => new TrailersOnlyResult(global::Grpc.Core.StatusCode.Internal, reason)); // what escapes the key check or the budget above

        // The message's bytes count against Collector:MaxReceivingBytes (and the sender's share) while received and held, and it
        // must arrive within Collector:RequestBodyTimeout, as an HTTP body: the framework reads it whole before the service
        // runs, so a check there came after the memory was held.
        async Task BudgetedAsync(HttpContext context, RequestDelegate next)
        {
            using var late = new CancellationTokenSource(collector.RequestBodyTimeout, time);
            var reader = new BudgetedBodyReader(
                context.Request.BodyReader, budget, RemoteAddressKey.Of(context.Connection.RemoteIpAddress), collector.MaxRequestBodyBytes, collector.RequestBodyTimeout, late.Token);
            context.Features.Set<IRequestBodyPipeFeature>(reader);
            try
            {
                await next(context);
            }
            finally
            {
                reader.Release();
                if (reader.Refusal is { } refusal)
                {
                    // Refused inside the framework's read, before the service (and IngestEndpoint.RunAsync) ran: logged and counted as it would.
                    ingestRefusals.Rejected(RemoteAddressKey.Of(context.Connection.RemoteIpAddress), LoggedText.Of(context.Request.Path.Value ?? string.Empty), refusal.StatusCode, refusal.Message);
                    metrics.IngestAnswered(format, new IngestOutcome(refusal.StatusCode, refusal.Message, refusal.RetryAfterSeconds), time, admittedAt: null);
                }
            }
        }
    }

    /// <summary>A gRPC status answered before (or instead of) the service: trailers-only, the status in the headers, no message.</summary>
    private static Task TrailersOnly(HttpContext context, global::Grpc.Core.StatusCode code, string message)
    {
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = message;
        return Task.CompletedTask;
    }

    private sealed class TrailersOnlyResult(global::Grpc.Core.StatusCode code, string message) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => TrailersOnly(httpContext, code, message);
    }

    /// <summary><paramref name="url"/>'s scheme and host with <paramref name="port"/>: <c>http://127.0.0.1:5080</c> → <c>http://127.0.0.1:4317</c>.</summary>
    private static string WithPort(string url, int port)
    {
        var hostStart = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var pathStart = url.IndexOf('/', hostStart);
        var authority = pathStart < 0 ? url[hostStart..] : url[hostStart..pathStart];
        var portStart = authority.LastIndexOf(':');
        var host = portStart > authority.LastIndexOf(']') ? authority[..portStart] : authority;
        if (portStart > authority.LastIndexOf(']') && authority[(portStart + 1)..] == port.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new CollectorConfigurationException($"Invalid collector configuration: {OtlpGrpcOptions.PortKey} ({port}) is a port of the collector's own URL {url}.");
        }

        return $"http://{host}:{port}";
    }
}
