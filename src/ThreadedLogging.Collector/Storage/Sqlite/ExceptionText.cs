using System.Text;
using System.Text.Json;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// The searchable text of a stored exception: every string value of its JSON (type, message, stack
/// trace, Python traceback, inner exceptions), without the property names, which would otherwise match
/// every exception ("type", "message").
/// </summary>
internal static class ExceptionText
{
    public static string? Of(string? exceptionJson)
    {
        if (exceptionJson is null)
        {
            return null;
        }

        var text = new StringBuilder(exceptionJson.Length);
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(exceptionJson));
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.String)
                {
                    text.Append(reader.GetString()).Append('\n');
                }
            }
        }
        catch (JsonException)
        {
            // Stored JSON was validated at ingest; should it not parse, index it as it is.
            return exceptionJson;
        }

        return text.ToString();
    }
}
