using System.Globalization;
using System.Text.Json;
using Google.Protobuf.Collections;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;

namespace ThreadedLogging.Collector.Ingest.Formats.Otlp;

/// <summary>OTLP's <c>AnyValue</c> as JSON (properties, structured bodies) and as text (messages, identity).</summary>
internal static class OtlpValues
{
    public static void Write(Utf8JsonWriter json, AnyValue? value)
    {
        switch (value?.ValueCase ?? AnyValue.ValueOneofCase.None)
        {
            case AnyValue.ValueOneofCase.StringValue:
                json.WriteStringValue(value!.StringValue);
                break;
            case AnyValue.ValueOneofCase.BoolValue:
                json.WriteBooleanValue(value!.BoolValue);
                break;
            case AnyValue.ValueOneofCase.IntValue:
                json.WriteNumberValue(value!.IntValue);
                break;
            case AnyValue.ValueOneofCase.DoubleValue when double.IsFinite(value!.DoubleValue):
                json.WriteNumberValue(value.DoubleValue);
                break;
            case AnyValue.ValueOneofCase.DoubleValue:
                json.WriteStringValue(value!.DoubleValue.ToString(CultureInfo.InvariantCulture));
                break;
            case AnyValue.ValueOneofCase.ArrayValue:
                json.WriteStartArray();
                foreach (var item in value!.ArrayValue.Values)
                {
                    Write(json, item);
                }

                json.WriteEndArray();
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                WriteObject(json, value!.KvlistValue.Values, recordAttributes: false);
                break;
            case AnyValue.ValueOneofCase.BytesValue:
                json.WriteBase64StringValue(value!.BytesValue.Span);
                break;
            default:
                json.WriteNullValue();
                break;
        }
    }

    /// <summary>The attribute that carries a record's message template (Serilog's OpenTelemetry sink writes it by default).</summary>
    public const string MessageTemplateText = "message_template.text";

    /// <summary>The attribute that carries MEL's template when OpenTelemetry .NET sends the formatted message as the body (<c>IncludeFormattedMessage</c>).</summary>
    public const string OriginalFormat = "{OriginalFormat}";

    /// <summary>
    /// Writes key/values as one object; with <paramref name="recordAttributes"/>, what the event keeps in fields of its
    /// own is left out: <c>exception.*</c> (the exception), <see cref="MessageTemplateText"/> and <see cref="OriginalFormat"/> (the template).
    /// </summary>
    public static void WriteObject(Utf8JsonWriter json, RepeatedField<KeyValue> values, bool recordAttributes)
    {
        json.WriteStartObject();
        WriteMembers(json, values, recordAttributes);
        json.WriteEndObject();
    }

    /// <summary>Writes key/values as members of the object <paramref name="json"/> is writing (<see cref="WriteObject"/>'s rule).</summary>
    public static void WriteMembers(Utf8JsonWriter json, RepeatedField<KeyValue> values, bool recordAttributes)
    {
        for (var i = 0; i < values.Count; i++)
        {
            var pair = values[i];
            if (recordAttributes && !IsRecordProperty(pair.Key))
            {
                continue;
            }

            json.WritePropertyName(pair.Key);
            Write(json, pair.Value);
        }
    }

    /// <summary>Whether any of a record's <paramref name="attributes"/> is kept as a property (<see cref="IsRecordProperty"/>).</summary>
    public static bool AnyRecordProperty(RepeatedField<KeyValue> attributes)
    {
        for (var i = 0; i < attributes.Count; i++)
        {
            if (IsRecordProperty(attributes[i].Key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A value as a message or identity field shows it: strings as they are, bytes as base64 (OTLP/JSON's mapping of
    /// them, as properties keep them), others as JSON.
    /// </summary>
    public static string? Text(AnyValue? value) => value?.ValueCase switch
    {
        null or AnyValue.ValueOneofCase.None => null,
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(value.BytesValue.Span),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "True" : "False",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
        _ => JsonText.Write(value, static (json, v) => Write(json, v)),
    };

    /// <summary>
    /// The attribute an identity name (<see cref="IdentityPropertyOptions"/>) reads, with its text: the first of
    /// <paramref name="key"/> as written, else the first in another ASCII case (an app's <c>userId</c> for <c>UserId</c>),
    /// whichever has a text that is not empty; null when none has. With a <paramref name="template"/>, only the attributes
    /// that are holes of it (<paramref name="holes"/>) or only those that are not (<see cref="TemplateHoles.Contains"/>).
    /// </summary>
    public static (KeyValue Attribute, string Text)? FindIdentity(RepeatedField<KeyValue> values, string key, string? template = null, bool holes = false)
    {
        if (holes && template is null)
        {
            return null; // no template, no hole
        }

        KeyValue? exact = null;
        KeyValue? other = null;
        for (var i = 0; i < values.Count && exact is null; i++)
        {
            var name = values[i].Key;
            var same = string.Equals(name, key, StringComparison.Ordinal);
            if (!same && (other is not null || name.Length != key.Length || !System.Text.Ascii.EqualsIgnoreCase(name, key)))
            {
                continue;
            }

            if (template is not null && TemplateHoles.Contains(template.AsSpan(), name.AsSpan()) != holes)
            {
                continue;
            }

            if (same)
            {
                exact = values[i];
            }
            else
            {
                other = values[i];
            }
        }

        return Text(exact?.Value) is { Length: > 0 } text ? (exact!, text)
            : Text(other?.Value) is { Length: > 0 } otherText ? (other!, otherText)
            : null;
    }

    /// <summary>The value of <paramref name="key"/>, or null. By index: a <c>foreach</c> over a <see cref="RepeatedField{T}"/> boxes its enumerator, and a record is searched a dozen times.</summary>
    public static AnyValue? Find(RepeatedField<KeyValue> values, ReadOnlySpan<char> key)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (key.SequenceEqual(values[i].Key))
            {
                return values[i].Value;
            }
        }

        return null;
    }

    /// <summary>Whether a record's attribute is a property: not <c>exception.*</c> (the exception) nor a template's.</summary>
    private static bool IsRecordProperty(string key) =>
        !key.StartsWith("exception.", StringComparison.Ordinal) && key != MessageTemplateText && key != OriginalFormat;
}
