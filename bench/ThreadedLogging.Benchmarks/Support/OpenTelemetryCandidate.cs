using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace ThreadedLogging.Benchmarks;

/// <summary>OpenTelemetry logs: <c>AddOpenTelemetry</c> with a batch processor around an exporter that discards.</summary>
internal sealed class OpenTelemetryCandidate : Candidate
{
    private readonly DiscardExporter _exporter = new();
    private readonly BatchLogRecordExportProcessor _processor;
    private readonly ILoggerFactory _factory;

    public OpenTelemetryCandidate()
    {
        _processor = new BatchLogRecordExportProcessor(_exporter, maxQueueSize: 1 << 20, scheduledDelayMilliseconds: 1000, exporterTimeoutMilliseconds: 30_000, maxExportBatchSize: 512);
        _factory = LoggerFactory.Create(b => b.AddOpenTelemetry(o => o.AddProcessor(_processor)));
        Logger = _factory.CreateLogger("Payroll");
    }

    public override ILogger Logger { get; }

    public override void Drain() => _processor.ForceFlush(120_000);

    public override (long Delivered, long Dropped) Audit(long calls)
    {
        Console.WriteLine($"// OpenTelemetry batch processor: calls {calls}, exported {_exporter.Count}");
        return (_exporter.Count, calls - _exporter.Count);
    }

    public override void Dispose() => _factory.Dispose();

    private sealed class DiscardExporter : BaseExporter<LogRecord>
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public override ExportResult Export(in Batch<LogRecord> batch)
        {
            Interlocked.Add(ref _count, batch.Count);
            return ExportResult.Success;
        }
    }
}
