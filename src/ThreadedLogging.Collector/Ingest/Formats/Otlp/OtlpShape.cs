using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;

namespace ThreadedLogging.Collector.Ingest.Formats.Otlp;

/// <summary>
/// Counts what an OTLP body would become before any of it is built (review17): parsed whole, 10 MB of empty
/// <c>ResourceLogs</c> (<c>0a 00</c> × 5,000,000; 9,749 bytes gzip'd) grew into ~500 MB of objects in 16 s, and the event
/// limit, counted after the parse on log records only, never saw them. One pass over the wire format (protobuf, read by the
/// generated descriptors, not Google.Protobuf's CodedInputStream, whose limits are not public) or the JSON tokens, allocating nothing per element, refuses a body past these limits, all from
/// <c>Collector:MaxEventsPerBatch</c> (N, 10,000 by default; an OpenTelemetry SDK batch is at most 512 records):
/// at most N log records (413, as any format's batch); at most N <c>ResourceLogs</c> and N <c>ScopeLogs</c> (413: one of each
/// per record is the most an exporter sends); at most <see cref="ElementsPerRecord"/> × N, and never fewer than
/// <see cref="MinElements"/>, elements (413: messages, each one an object once parsed, unknown fields, which the parser keeps,
/// JSON objects and array items; a record with 15 attributes is about 32); messages nested at most
/// <see cref="MaxDepth"/> deep (400: Google.Protobuf's own limit, now met before the parse).
/// </summary>
internal static class OtlpShape
{
    /// <summary>The elements a body may hold per record of <c>Collector:MaxEventsPerBatch</c>.</summary>
    public const int ElementsPerRecord = 32;

    /// <summary>The elements a body may hold however small <c>Collector:MaxEventsPerBatch</c> is.</summary>
    public const int MinElements = 65_536;

    /// <summary>How deep messages may nest (Google.Protobuf's default recursion limit).</summary>
    public const int MaxDepth = 100;

    /// <summary>The elements a body may hold under <paramref name="options"/>.</summary>
    public static long MaxElements(CollectorOptions options) => Math.Max((long)ElementsPerRecord * options.MaxEventsPerBatch, MinElements);

    /// <summary>Refuses a protobuf <c>ExportLogsServiceRequest</c> past a limit, or malformed.</summary>
    /// <exception cref="IngestRejectedException">The body is past a limit (413), nests too deep or is malformed (400).</exception>
    public static void CheckProtobuf(ReadOnlySpan<byte> body, IngestLimits limits)
    {
        var counts = new Counts(limits);
        var at = 0;
        Walk(body, ref at, ExportLogsServiceRequest.Descriptor, 0, endGroup: 0, ref counts);
    }

