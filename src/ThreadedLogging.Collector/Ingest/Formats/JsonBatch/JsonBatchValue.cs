using System.Text.Json;

namespace ThreadedLogging.Collector.Ingest.Formats.JsonBatch;

/// <summary>
/// A value of a JsonBatch body as <see cref="Utf8JsonReader"/> met it: its first token and where its bytes are in the body
/// (a string with its quotes, an object or array whole), read later through <see cref="JsonBatchBody"/>. The default is a
/// missing field (<see cref="JsonTokenType.None"/>).
/// </summary>
/// <param name="Kind">The value's first token.</param>
/// <param name="Start">Where its bytes start in the whole body.</param>
/// <param name="Length">How many bytes it has.</param>
/// <param name="Escaped">Whether a string has escapes (it is read through a reader then, not from its bytes).</param>
internal readonly record struct JsonBatchValue(JsonTokenType Kind, long Start, int Length, bool Escaped)
{
    /// <summary>Gets a value indicating whether the field is missing or <c>null</c>: both mean "not given".</summary>
    public bool IsAbsent => Kind is JsonTokenType.None or JsonTokenType.Null;

    /// <summary>The value at <paramref name="reader"/>'s current token, an object or array skipped to its end.</summary>
    /// <param name="reader">A reader at the value's first token; left at its last.</param>
    /// <param name="offset">Where the reader's input starts in the whole body.</param>
    public static JsonBatchValue Read(ref Utf8JsonReader reader, long offset)
    {
        var kind = reader.TokenType;
        var start = reader.TokenStartIndex;
        var escaped = kind == JsonTokenType.String && reader.ValueIsEscaped;
        if (kind is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }

        return new JsonBatchValue(kind, offset + start, checked((int)(reader.BytesConsumed - start)), escaped);
    }
}
