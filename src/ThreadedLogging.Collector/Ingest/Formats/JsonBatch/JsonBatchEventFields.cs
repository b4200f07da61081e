using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ThreadedLogging.Collector.Ingest.Formats.JsonBatch;

/// <summary>
/// The known fields of one JsonBatch event, found in one pass over its properties (a missing field is
/// <see cref="JsonValueKind.Undefined"/>). <c>TryGetProperty</c> per field scanned every property for each of
/// ~25 names; this pass reads each once (issue 14). As with <c>TryGetProperty</c>, the last of duplicate names wins.
/// </summary>
internal struct JsonBatchEventFields
{
    public JsonElement App;
    public JsonElement Version;
    public JsonElement User;
    public JsonElement Machine;
    public JsonElement InstanceId;
    public JsonElement ProcessId;
    public JsonElement Timestamp;
    public JsonElement Level;
    public JsonElement Category;
    public JsonElement EventId;
    public JsonElement EventName;
    public JsonElement Template;
    public JsonElement Message;
    public JsonElement Properties;
    public JsonElement Exception;
    public JsonElement Scopes;
    public JsonElement TraceId;
    public JsonElement SpanId;
    public JsonElement ThreadId;
    public JsonElement ThreadName;
    public JsonElement Sequence;

    /// <summary>Whether the event has a CLEF field (<c>@t</c>, <c>@mt</c>, <c>@m</c>): issue 11's hint when it has no message or template.</summary>
    public bool HasClefField;

    public static JsonBatchEventFields Read(JsonElement e)
    {
        var fields = default(JsonBatchEventFields);
        Span<char> buffer = stackalloc char[16];
        foreach (var property in e.EnumerateObject())
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            scoped ReadOnlySpan<char> name;
            if (raw.Length <= buffer.Length && raw.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7e) < 0 && !raw.Contains((byte)'\\'))
            {
                var length = Encoding.ASCII.GetChars(raw, buffer);
                name = buffer[..length];
            }
            else
            {
                name = property.Name; // escaped or long: compared unescaped, as TryGetProperty does
            }

            fields.Set(name, property.Value);
        }

        return fields;
    }

    private void Set(ReadOnlySpan<char> name, JsonElement value)
    {
        switch (name)
        {
            case JsonBatchFields.App: App = value; break;
            case JsonBatchFields.Version: Version = value; break;
            case JsonBatchFields.User: User = value; break;
            case JsonBatchFields.Machine: Machine = value; break;
            case JsonBatchFields.InstanceId: InstanceId = value; break;
            case JsonBatchFields.ProcessId: ProcessId = value; break;
            case JsonBatchFields.Timestamp: Timestamp = value; break;
            case JsonBatchFields.Level: Level = value; break;
            case JsonBatchFields.Category: Category = value; break;
            case JsonBatchFields.EventId: EventId = value; break;
            case JsonBatchFields.EventName: EventName = value; break;
            case JsonBatchFields.Template: Template = value; break;
            case JsonBatchFields.Message: Message = value; break;
            case JsonBatchFields.Properties: Properties = value; break;
            case JsonBatchFields.Exception: Exception = value; break;
            case JsonBatchFields.Scopes: Scopes = value; break;
            case JsonBatchFields.TraceId: TraceId = value; break;
            case JsonBatchFields.SpanId: SpanId = value; break;
            case JsonBatchFields.ThreadId: ThreadId = value; break;
            case JsonBatchFields.ThreadName: ThreadName = value; break;
            case JsonBatchFields.Sequence: Sequence = value; break;
            case "@t" or "@mt" or "@m": HasClefField = true; break;
        }
    }
}
