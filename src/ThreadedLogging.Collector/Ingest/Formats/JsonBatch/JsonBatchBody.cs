using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace ThreadedLogging.Collector.Ingest.Formats.JsonBatch;

/// <summary>
/// A JsonBatch body (one buffer, or segments) and what its <see cref="JsonBatchValue"/>s are as the format's fields: a
/// string, an integer, raw JSON, or a 400 naming the field. Values are read from the body's bytes where they are; only a
/// value that spans two segments is copied first.
/// </summary>
internal sealed class JsonBatchBody(ReadOnlySequence<byte> bytes)
{
    private readonly ReadOnlyMemory<byte> _contiguous = bytes.IsSingleSegment ? bytes.First : default;

    /// <summary>Gets the body.</summary>
    public ReadOnlySequence<byte> Bytes => bytes;

    /// <summary>The value's bytes as written (a string with its quotes).</summary>
    public ReadOnlySpan<byte> Raw(in JsonBatchValue value) => bytes.IsSingleSegment
        ? _contiguous.Span.Slice((int)value.Start, value.Length)
        : bytes.Slice(value.Start, value.Length).ToArray();

    /// <summary>The value's JSON as written.</summary>
    public string RawText(in JsonBatchValue value) => Encoding.UTF8.GetString(Raw(value));

    /// <summary>A string value's text, unescaped.</summary>
    public string String(in JsonBatchValue value) => value.Escaped ? Unescape(Raw(value)) : Encoding.UTF8.GetString(Raw(value)[1..^1]);

    /// <summary>A string value's text through <paramref name="strings"/> (one string per repeated text); one with escapes gets its own.</summary>
    public string String(in JsonBatchValue value, BatchStrings strings) => value.Escaped ? Unescape(Raw(value)) : strings.Get(Raw(value)[1..^1]);

    /// <summary>A string field (null when missing or null); through <paramref name="strings"/> when given.</summary>
    /// <exception cref="IngestRejectedException">400: the field is not a string.</exception>
    public string? Text(in JsonBatchValue value, string name, int index, BatchStrings? strings = null)
    {
        if (value.IsAbsent)
        {
            return null;
        }

        if (value.Kind != JsonTokenType.String)
        {
            throw IngestRejectedException.BadRequest($"{Where(index)}'{name}' must be a string");
        }

        return strings is not null ? String(value, strings) : String(value);
    }

    /// <summary>An integer field (null when missing or null): a JSON number that is a whole <see cref="long"/> as written.</summary>
    /// <exception cref="IngestRejectedException">400: anything else (a fraction, an exponent, out of range, not a number).</exception>
    public long? Integer(in JsonBatchValue value, string name, int index)
    {
        if (value.IsAbsent)
        {
            return null;
        }

        return TryInt64(value, out var number)
            ? number
            : throw IngestRejectedException.BadRequest($"{Where(index)}'{name}' must be an integer");
    }

    /// <summary>Whether the value is a number written as a whole <see cref="long"/> (as <c>JsonElement.TryGetInt64</c>).</summary>
    public bool TryInt64(in JsonBatchValue value, out long number)
    {
        number = 0;
        if (value.Kind != JsonTokenType.Number)
        {
            return false;
        }

        var raw = Raw(value);
        return Utf8Parser.TryParse(raw, out number, out var used) && used == raw.Length;
    }

    /// <summary>An object or array field's JSON as written (null when missing or null).</summary>
    /// <exception cref="IngestRejectedException">400: the field is of another kind.</exception>
    public string? Json(in JsonBatchValue value, string name, JsonTokenType kind, int index)
    {
        if (value.IsAbsent)
        {
            return null;
        }

        return value.Kind == kind
            ? RawText(value)
            : throw IngestRejectedException.BadRequest($"{Where(index)}'{name}' must be an {(kind == JsonTokenType.StartObject ? "object" : "array")}");
    }

    /// <summary>The prefix of a reason about one event; none for the envelope (negative <paramref name="index"/>).</summary>
    public static string Where(int index) => index < 0 ? string.Empty : $"event {index}: ";

    /// <summary>A JSON string with escapes, read as <c>JsonElement.GetString</c> reads it.</summary>
    private static string Unescape(ReadOnlySpan<byte> quoted)
    {
        var reader = new Utf8JsonReader(quoted);
        reader.Read();
        return reader.GetString()!;
    }
}
