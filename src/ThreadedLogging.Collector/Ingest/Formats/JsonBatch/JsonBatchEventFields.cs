using System.Text;
using System.Text.Json;

namespace ThreadedLogging.Collector.Ingest.Formats.JsonBatch;

/// <summary>
/// The known fields of one JsonBatch object (an event, or the envelope: <see cref="Events"/>, <see cref="BatchId"/> and the
/// identity), found in one pass of a <see cref="Utf8JsonReader"/> over its properties; a missing field is the default
/// <see cref="JsonBatchValue"/>. A name is found by its UTF-8 bytes as written, without a string (issue 14); an escaped
/// name is compared unescaped. As with <c>JsonElement.TryGetProperty</c>, the last of duplicate names wins.
/// </summary>
internal struct JsonBatchEventFields
{
    public JsonBatchValue App;
    public JsonBatchValue Version;
    public JsonBatchValue User;
    public JsonBatchValue Machine;
    public JsonBatchValue InstanceId;
    public JsonBatchValue ProcessId;
    public JsonBatchValue Timestamp;
    public JsonBatchValue Level;
    public JsonBatchValue Category;
    public JsonBatchValue EventId;
    public JsonBatchValue EventName;
    public JsonBatchValue Template;
    public JsonBatchValue Message;
    public JsonBatchValue Properties;
    public JsonBatchValue Exception;
    public JsonBatchValue Scopes;
    public JsonBatchValue TraceId;
    public JsonBatchValue SpanId;
    public JsonBatchValue ThreadId;
    public JsonBatchValue ThreadName;
    public JsonBatchValue Sequence;

    /// <summary>The envelope's <c>batchId</c> (an event's is not a field).</summary>
    public JsonBatchValue BatchId;

    /// <summary>The envelope's <c>events</c> (an event's is not a field).</summary>
    public JsonBatchValue Events;

    /// <summary>Whether the event has a CLEF field (<c>@t</c>, <c>@mt</c>, <c>@m</c>): issue 11's hint when it has no message or template.</summary>
    public bool HasClefField;

    /// <summary>The longest escaped name that can still be a known one (15 bytes, each written as <c>\uXXXX</c>).</summary>
    private const int MaxEscapedName = 6 * 15;

    /// <summary>The known names as UTF-8, by length (no name is longer than 15 bytes), so a name is found without a string.</summary>
    private static readonly (byte[] Name, Field Field)[][] NamesByLength = ByLength(
        (JsonBatchFields.App, Field.App), (JsonBatchFields.Version, Field.Version), (JsonBatchFields.User, Field.User),
        (JsonBatchFields.Machine, Field.Machine), (JsonBatchFields.InstanceId, Field.InstanceId), (JsonBatchFields.ProcessId, Field.ProcessId),
        (JsonBatchFields.Timestamp, Field.Timestamp), (JsonBatchFields.Level, Field.Level), (JsonBatchFields.Category, Field.Category),
        (JsonBatchFields.EventId, Field.EventId), (JsonBatchFields.EventName, Field.EventName), (JsonBatchFields.Template, Field.Template),
        (JsonBatchFields.Message, Field.Message), (JsonBatchFields.Properties, Field.Properties), (JsonBatchFields.Exception, Field.Exception),
        (JsonBatchFields.Scopes, Field.Scopes), (JsonBatchFields.TraceId, Field.TraceId), (JsonBatchFields.SpanId, Field.SpanId),
        (JsonBatchFields.ThreadId, Field.ThreadId), (JsonBatchFields.ThreadName, Field.ThreadName), (JsonBatchFields.Sequence, Field.Sequence),
        (JsonBatchFields.BatchId, Field.BatchId), (JsonBatchFields.Events, Field.Events),
        ("@t", Field.Clef), ("@mt", Field.Clef), ("@m", Field.Clef));

    /// <summary>A known name.</summary>
    internal enum Field : byte
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
        BatchId,
        Events,
        Clef,
    }

    /// <summary>An event's fields.</summary>
    /// <param name="reader">A reader at the object's start; left at its end.</param>
    /// <param name="offset">Where the reader's input starts in the whole body.</param>
    public static JsonBatchEventFields Read(ref Utf8JsonReader reader, long offset)
    {
        var fields = default(JsonBatchEventFields);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Find(ref reader);
            reader.Read();
            var value = JsonBatchValue.Read(ref reader, offset);
            if (field is not Field.BatchId and not Field.Events)
            {
                fields.Set(field, value);
            }
        }

        return fields;
    }

    /// <summary>The known name at <paramref name="reader"/>'s property name, or <see cref="Field.None"/>.</summary>
    public static Field Find(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped || reader.HasValueSequence ? FindCopied(ref reader) : Find(reader.ValueSpan);

    /// <summary>A name with escapes, or one across two segments, compared as its unescaped bytes.</summary>
    private static Field FindCopied(ref Utf8JsonReader reader)
    {
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length > MaxEscapedName)
        {
            return Field.None;
        }

        Span<byte> name = stackalloc byte[MaxEscapedName];
        return Find(name[..reader.CopyString(name)]);
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

    /// <summary>Keeps <paramref name="value"/> as <paramref name="field"/> (the last of duplicates wins).</summary>
    public void Set(Field field, JsonBatchValue value)
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
            case Field.BatchId: BatchId = value; break;
            case Field.Events: Events = value; break;
            case Field.Clef: HasClefField = true; break;
        }
    }
}
