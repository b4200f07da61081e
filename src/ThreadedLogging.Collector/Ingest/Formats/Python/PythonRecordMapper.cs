using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest.Formats.Python;

/// <summary>
/// Maps one <c>record.__dict__</c> sent by Python's HTTPHandler (or Camelot's ThreadedHttpHandler,
/// docs/WIRE-FORMAT.md §2) to an event: <c>msg % args</c> rendered as Python would, levels mapped,
/// <c>name</c> → category, <c>created</c> → timestamp; what else is kept, and where: <see cref="PythonRecordContext"/>.
/// </summary>
internal static partial class PythonRecordMapper
{
    /// <summary>OSError and the subclasses of it that keep its <c>str()</c> (not <c>ssl.SSLError</c>, which has its own).</summary>
    private static readonly HashSet<string> OsErrorTypes =
    [
        "OSError", "BlockingIOError", "ChildProcessError", "ConnectionError", "BrokenPipeError", "ConnectionAbortedError",
        "ConnectionRefusedError", "ConnectionResetError", "FileExistsError", "FileNotFoundError", "InterruptedError",
        "IsADirectoryError", "NotADirectoryError", "PermissionError", "ProcessLookupError", "TimeoutError",
        "socket.gaierror", "socket.herror",
    ];

    /// <summary>How many levels of inner exceptions (a chain's earlier ones, a group's sub-exceptions) are kept (the whole traceback stays the text), as .NET's inner exceptions are read.</summary>
    private const int MaxInnerDepth = 16;

