using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using Serilog;

namespace ThreadedLogging.PeerBench;

/// <summary>
/// The peers and modes one run can be. Every peer is reached through a <see cref="LoggerFactory"/>, as an app
/// gets its loggers, and keeps its library's defaults unless the mode's name says otherwise ("-big": a queue
/// large enough to keep the whole burst).
/// </summary>
internal static class PeerCatalog
{
    public const string Floor = "mel-noop";
    public const string OpenTelemetryBig = "otel-big";

    public static readonly IReadOnlyList<string> Names =
        [Floor, "threaded", "threaded-big", "threaded-spool", "threaded-gzip", "threaded-plain", "threaded-batch500", "threaded-coarse", "otel", OpenTelemetryBig, "serilog-seq", "serilog-seq-big"];

    public static IReadOnlyList<string> Check(IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            if (!Names.Contains(name))
            {
                throw new ArgumentException($"Unknown peer '{name}'; known: {string.Join(", ", Names)}.");
            }
        }

        return names;
    }

    public static Peer Create(ChildOptions options) => options.Peer switch
    {
        Floor => new Peer(LoggerFactory.Create(b => b.AddProvider(new NoOpLoggerProvider()))),
        "threaded" => Threaded(options, o => { }),
        "threaded-big" => Threaded(options, o =>
        {
            o.QueueCapacity = Math.Min(10_000_000, options.Events + 10_000);
            o.MaxQueueBytes = 1L << 34;
        }),
        "threaded-spool" => Threaded(options, o => o.BufferDirectory = Path.Combine(Path.GetTempPath(), "tl-peerbench-spool-" + Guid.NewGuid().ToString("N"))),
        "threaded-gzip" => Threaded(options, o => o.Compress = true),
        "threaded-plain" => Threaded(options, o => o.Compress = false),
        "threaded-batch500" => Threaded(options, o => o.BatchSize = 500),
        "threaded-coarse" => Threaded(options, o => o.CoarseTimestamps = true),

        "otel" => OpenTelemetry(options, queue: null),
        OpenTelemetryBig => OpenTelemetry(options, queue: options.Events),
        "serilog-seq" => SerilogSeq(options, queue: null),
        "serilog-seq-big" => SerilogSeq(options, queue: options.Events),
        var other => throw new ArgumentException($"Unknown peer '{other}'."),
    };

    /// <summary>ThreadedHttpHandler, JsonBatch (gzip) to the counting server; Flush, then Dispose.</summary>
    private static Peer Threaded(ChildOptions options, Action<ThreadedHttpHandlerOptions> configure)
    {
        var uri = new Uri(options.BaseUrl);
        var handlerOptions = new ThreadedHttpHandlerOptions
        {
            Host = $"{uri.Host}:{uri.Port}",
            Url = uri.AbsolutePath + "/log",
            Format = HttpLogFormat.JsonBatch,
        };
        configure(handlerOptions);
        var handler = new ThreadedHttpHandler(handlerOptions);
        var factory = LoggerFactory.Create(b => b.AddProvider(handler));
        return new Peer(factory)
        {
            Drain = timeout => handler.Flush(timeout),
            DisposeExtra = () =>
            {
                handler.Dispose();
                if (handlerOptions.BufferDirectory is { } spool && Directory.Exists(spool))
                {
                    Directory.Delete(spool, recursive: true);
                }
            },
            LibraryDropped = () => handler.Statistics.Dropped,
        };
    }

    /// <summary>OpenTelemetry logs with the OTLP exporter over HTTP/protobuf; ForceFlush, then Dispose.</summary>
    private static Peer OpenTelemetry(ChildOptions options, int? queue)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddOpenTelemetry(o => o.AddOtlpExporter((exporter, processor) =>
        {
            exporter.Endpoint = new Uri(options.BaseUrl + "/v1/logs");
            exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
            if (queue is { } size)
            {
                processor.BatchExportProcessorOptions.MaxQueueSize = size;
            }
        })));
        var provider = services.BuildServiceProvider();
        return new Peer(provider.GetRequiredService<ILoggerFactory>())
        {
            Drain = timeout => provider.GetRequiredService<LoggerProvider>().ForceFlush((int)timeout.TotalMilliseconds),
            DisposeExtra = provider.Dispose,
        };
    }

    /// <summary>Serilog with Serilog.Sinks.Seq (CLEF over HTTP); it has no flush, so Dispose drains.</summary>
    private static Peer SerilogSeq(ChildOptions options, int? queue)
    {
        var configuration = new LoggerConfiguration();
        var logger = queue is { } size
            ? configuration.WriteTo.Seq(options.BaseUrl, queueSizeLimit: size).CreateLogger()
            : configuration.WriteTo.Seq(options.BaseUrl).CreateLogger();
        return new Peer(LoggerFactory.Create(b => b.AddSerilog(logger, dispose: true)));
    }
}
