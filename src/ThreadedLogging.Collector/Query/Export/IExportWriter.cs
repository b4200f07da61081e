using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Query.Export;

/// <summary>Writes an export's events in one format into the response's buffer; the exporter flushes it page by page.</summary>
internal interface IExportWriter
{
    /// <summary>What comes before the first event (the CSV header row).</summary>
    void WriteStart();

    void Write(StoredEvent storedEvent);

    /// <summary>The last line or row when <c>Collector:MaxExportEvents</c> cut the export: it says so and where to go on.</summary>
    void WriteTruncated(ExportTruncation truncation);
}
