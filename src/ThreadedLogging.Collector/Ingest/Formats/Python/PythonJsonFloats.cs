using System.Text.Json;

namespace ThreadedLogging.Collector.Ingest.Formats.Python;

/// <summary>
/// CPython's <c>json.dumps</c> writes a float that is not finite as <c>NaN</c>, <c>Infinity</c> or <c>-Infinity</c>
/// (<c>allow_nan=True</c> is its default), which is not JSON: System.Text.Json refused such a seed record and it was set
/// aside as poison. Each of those tokens outside a string is rewritten as a number <c>json.dumps</c> never writes (an
/// upper-case <c>E</c>: Python's float repr writes <c>e</c>, an int none), so that the record parses and the value is read
/// back as the float it was: <c>nan</c>, <c>inf</c> or <c>-inf</c> in <c>args</c> (formatted as Python formats them) and
/// stored as that text (Python's <c>str()</c>, what HTTPHandler's form carries) where JSON has no number for it.
/// </summary>
internal static class PythonJsonFloats
{
    private static readonly (byte[] Token, string Marker, string Python)[] Floats =
    [
        ("-Infinity"u8.ToArray(), "-1E+999", "-inf"),
        ("Infinity"u8.ToArray(), "1E+999", "inf"),
        ("NaN"u8.ToArray(), "0E+999", "nan"),
    ];

    /// <summary><paramref name="json"/> with its non-finite floats rewritten, and whether it had any.</summary>
    public static (ReadOnlyMemory<byte> Json, bool Rewritten) Replaced(ReadOnlyMemory<byte> json)
    {
        var found = Find(json.Span);
        if (found.Count == 0)
        {
            return (json, false);
        }

        var copy = new List<byte>(json.Length + (found.Count * 4));
        var from = 0;
        foreach (var (at, index) in found)
        {
            copy.AddRange(json.Span[from..at]);
            copy.AddRange(System.Text.Encoding.ASCII.GetBytes(Floats[index].Marker));
            from = at + Floats[index].Token.Length;
        }

        copy.AddRange(json.Span[from..]);
        return (copy.ToArray(), true);
    }

    /// <summary>Python's <c>str()</c> of a float <see cref="Replaced"/> rewrote (<c>nan</c>, <c>inf</c>, <c>-inf</c>), or null for any other value.</summary>
    public static string? PythonText(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        foreach (var f in Floats)
        {
            if (value.GetRawText() == f.Marker)
            {
                return f.Python;
            }
        }

        return null;
    }

    /// <summary>Writes <paramref name="value"/> as stored JSON: each rewritten float as its text (JSON has no number for it).</summary>
    public static void WriteTo(Utf8JsonWriter json, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                json.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteTo(json, item);
                }

                json.WriteEndArray();
                break;
            case JsonValueKind.Object:
                json.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    json.WritePropertyName(property.Name);
                    WriteTo(json, property.Value);
                }

                json.WriteEndObject();
                break;
            default:
                if (PythonText(value) is { } text)
                {
                    json.WriteStringValue(text);
                }
                else
                {
                    value.WriteTo(json);
                }

                break;
        }
    }

    /// <summary>Where each non-finite float's token starts outside a string, and which one it is.</summary>
    private static List<(int At, int Index)> Find(ReadOnlySpan<byte> json)
    {
        List<(int At, int Index)> found = [];
        if (json.IndexOfAny("NI"u8) < 0)
        {
            return found;
        }

        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            if (inString)
            {
                if (b == '\\')
                {
                    i++; // the escaped character never ends the string
                }
                else if (b == '"')
                {
                    inString = false;
                }
            }
            else if (b == '"')
            {
                inString = true;
            }
            else if (b is (byte)'N' or (byte)'I' or (byte)'-')
            {
                for (var index = 0; index < Floats.Length; index++)
                {
                    if (json[i..].StartsWith(Floats[index].Token))
                    {
                        found.Add((i, index));
                        i += Floats[index].Token.Length - 1;
                        break;
                    }
                }
            }
        }

        return found;
    }
}
