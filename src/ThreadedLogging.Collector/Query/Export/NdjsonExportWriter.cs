using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Query.Export;

/// <summary>One event per line: the same JSON object as in <c>GET /api/events</c>, with the API's encoder (HTML-sensitive characters escaped).</summary>
internal sealed class NdjsonExportWriter : IExportWriter
{
    private readonly PipeWriter _output;
    private readonly JsonTypeInfo<EventDto> _eventType;
    private readonly JsonTypeInfo<ExportTrailer> _trailerType;
    private readonly Utf8JsonWriter _writer;

    public NdjsonExportWriter(PipeWriter output, JsonSerializerOptions json)
    {
        _output = output;
        _eventType = (JsonTypeInfo<EventDto>)json.GetTypeInfo(typeof(EventDto));
        _trailerType = (JsonTypeInfo<ExportTrailer>)json.GetTypeInfo(typeof(ExportTrailer));
        _writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = json.Encoder });
    }

    public void WriteStart()
    {
    }

    public void Write(StoredEvent storedEvent) => Line(EventMapper.ToDto(storedEvent), _eventType);

    public void WriteTruncated(ExportTruncation truncation) =>
        Line(new ExportTrailer(true, truncation.Exported, truncation.Limit, truncation.Next, truncation.Reason), _trailerType);

    private void Line<T>(T value, JsonTypeInfo<T> type)
    {
        JsonSerializer.Serialize(_writer, value, type);
        _writer.Flush();
        _writer.Reset();
        _output.Write("\n"u8);
    }
}
