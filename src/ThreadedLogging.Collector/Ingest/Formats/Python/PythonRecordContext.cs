using System.Globalization;
using System.Text.Json;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest.Formats.Python;

/// <summary>
/// What of a <c>record.__dict__</c> an event keeps besides its own columns: the app's fields (<c>extra=</c>), where it
/// was logged (<c>pathname</c>, <c>lineno</c> as a number, <c>funcName</c>: an event has no place of its own for a source
/// location) and <c>stack_info</c> when sent, as properties; <c>process</c> as the context's <c>processId</c>. Not the LogRecord's
/// bookkeeping (<c>msecs</c>, <c>relativeCreated</c>, <c>thread</c>, …: 330 → 94 bytes of properties for a CPython
/// record with two <c>extra=</c> fields) nor a value that is Python's <c>None</c> (docs/WIRE-FORMAT.md §2).
/// </summary>
internal static class PythonRecordContext
{
    /// <summary>Fields the event's columns or context are made of.</summary>
    private static readonly HashSet<string> Mapped = new(StringComparer.Ordinal)
    {
        "name", "msg", "message", "args", "levelname", "levelno", "created", "exc_info", "exc_text", "process",
        "user", "machine", "app", "revision", "version", "instanceId", "sequence",
    };

    /// <summary>
    /// A LogRecord's bookkeeping: <c>filename</c> and <c>module</c> are the end of <c>pathname</c>, <c>msecs</c> and
    /// <c>relativeCreated</c> another form of <c>created</c>; thread and process names and ids tell a reader nothing
    /// the process id does not, and <c>asctime</c> is a formatter's output.
    /// </summary>
    private static readonly HashSet<string> Bookkeeping = new(StringComparer.Ordinal)
    {
        "filename", "module", "msecs", "relativeCreated", "thread", "threadName", "processName", "taskName", "asctime",
    };

    /// <summary>
    /// ThreadedLogging's .NET client (a record with <c>instanceId</c>) fills Python's source location from MEL's:
    /// <c>pathname</c> is the category, <c>lineno</c> and <c>funcName</c> the EventId: they go to the context as
    /// <c>eventId</c> and <c>eventName</c>, with the thread, as its JsonBatch events have them.
    /// </summary>
    private static readonly HashSet<string> DotNetLocation = new(StringComparer.Ordinal) { "pathname", "lineno", "funcName" };

    /// <summary>The LogRecord's <c>lineno</c>: kept as a number.</summary>
    private const string LineNumber = "lineno";

    /// <summary>The LogRecord's <c>levelname</c>: a property only when it is the app's own (<see cref="AppsOwnLevelName"/>).</summary>
    private const string LevelName = "levelname";

    public static bool FromDotNetClient(Dictionary<string, string> fields) => fields.ContainsKey("instanceId");

    /// <summary>
    /// A level name of the app's own (<c>logging.addLevelName(25, 'NOTICE')</c>, verboselogs' SUCCESS): the event's level is
    /// the one at or below its number, so its name is kept as a property (as CLEF keeps an <c>@l</c> it does not know) for
    /// support to find; Python's own names, and its <c>Level 27</c> for a number without a name, say nothing the level does not.
    /// </summary>
    private static bool AppsOwnLevelName(string name, Dictionary<string, string> fields) =>
        !LevelNames.TryParse(name, out _) && name != "NOTSET"
        && !(fields.TryGetValue("levelno", out var number) && name == $"Level {number}");

    /// <param name="fields">The record.</param>
    /// <param name="unrenderedArgs"><c>args</c> when <c>msg % args</c> could not be rendered (kept to read it by), else null.</param>
    /// <param name="recordUser">The record's <c>user</c> when the path's user was stored instead, else null.</param>
    /// <param name="typed">The JSON of fields that were numbers, booleans, lists or dicts (a JSON record), written as that JSON.</param>
    public static string PropertiesJson(Dictionary<string, string> fields, string? unrenderedArgs, string? recordUser, IReadOnlyDictionary<string, string>? typed = null)
    {
        var dotNet = FromDotNetClient(fields);
        return JsonText.Write((fields, unrenderedArgs, recordUser, dotNet, typed), static (json, state) =>
        {
            json.WriteStartObject();
            if (state.unrenderedArgs is not null)
            {
                json.WriteString("args", state.unrenderedArgs);
            }

            foreach (var (key, value) in state.fields)
            {
                if (value == "None" || (Mapped.Contains(key) && !(key == LevelName && AppsOwnLevelName(value, state.fields)))
                    || Bookkeeping.Contains(key) || (state.dotNet && DotNetLocation.Contains(key)))
                {
                    continue;
                }

                // A JSON record's own value; else the LogRecord's line number is an int, but an extra= field's str() does not
                // say whether it was one ('42' or 42).
                if (state.typed is not null && state.typed.TryGetValue(key, out var raw))
                {
                    json.WritePropertyName(key);
                    json.WriteRawValue(raw);
                }
                else if (key == LineNumber && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var line))
                {
                    json.WriteNumber(key, line);
                }
                else
                {
                    json.WriteString(key, value);
                }
            }

            if (state.recordUser is not null)
            {
                json.WriteString("user", state.recordUser);
            }

            json.WriteEndObject();
        });
    }

    /// <summary>The context: <c>processId</c>; for the .NET client also its EventId and thread. Null when there is none.</summary>
    public static string? ContextJson(Dictionary<string, string> fields)
    {
        var processId = Integer(fields, "process");
        long? eventId = null, threadId = null;
        string? eventName = null, threadName = null;
        if (FromDotNetClient(fields))
        {
            eventId = Integer(fields, "lineno") is { } id and not 0 ? id : null;
            eventName = Text(fields, "funcName");
            threadId = Integer(fields, "thread");
            threadName = Text(fields, "threadName");
        }

        if (processId is null && eventId is null && eventName is null && threadId is null && threadName is null)
        {
            return null;
        }

        return JsonText.Write((processId, eventId, eventName, threadId, threadName), static (json, c) =>
        {
            json.WriteStartObject();
            Write(json, JsonBatchFields.EventId, c.eventId);
            if (c.eventName is not null)
            {
                json.WriteString(JsonBatchFields.EventName, c.eventName);
            }

            Write(json, JsonBatchFields.ThreadId, c.threadId);
            if (c.threadName is not null)
            {
                json.WriteString(JsonBatchFields.ThreadName, c.threadName);
            }

            Write(json, JsonBatchFields.ProcessId, c.processId);
            json.WriteEndObject();
        });
    }

    private static void Write(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
    }

    private static long? Integer(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static string? Text(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var text) && text is not ("" or "None") ? text : null;
}
