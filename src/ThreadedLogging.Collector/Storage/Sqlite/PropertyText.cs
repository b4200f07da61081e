using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// The searchable text of an event's properties and scopes: every string and number value of its properties (at any
/// depth) and of its context's <c>scopes</c>, without the names, which would match every event that has the property.
/// The rest of the context (trace and span ids, thread, event id) is not searched: a trace id has its own filter. Of a
/// name given twice in one object, the last value only (<see cref="RepeatedJsonNames"/>).
/// A number is written as PostgreSQL's jsonb writes it (<c>1e3</c> is <c>1000</c>, <c>1.50</c> stays), so both stores
/// make the same words of it (PostgreSQL: <c>tl_json_values</c>, schema version 7).
/// </summary>
/// <remarks>
/// A value the message already holds as whole words (<c>Order {N} shipped</c> renders <c>N</c>) is left out: each of
/// its words, and the value as a phrase, are found in the message column, so a search finds the same events, and the
/// index writes most values of a rendered template once instead of twice (issue 14: FTS5 is a quarter of the
/// collector's CPU). Works on UTF-8 throughout, in buffers kept for the next event: one instance per indexer thread.
/// </remarks>
internal sealed class PropertyText
{
    private readonly RepeatedJsonNames _names = new();
    private byte[] _json = new byte[1024];
    private byte[] _text = new byte[1024];
    private int _length;

    /// <summary>
    /// The text of <paramref name="propertiesJson"/>'s values and <paramref name="contextJson"/>'s scopes that
    /// <paramref name="message"/> (UTF-8) does not hold as whole words, one per line; empty when there is none.
    /// Valid until the next call.
    /// </summary>
    public ReadOnlySpan<byte> Of(string? propertiesJson, string? contextJson, ReadOnlySpan<byte> message)
    {
        _length = 0;
        if (propertiesJson is not null)
        {
            AppendValues(propertiesJson, scopesOnly: false, message);
        }

        if (contextJson is not null && contextJson.Contains("\"scopes\"", StringComparison.Ordinal))
        {
            AppendValues(contextJson, scopesOnly: true, message);
        }

        return _text.AsSpan(0, _length);
    }

    /// <summary>Whether <paramref name="value"/> occurs in <paramref name="message"/> with a word boundary at both ends.</summary>
    /// <remarks>
    /// A boundary is an end of the message or an ASCII character that is no letter or digit, which FTS5's unicode61
    /// tokenizer always takes as a separator; within the occurrence the bytes are the value's, so are its words.
    /// </remarks>
    internal static bool HeldAsWords(ReadOnlySpan<byte> message, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return true;
        }

        var from = 0;
        while (from <= message.Length - value.Length)
        {
            var at = message[from..].IndexOf(value);
            if (at < 0)
            {
                return false;
            }

            at += from;
            var end = at + value.Length;
            if ((at == 0 || IsSeparator(message[at - 1]) || IsSeparator(value[0]))
                && (end == message.Length || IsSeparator(message[end]) || IsSeparator(value[^1])))
            {
                return true;
            }

            from = at + 1;
        }

        return false;
    }

    private static bool IsSeparator(byte b) => b < 0x80 && !char.IsAsciiLetterOrDigit((char)b);

    private void AppendValues(string json, bool scopesOnly, ReadOnlySpan<byte> message)
    {
        var start = _length;
        var size = Encoding.UTF8.GetMaxByteCount(json.Length);
        if (_json.Length < size)
        {
            _json = new byte[Math.Max(size, 2 * _json.Length)];
        }

        var utf8 = _json.AsSpan(0, Encoding.UTF8.GetBytes(json, _json));
        var reader = new Utf8JsonReader(utf8);
        _names.Start(_json);
        try
        {
            var inScopes = !scopesOnly;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        _names.Open();
                        continue;
                    case JsonTokenType.EndObject:
                        _names.Close();
                        continue;
                    case JsonTokenType.PropertyName:
                        _names.Name(ref reader, _length);
                        if (scopesOnly && reader.CurrentDepth == 1)
                        {
                            inScopes = reader.ValueTextEquals("scopes"u8);
                        }

                        continue;
                }

                if (inScopes && reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
                {
                    AppendValue(ref reader, message);
                }
            }

            // A name given twice in one object: its last value only, as PostgreSQL's jsonb and the property filter read it.
            _length = _names.DropEarlierValues(_text, _length);
        }
        catch (JsonException)
        {
            // Stored JSON was validated at ingest; should it not parse, index it as it is.
            _length = start;
            Append(utf8);
            Append("\n"u8);
        }
    }

    /// <summary>Writes the value at the end of the text, and keeps it (with a line break) unless the message holds it.</summary>
    private void AppendValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> message)
    {
        int written;
        if (reader.TokenType == JsonTokenType.String)
        {
            Reserve(reader.ValueSpan.Length + 1); // unescaping never lengthens
            written = reader.ValueIsEscaped ? reader.CopyString(_text.AsSpan(_length)) : Copy(reader.ValueSpan);
        }
        else if (IsPlainInteger(reader.ValueSpan))
        {
            Reserve(reader.ValueSpan.Length + 1);
            written = Copy(reader.ValueSpan); // jsonb writes an integer as it came
        }
        else
        {
            var number = Number(reader.ValueSpan);
            Reserve(Encoding.UTF8.GetMaxByteCount(number.Length) + 1);
            written = Encoding.UTF8.GetBytes(number, _text.AsSpan(_length));
        }

        if (!HeldAsWords(message, _text.AsSpan(_length, written)))
        {
            _length += written;
            _text[_length++] = (byte)'\n';
        }
    }

    private int Copy(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_text.AsSpan(_length));
        return value.Length;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        _length += Copy(bytes);
    }

    private void Reserve(int more)
    {
        if (_text.Length - _length < more)
        {
            Array.Resize(ref _text, Math.Max(_length + more, 2 * _text.Length));
        }
    }

    /// <summary>Digits with an optional minus, not <c>-0</c> (which jsonb writes <c>0</c>).</summary>
    private static bool IsPlainInteger(ReadOnlySpan<byte> number)
    {
        var digits = number[0] == (byte)'-' ? number[1..] : number;
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9') && !(number[0] == (byte)'-' && digits is [(byte)'0']);
    }

    /// <summary>The number as PostgreSQL's numeric writes it (exponent expanded, scale kept); as written if out of decimal's range.</summary>
    private static string Number(ReadOnlySpan<byte> utf8)
    {
        var raw = Encoding.UTF8.GetString(utf8);
        return decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value.ToString(CultureInfo.InvariantCulture)
            : raw;
    }
}
