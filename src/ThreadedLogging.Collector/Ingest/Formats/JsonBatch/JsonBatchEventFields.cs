using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ThreadedLogging.Collector.Ingest.Formats.JsonBatch;

/// <summary>
/// The known fields of one JsonBatch event, found in one pass over its properties (a missing field is
/// <see cref="JsonValueKind.Undefined"/>). <c>TryGetProperty</c> per field scanned every property for each of
/// ~25 names; this pass reads each once, and finds its name by its UTF-8 bytes as written in the body, without decoding it
/// (issue 14). As with <c>TryGetProperty</c>, the last of duplicate names wins.
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

    /// <summary>The known names as UTF-8, by length (no name is longer than 15 bytes), so a name is found without a string.</summary>
    private static readonly (byte[] Name, Field Field)[][] NamesByLength = ByLength(
        (JsonBatchFields.App, Field.App), (JsonBatchFields.Version, Field.Version), (JsonBatchFields.User, Field.User),
        (JsonBatchFields.Machine, Field.Machine), (JsonBatchFields.InstanceId, Field.InstanceId), (JsonBatchFields.ProcessId, Field.ProcessId),
        (JsonBatchFields.Timestamp, Field.Timestamp), (JsonBatchFields.Level, Field.Level), (JsonBatchFields.Category, Field.Category),
        (JsonBatchFields.EventId, Field.EventId), (JsonBatchFields.EventName, Field.EventName), (JsonBatchFields.Template, Field.Template),
        (JsonBatchFields.Message, Field.Message), (JsonBatchFields.Properties, Field.Properties), (JsonBatchFields.Exception, Field.Exception),
        (JsonBatchFields.Scopes, Field.Scopes), (JsonBatchFields.TraceId, Field.TraceId), (JsonBatchFields.SpanId, Field.SpanId),
        (JsonBatchFields.ThreadId, Field.ThreadId), (JsonBatchFields.ThreadName, Field.ThreadName), (JsonBatchFields.Sequence, Field.Sequence),
        ("@t", Field.Clef), ("@mt", Field.Clef), ("@m", Field.Clef));

    private enum Field : byte
    {
        None,
        App,
        Version,
        User,
        Machine,
        InstanceId,
        ProcessId,
        Timestamp,
        Level,
        Category,
        EventId,
        EventName,
        Template,
        Message,
        Properties,
        Exception,
        Scopes,
        TraceId,
        SpanId,
        ThreadId,
        ThreadName,
        Sequence,
        Clef,
    }

    public static JsonBatchEventFields Read(JsonElement e)
    {
        var fields = default(JsonBatchEventFields);
        foreach (var property in e.EnumerateObject())
        {
            // The name as it is in the body; an escaped one (never a known name as written) is compared unescaped, as TryGetProperty does.
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            var field = Find(raw);
            if (field == Field.None && raw.Contains((byte)'\\'))
            {
                field = Find(Encoding.UTF8.GetBytes(property.Name));
            }

            fields.Set(field, property.Value);
        }

        return fields;
    }

    private static Field Find(ReadOnlySpan<byte> name)
    {
        if (name.Length < NamesByLength.Length)
        {
            foreach (var (known, field) in NamesByLength[name.Length])
            {
                if (name.SequenceEqual(known))
                {
                    return field;
                }
            }
        }

        return Field.None;
    }

    private static (byte[] Name, Field Field)[][] ByLength(params (string Name, Field Field)[] names)
    {
        var byLength = new List<(byte[] Name, Field Field)>[names.Max(n => n.Name.Length) + 1];
        foreach (var (name, field) in names)
        {
            (byLength[name.Length] ??= []).Add((Encoding.UTF8.GetBytes(name), field));
        }

        return [.. byLength.Select(list => list?.ToArray() ?? [])];
    }

    private void Set(Field field, JsonElement value)
    {
        switch (field)
        {
            case Field.App: App = value; break;
            case Field.Version: Version = value; break;
            case Field.User: User = value; break;
            case Field.Machine: Machine = value; break;
            case Field.InstanceId: InstanceId = value; break;
            case Field.ProcessId: ProcessId = value; break;
            case Field.Timestamp: Timestamp = value; break;
            case Field.Level: Level = value; break;
            case Field.Category: Category = value; break;
            case Field.EventId: EventId = value; break;
            case Field.EventName: EventName = value; break;
            case Field.Template: Template = value; break;
            case Field.Message: Message = value; break;
            case Field.Properties: Properties = value; break;
            case Field.Exception: Exception = value; break;
            case Field.Scopes: Scopes = value; break;
            case Field.TraceId: TraceId = value; break;
            case Field.SpanId: SpanId = value; break;
            case Field.ThreadId: ThreadId = value; break;
            case Field.ThreadName: ThreadName = value; break;
            case Field.Sequence: Sequence = value; break;
            case Field.Clef: HasClefField = true; break;
        }
    }
}
