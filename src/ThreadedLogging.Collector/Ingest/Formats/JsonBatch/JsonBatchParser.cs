using System.Buffers;
using System.Text.Json;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest.Formats.JsonBatch;

/// <summary>
/// Reads ThreadedLogging's <c>JsonBatch</c> format (docs/WIRE-FORMAT.md §1): one envelope object (<c>application/json</c>)
/// or one event per line (<c>application/x-ndjson</c>), in one pass of a <see cref="Utf8JsonReader"/> over the body (issue
/// 14: no <c>JsonDocument</c> built and walked). The refusals are those of a whole-document parse, in its order: malformed
/// JSON anywhere first, then the envelope's shape, the event count, the envelope's identity and batch id, then the
/// events in order; so a refusal met on the way is kept until the body has been read to its end.
/// </summary>
/// <remarks>The body must have no escaped lone surrogates (<see cref="JsonSurrogateEscapes.ReplaceLone"/>: the decoder's).</remarks>
internal static class JsonBatchParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    public static EventBatch ParseEnvelope(ReadOnlySequence<byte> bytes, string path, string? idempotencyKey, IngestLimits limits)
    {
        var body = new JsonBatchBody(bytes);
        var root = default(JsonBatchEventFields);
        var rootIsObject = false;
        EventsPass? pass = null;
        try
        {
            var reader = new Utf8JsonReader(bytes, ReaderOptions);
            reader.Read();
            rootIsObject = reader.TokenType == JsonTokenType.StartObject;
            if (!rootIsObject)
            {
                reader.Skip();
            }

            while (rootIsObject && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = JsonBatchEventFields.Find(ref reader);
                reader.Read();
                if (field == JsonBatchEventFields.Field.Events)
                {
                    // Decoded on the way with the identity read so far (the client writes it first); the last 'events' wins.
                    var start = reader.TokenStartIndex;
                    pass = reader.TokenType == JsonTokenType.StartArray ? EventsPass.Read(ref reader, 0, root, body, path, limits) : null;
                    root.Events = pass is null ? JsonBatchValue.Read(ref reader, 0) : new(JsonTokenType.StartArray, start, checked((int)(reader.BytesConsumed - start)), false);
                }
                else
                {
                    root.Set(field, JsonBatchValue.Read(ref reader, 0));
                }
            }

            EnsureEnd(ref reader);
        }
        catch (Exception e) when (e is JsonException or IndexOutOfRangeException && !bytes.IsSingleSegment)
        {
            return ParseEnvelope(Contiguous(bytes), path, idempotencyKey, limits);
        }
        catch (JsonException e)
        {
            throw Malformed("body", e);
        }

        if (!rootIsObject)
        {
            throw IngestRejectedException.BadRequest("expected a JSON object with an 'events' array");
        }

        if (root.Events.Kind != JsonTokenType.StartArray || pass is null)
        {
            throw IngestRejectedException.BadRequest("field 'events' must be an array");
        }

        limits.EventCount(pass.Count);
        var envelope = JsonBatchIdentity.From(root, body, path, limits);
        var batchKey = idempotencyKey is not null
            ? limits.BatchKey(idempotencyKey, IngestEndpoint.IdempotencyKeyHeader)
            : limits.BatchKey(body.Text(root.BatchId, JsonBatchFields.BatchId, -1), JsonBatchFields.BatchId);
        if (!JsonBatchIdentity.SameFields(pass.Envelope, root))
        {
            // An identity field after 'events' (or a second one): the events again, with the envelope's final identity.
            var reader = new Utf8JsonReader(bytes.Slice(root.Events.Start), ReaderOptions);
            reader.Read();
            pass = EventsPass.Read(ref reader, root.Events.Start, root, body, path, limits);
        }

        return pass.Refusal is { } refusal ? throw refusal : new EventBatch(batchKey, pass.Events);
    }

    public static EventBatch ParseLines(ReadOnlySequence<byte> bytes, string path, string? idempotencyKey, IngestLimits limits)
    {
        var body = new JsonBatchBody(bytes);
        var mapper = new JsonBatchEventMapper(body, path, limits);
        var parsed = new List<NewEvent>();
        var rest = bytes;
        var offset = 0L;
        var line = 0;
        while (!rest.IsEmpty)
        {
            line++;
            var end = rest.PositionOf((byte)'\n');
            var current = end is { } newline ? rest.Slice(0, newline) : rest;
            rest = end is { } after ? rest.Slice(rest.GetPosition(1, after)) : ReadOnlySequence<byte>.Empty;
            var lineStart = offset;
            offset += current.Length + 1;
            if (IsBlank(current))
            {
                continue;
            }

            limits.EventCount(parsed.Count + 1);
            JsonBatchEventFields fields = default;
            var isObject = false;
            long size = 0;
            try
            {
                var reader = new Utf8JsonReader(current, ReaderOptions);
                reader.Read();
                isObject = reader.TokenType == JsonTokenType.StartObject;
                var start = reader.TokenStartIndex;
                if (isObject)
                {
                    fields = JsonBatchEventFields.Read(ref reader, lineStart);
                }
                else
                {
                    reader.Skip();
                }

                size = reader.BytesConsumed - start;
                EnsureEnd(ref reader);
            }
            catch (Exception e) when (e is JsonException or IndexOutOfRangeException && !bytes.IsSingleSegment)
            {
                return ParseLines(Contiguous(bytes), path, idempotencyKey, limits);
            }
            catch (JsonException e)
            {
                throw Malformed($"line {line}", e);
            }

            parsed.Add(isObject ? mapper.Map(fields, size, null, parsed.Count) : throw NotAnObject(parsed.Count));
        }

        return new EventBatch(limits.BatchKey(idempotencyKey, IngestEndpoint.IdempotencyKeyHeader), parsed);
    }

    /// <summary>After the root value: the end of the input, or the reader's refusal of what follows it.</summary>
    private static void EnsureEnd(ref Utf8JsonReader reader)
    {
        if (reader.Read())
        {
            throw new InvalidOperationException("a JSON reader read a second root value"); // the reader throws first
        }
    }

    /// <summary>
    /// A segmented body in one buffer, read again when it is malformed: the reader of segments words some refusals
    /// differently (an invalid literal is quoted only to the segment's end), and a refusal must not depend on how the
    /// body arrived. On .NET 10.0.12 it even throws <see cref="IndexOutOfRangeException"/> for a literal cut short before
    /// an empty last segment (<c>[nu</c> + <c>""</c>: dotnet/runtime#134448, open).
    /// </summary>
    private static ReadOnlySequence<byte> Contiguous(in ReadOnlySequence<byte> bytes) => new(bytes.ToArray());

    private static bool IsBlank(in ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
        {
            if (segment.Span.IndexOfAnyExcept("\r \t"u8) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private static IngestRejectedException NotAnObject(int index) => IngestRejectedException.BadRequest($"event {index} is not a JSON object");

    private static IngestRejectedException Malformed(string where, JsonException e)
    {
        return new IngestRejectedException(StatusCodes.Status400BadRequest, $"malformed JSON ({where}): {JsonErrorText.Of(e)}", e);
    }

    /// <summary>
    /// One 'events' array read to its end: every element counted; events decoded with the identity of <see cref="Envelope"/>
    /// until the first refusal (kept in <see cref="Refusal"/>, thrown once the body is known to be well-formed) or past
    /// <c>MaxEventsPerBatch</c> (the count refuses the batch then).
    /// </summary>
    private sealed class EventsPass
    {
        private EventsPass(JsonBatchEventFields envelope) => Envelope = envelope;

        /// <summary>Gets the envelope's fields the events were decoded with.</summary>
        public JsonBatchEventFields Envelope { get; }

        public List<NewEvent> Events { get; } = [];

        public int Count { get; private set; }

        public IngestRejectedException? Refusal { get; private set; }

        /// <param name="reader">A reader at the array's start; left at its end.</param>
        /// <param name="offset">Where the reader's input starts in the whole body.</param>
        /// <param name="root">The envelope's fields so far.</param>
        /// <param name="body">The whole body.</param>
        /// <param name="path">The request's path.</param>
        /// <param name="limits">The request's limits.</param>
        public static EventsPass Read(ref Utf8JsonReader reader, long offset, in JsonBatchEventFields root, JsonBatchBody body, string path, IngestLimits limits)
        {
            var pass = new EventsPass(root);
            JsonBatchIdentity? envelope = null;
            try
            {
                envelope = JsonBatchIdentity.From(root, body, path, limits);
            }
            catch (IngestRejectedException e)
            {
                pass.Refusal = e; // thrown as the envelope's refusal if these are its final fields; else the events are read again
            }

            var mapper = new JsonBatchEventMapper(body, path, limits);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var index = pass.Count++;
                if (pass.Refusal is not null || index >= limits.Options.MaxEventsPerBatch)
                {
                    reader.Skip(); // counted only: the request is refused anyway
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    pass.Refusal = NotAnObject(index);
                    continue;
                }

                var eventStart = reader.TokenStartIndex;
                var fields = JsonBatchEventFields.Read(ref reader, offset);
                var size = reader.BytesConsumed - eventStart;
                if (index == 0)
                {
                    // The array's length is not known before its end: sized for the rest of the body in events like the first.
                    pass.Events.Capacity = (int)Math.Min(limits.Options.MaxEventsPerBatch, 1 + ((body.Bytes.Length - offset - reader.BytesConsumed) / (size + 1)));
                }

                try
                {
                    pass.Events.Add(mapper.Map(fields, size, envelope, index));
                }
                catch (IngestRejectedException e)
                {
                    pass.Refusal = e;
                }
            }

            return pass;
        }
    }
}