    /// <summary>Refuses an OTLP/JSON <c>ExportLogsServiceRequest</c> past a limit (or one that is not JSON: 400).</summary>
    /// <exception cref="IngestRejectedException">The body is past a limit (413), nests too deep or is not JSON (400).</exception>
    public static void CheckJson(ReadOnlySpan<byte> utf8, IngestLimits limits)
    {
        // Property names say what an array holds, wherever it is (an unknown field's array of the same name is counted too:
        // more than the parser keeps, never less); the stack holds the kind of each open array.
        var counts = new Counts(limits);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 4 * MaxDepth });
        Span<Kind> open = stackalloc Kind[4 * MaxDepth];
        var depth = 0;
        var property = Kind.Other;
        try
        {
            while (reader.Read())
            {
                var inArray = depth > 0 && open[depth - 1] != Kind.Object;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.ValueTextEquals("resourceLogs"u8) || reader.ValueTextEquals("resource_logs"u8) ? Kind.ResourceLogs
                            : reader.ValueTextEquals("scopeLogs"u8) || reader.ValueTextEquals("scope_logs"u8) ? Kind.ScopeLogs
                            : reader.ValueTextEquals("logRecords"u8) || reader.ValueTextEquals("log_records"u8) ? Kind.Record
                            : Kind.Other;
                        continue;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (inArray || reader.TokenType == JsonTokenType.StartObject)
                        {
                            counts.Element(inArray ? open[depth - 1] : Kind.Other);
                        }

                        if (depth / 4 >= MaxDepth)
                        {
                            throw TooDeep();
                        }

                        open[depth++] = reader.TokenType == JsonTokenType.StartObject ? Kind.Object : property;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        depth--;
                        break;
                    default:
                        if (inArray)
                        {
                            counts.Element(open[depth - 1]);
                        }

                        break;
                }

                property = Kind.Other;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a property name with an escaped lone surrogate ("\udc00"), which ValueTextEquals
            // cannot unescape (found by DecoderFuzzTests: it escaped as a 500).
            throw new IngestRejectedException(StatusCodes.Status400BadRequest, $"malformed OTLP JSON body: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads the fields of one message (<paramref name="message"/>; null for an unknown field's group) from
    /// <paramref name="at"/> to the end of <paramref name="data"/>, or to the end tag of group <paramref name="endGroup"/>,
    /// descending into each message field.
    /// </summary>
    private static void Walk(ReadOnlySpan<byte> data, ref int at, MessageDescriptor? message, int depth, int endGroup, ref Counts counts)
    {
        if (depth > MaxDepth)
        {
            throw TooDeep();
        }

        while (at < data.Length)
        {
            var tag = Varint(data, ref at);
            var number = (int)Math.Min(tag >> 3, int.MaxValue);
            var wire = (WireFormat.WireType)(tag & 7);
            if (number == 0 || tag > uint.MaxValue)
            {
                throw Malformed($"invalid tag {tag}");
            }

            if (wire == WireFormat.WireType.EndGroup)
            {
                if (number != endGroup)
                {
                    throw Malformed($"end of group {number}, which is not open");
                }

                return;
            }

            var field = message?.FindFieldByNumber(number);
            if (field is not null && field.FieldType == FieldType.Message && wire == WireFormat.WireType.LengthDelimited)
            {
                counts.Element(Of(field.MessageType));
                var length = Length(data, ref at);
                var inner = data.Slice(at, length);
                var innerAt = 0;
                Walk(inner, ref innerAt, field.MessageType, depth + 1, endGroup: 0, ref counts);
                at += inner.Length;
                continue;
            }

            if (wire == WireFormat.WireType.StartGroup)
            {
                counts.Element(Kind.Other);
                Walk(data, ref at, null, depth + 1, number, ref counts);
                continue;
            }

            if (field is null || wire != WireTypeOf(field))
            {
                counts.Element(Kind.Other); // an unknown field: the parser keeps it
            }

            // A scalar: no object, or a string of its own bytes.
            switch (wire)
            {
                case WireFormat.WireType.Varint:
                    Varint(data, ref at);
                    break;
                case WireFormat.WireType.Fixed64:
                    at = Skip(data, at, 8);
                    break;
                case WireFormat.WireType.Fixed32:
                    at = Skip(data, at, 4);
                    break;
                case WireFormat.WireType.LengthDelimited:
                    var bytes = Length(data, ref at);
                    at = Skip(data, at, bytes);
                    break;
                default:
                    throw Malformed($"field {number} has wire type {(int)wire}, which is none");
            }
        }

        if (endGroup != 0)
        {
            throw Malformed($"group {endGroup} is not ended");
        }
    }

    private static ulong Varint(ReadOnlySpan<byte> data, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (at >= data.Length)
            {
                throw Malformed("truncated message");
            }

            var b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Malformed("varint longer than 10 bytes");
    }

    private static int Length(ReadOnlySpan<byte> data, ref int at)
    {
        var length = Varint(data, ref at);
        return length <= (ulong)(data.Length - at) ? (int)length : throw Malformed("truncated message");
    }

    private static int Skip(ReadOnlySpan<byte> data, int at, int bytes) =>
        bytes <= data.Length - at ? at + bytes : throw Malformed("truncated message");

    private static IngestRejectedException Malformed(string reason) =>
        IngestRejectedException.BadRequest($"malformed OTLP protobuf body: {reason}");

    private static WireFormat.WireType WireTypeOf(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Double or FieldType.Fixed64 or FieldType.SFixed64 => WireFormat.WireType.Fixed64,
        FieldType.Float or FieldType.Fixed32 or FieldType.SFixed32 => WireFormat.WireType.Fixed32,
        FieldType.String or FieldType.Bytes or FieldType.Message => WireFormat.WireType.LengthDelimited,
        FieldType.Group => WireFormat.WireType.StartGroup,
        _ => WireFormat.WireType.Varint,
    };

    private static Kind Of(MessageDescriptor message) =>
        message == ResourceLogs.Descriptor ? Kind.ResourceLogs
        : message == ScopeLogs.Descriptor ? Kind.ScopeLogs
        : message == LogRecord.Descriptor ? Kind.Record
        : Kind.Other;

    private static IngestRejectedException TooDeep() =>
        IngestRejectedException.BadRequest($"OTLP body nests messages more than {MaxDepth} deep");

    private enum Kind : byte
    {
        Other,
        Object,
        ResourceLogs,
        ScopeLogs,
        Record,
    }

    private struct Counts(IngestLimits limits)
    {
        private readonly int _records = limits.Options.MaxEventsPerBatch;
        private readonly long _elements = MaxElements(limits.Options);
        private int _resourceLogs;
        private int _scopeLogs;
        private int _logRecords;
        private long _all;

        public void Element(Kind kind)
        {
            if (++_all > _elements)
            {
                throw IngestRejectedException.TooLarge(
                    $"OTLP body has more than {_elements} elements (messages, JSON objects and array items); the limit is {ElementsPerRecord} per event of Collector:MaxEventsPerBatch ({_records}), at least {MinElements}");
            }

            switch (kind)
            {
                case Kind.ResourceLogs when ++_resourceLogs > _records:
                    throw Containers("resource_logs", _resourceLogs);
                case Kind.ScopeLogs when ++_scopeLogs > _records:
                    throw Containers("scope_logs", _scopeLogs);
                case Kind.Record:
                    limits.EventCount(++_logRecords);
                    break;
            }
        }

        private readonly IngestRejectedException Containers(string name, int count) => IngestRejectedException.TooLarge(
            $"OTLP body has {count} {name} or more; the limit is {_records}, one per log record at most (Collector:MaxEventsPerBatch)");
    }
}