    /// <param name="fields">The record's fields, each as Python's <c>str()</c> of it.</param>
    /// <param name="path">Where it was sent (the user's segment), or <c>sqs:{queue}</c>.</param>
    /// <param name="limits">The request's limits.</param>
    /// <param name="typed">
    /// The JSON of the fields that were not text, when the record said (the seed's SQS record); their properties keep it.
    /// </param>
    public static NewEvent Map(Dictionary<string, string> fields, string path, IngestLimits limits, IReadOnlyDictionary<string, string>? typed = null)
    {
        const int Index = 0;
        long size = 0;
        foreach (var (key, value) in fields)
        {
            size += key.Length + value.Length;
        }

        limits.EventSize(size, Index);
        if (!fields.TryGetValue("msg", out var msg))
        {
            throw IngestRejectedException.BadRequest("not a Python log record: field 'msg' is missing");
        }

        var args = Get(fields, "args");
        string? unrenderedArgs = null;
        if (!PythonPercentFormatter.TryRender(msg, args, limits.Options.MaxEventBytes, out var message))
        {
            unrenderedArgs = args;
            // A formatter that ran on the client already rendered it; else keep msg (and args, as a property) raw.
            message = Get(fields, "message") ?? msg;
        }

        var level = LogLevel.Information;
        if (Get(fields, "levelno") is { } levelno && int.TryParse(levelno, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            level = LevelNames.FromPythonNumber(number);
        }
        else if (Get(fields, "levelname") is { } levelname && !LevelNames.TryParse(levelname, out level))
        {
            level = LogLevel.Information;
        }

        var timestamp = limits.Now;
        if (Get(fields, "created") is { } created)
        {
            if (!decimal.TryParse(created, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                || seconds < 0 || seconds > 253_402_300_799m)
            {
                throw IngestRejectedException.BadRequest($"field 'created' is not a Unix time in seconds: '{Truncate(created)}'");
            }

            timestamp = DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        }

        long? sequence = null;
        if (Get(fields, "sequence") is { } sequenceText)
        {
            if (!long.TryParse(sequenceText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
            {
                throw IngestRejectedException.BadRequest($"field 'sequence' is not an integer: '{Truncate(sequenceText)}'");
            }

            sequence = parsed;
        }

        var user = User(fields, path, out var recordUserAsProperty);
        var time = limits.Timestamp(timestamp, Index);
        return new NewEvent
        {
            Timestamp = time.Stored,
            Level = level,
            Category = limits.Field(Get(fields, "name"), "name", Index),
            Message = message,
            Template = msg,
            ExceptionJson = ExceptionJson(Get(fields, "exc_text"), Get(fields, "exc_info")),
            PropertiesJson = time.WithClientTime(PythonRecordContext.PropertiesJson(fields, unrenderedArgs, recordUserAsProperty, typed)),
            ContextJson = PythonRecordContext.ContextJson(fields),
            App = limits.App(Get(fields, "app"), "app", Index),
            Version = limits.Version(Revision(fields) ?? Get(fields, "version"), "revision", Index),
            User = limits.User(user, "user", Index),
            Machine = limits.Machine(Get(fields, "machine"), "machine", Index),
            Path = path,
            InstanceId = limits.Instance(Get(fields, "instanceId"), "instanceId", Index),
            Sequence = sequence,
        };
    }

    /// <summary>
    /// The user: the path's first segment (<c>/log/priya</c>), which is how CPython's HTTPHandler names it; a <c>user</c>
    /// attribute of such a record (<c>extra={'user': …}</c>) is the app's own field, kept as a property, so that it
    /// cannot file the event under somebody else (and out of reach of <c>DELETE /api/users/priya</c>). A record that
    /// carries its client's identity (<see cref="CarriesClientIdentity"/>) names its user itself: its URL is a template
    /// that may start with <c>{app}</c> or <c>{machine}</c>. Without a user in the path, the record's <c>user</c>.
    /// </summary>
    private static string? User(Dictionary<string, string> fields, string path, out string? recordUserAsProperty)
    {
        recordUserAsProperty = null;
        var recordUser = Get(fields, "user");
        // A message from SQS has the path "sqs:{queue}" (SqsMessageDecoder): a queue, not a user.
        if (CarriesClientIdentity(fields) || path.StartsWith("sqs:", StringComparison.Ordinal) || PathUser.From(path) is not { } pathUser)
        {
            return recordUser ?? PathUser.From(path);
        }

        recordUserAsProperty = recordUser is not null && recordUser != pathUser ? recordUser : null;
        return pathUser;
    }

    /// <summary>
    /// ThreadedLogging's ThreadedHttpHandler sends its identity with every record: <c>machine</c> and <c>app</c> (its seed
    /// record over SQS also <c>instanceId</c>); CPython's LogRecord has none of them, nor does Camelot's Python
    /// ThreadedHttpHandler (an HTTPHandler that sends from a thread: <c>record.__dict__</c> as it is).
    /// </summary>
    private static bool CarriesClientIdentity(Dictionary<string, string> fields) =>
        fields.ContainsKey("instanceId") || (fields.ContainsKey("machine") && fields.ContainsKey("app"));

    /// <summary>
    /// The seed's <c>revision</c>, none when it is 0: the default of the seed's <c>ThreadedAwsHandler</c> and of the .NET
    /// client's <c>Revision</c> (which sends its version as <c>version</c> beside it), which stored every event of an app
    /// without a revision as version "0".
    /// </summary>
    private static string? Revision(Dictionary<string, string> fields) => Get(fields, "revision") is { } revision && revision != "0" ? revision : null;

    /// <summary>Python sends <c>str(None)</c> for absent values.</summary>
    private static string? Get(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var value) && value is not ("None" or "") ? value : null;

    private static string? ExceptionJson(string? excText, string? excInfo)
    {
        // exc_info=True outside an except block gives sys.exc_info()'s three Nones; exc_info=False is kept on the record
        // as it was given (logging only replaces a true value), so Python sends "False": neither is an exception.
        // A formatter given the three Nones writes "NoneType: None" (logging's own output does): no exception either.
        if (excInfo is "(None, None, None)" or "False")
        {
            excText = excText is "NoneType: None" ? null : excText;
            excInfo = null;
        }

        if (excText is null && excInfo is null)
        {
            return null;
        }

        // A .NET exception sent in a Python form (our ThreadedHttpHandler, NLog): its own layout, not a traceback's.
        if (excText is not null && !excText.StartsWith("Traceback", StringComparison.Ordinal) && DotNetExceptionText.LooksLikeDotNet(excText))
        {
            return DotNetExceptionText.ToJson(excText);
        }

        string? type = null;
        string? message = null;
        List<TracedException> chain = [];

        // "(<class 'KeyError'>, KeyError('missing'), <traceback object at 0x...>)"
        var info = excInfo is null ? null : ExcInfoType().Match(excInfo) is { Success: true } match ? match : null;
        if (excText is not null)
        {
            // A formatted traceback ends with "ValueError: bad value", and a message of several lines goes on after it;
            // a chain's earlier exceptions come first, each the inner exception of the one after it.
            chain = PythonTraceback.Chain(excText, info?.Groups[1].Value);
            (type, message) = (chain[^1].Type, chain[^1].Message);
        }

        if (type is null && info is not null)
        {
            type = info.Groups[1].Value;
            message = info.Groups[2].Success ? ExceptionStr(type, info.Groups[2].Value) : null;
        }

        // CPython sends exc_text only when a formatter ran (docs/WIRE-FORMAT.md §2): without it the text shown is
        // the traceback's last line, "ZeroDivisionError: division by zero", not the repr of the exc_info tuple.
        excText ??= type is null ? null : message is null ? type : $"{type}: {message}";

        return JsonText.Write((type, message, excText, excInfo, raised: chain.Count > 0 ? chain[^1] : null), static (json, e) =>
        {
            json.WriteStartObject();
            json.WriteString("type", e.type);
            json.WriteString("message", e.message);
            json.WriteString("text", e.excText);
            json.WriteString("excInfo", e.excInfo);
            if (e.raised is not null)
            {
                WriteInner(json, e.raised, 0);
            }

            json.WriteEndObject();
        });
    }

    /// <summary>
    /// The exceptions inside <paramref name="exception"/>, as .NET's inner exceptions are written: an exception group's
    /// sub-exceptions in order (an <c>AggregateException</c>'s), then the exception of the chain before it (the one it was
    /// raised <c>from</c> or while handling, marked <c>"chain": "cause"</c> or <c>"context"</c>), each with its own inner
    /// ones, up to <see cref="MaxInnerDepth"/> levels.
    /// </summary>
    private static void WriteInner(Utf8JsonWriter json, TracedException exception, int depth)
    {
        if (depth >= MaxInnerDepth || (exception.SubExceptions.Count == 0 && exception.Before is null))
        {
            return;
        }

        json.WriteStartArray("inner");
        foreach (var inner in exception.Before is null ? exception.SubExceptions : [.. exception.SubExceptions, exception.Before])
        {
            json.WriteStartObject();
            json.WriteString("type", inner.Type);
            json.WriteString("message", inner.Message);
            json.WriteString("text", inner.Text);
            if (ReferenceEquals(inner, exception.Before) && exception.BeforeIs is { } link)
            {
                // After a group's sub-exceptions the chain's exception is told apart by this, alone as well.
                json.WriteString("chain", link);
            }

            WriteInner(json, inner, depth + 1);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>
    /// The exception's <c>str()</c> from the arguments in its repr, as CPython shows it: one argument's own <c>str()</c>
    /// (<c>ValueError('it\'s\nC:\\temp')</c> is <c>it's</c>, a new line, <c>C:\temp</c>; a <c>KeyError</c>'s key without
    /// its quotes, as the traceback's last line has it), an OS error's <c>[Errno 2] No such file or directory</c>, else the
    /// tuple of the arguments, <c>('a', 1)</c>. An OS error's file name is not in its repr, so not in the message.
    /// Null when the arguments do not read as Python literals (an object's repr) or there are none.
    /// </summary>
    private static string? ExceptionStr(string type, string arguments)
    {
        if (!PythonLiteralParser.TryParse("(" + arguments + ",)", out var tuple) || tuple.Kind != PyKind.Tuple)
        {
            return null;
        }

        var args = tuple.Items;
        return args.Count switch
        {
            1 => args[0].Str,
            // OSError.__str__ when it was given 2 to 5 arguments; the filename ones are not kept in args.
            >= 2 and <= 5 when OsErrorTypes.Contains(type) => $"[Errno {args[0].Str}] {args[1].Str}",
            _ => "(" + arguments + ")",
        };
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "...";

    // "(<class 'T'>, T(args), <traceback object at 0x…>)", or None for the traceback (an exception raised elsewhere).
    [GeneratedRegex(@"^\(<class '([^']{1,200})'>(?:, [\w.]{1,200}\((.{0,2000}?)\), (?:<traceback object at 0x[0-9a-fA-F]{1,32}>|None)\)$)?")]
    private static partial Regex ExcInfoType();
}
