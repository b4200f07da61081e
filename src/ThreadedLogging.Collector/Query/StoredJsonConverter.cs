using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ThreadedLogging.Collector.Query;

/// <summary>
/// Writes <see cref="StoredJson"/> as the same bytes as parsing it and writing the parsed value, without parsing it when
/// that could change nothing: text of printable ASCII that the answer's encoder would not escape, without a backslash
/// (so every quote opens or closes a string) and without white space between tokens is copied as it is. Anything else
/// (an escape, a non-ASCII or HTML-sensitive character, indentation) is parsed and written, which re-encodes it. The
/// export spends a tenth of its time on this otherwise (bench/README.md "Export").
/// </summary>
internal sealed class StoredJsonConverter : JsonConverter<StoredJson>
{
    /// <summary>Printable ASCII but what an encoder of ours escapes (the default one escapes <c>&amp; ' + &lt; &gt; `</c>) and the backslash.</summary>
    private static readonly SearchValues<char> Plain = SearchValues.Create(
        " !\"#$%()*,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz{|}~");

    public override StoredJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Stored JSON is only written.");

    public override void Write(Utf8JsonWriter writer, StoredJson value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (IsPlain(value.Text) && EscapesNoPlainCharacter(writer.Options.Encoder))
        {
            // Not validated again: the collector stored it as JSON it had read or written itself.
            writer.WriteRawValue(value.Text, skipInputValidation: true);
            return;
        }

        using var document = JsonDocument.Parse(value.Text);
        document.RootElement.WriteTo(writer);
    }

    /// <summary>Whether <paramref name="text"/> is written unchanged by parsing and writing it (see the class).</summary>
    internal static bool IsPlain(string text)
    {
        if (text.Length == 0 || text.AsSpan().IndexOfAnyExcept(Plain) >= 0)
        {
            return false;
        }

        if (text.AsSpan().IndexOf(' ') < 0)
        {
            return true;
        }

        // Without a backslash every quote opens or closes a string: a space outside one is white space the writer drops.
        var inString = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                inString = !inString;
            }
            else if (c == ' ' && !inString)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The encoders of the collector's answers (the default, and the relaxed one of ingest) leave every plain character as it is.</summary>
    private static bool EscapesNoPlainCharacter(JavaScriptEncoder? encoder) =>
        encoder is null || ReferenceEquals(encoder, JavaScriptEncoder.Default) || ReferenceEquals(encoder, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
}
