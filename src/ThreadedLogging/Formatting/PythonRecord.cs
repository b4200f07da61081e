using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// An event as the fields of a Python <c>logging.LogRecord</c> (<c>record.__dict__</c> with <c>str()</c>
/// values), in CPython's order, plus <c>user</c>, <c>machine</c>, <c>app</c> and <c>revision</c>: what
/// <c>logging.handlers.HTTPHandler</c> sends, so servers written for Camelot or Python read it unchanged.
/// </summary>
internal static class PythonRecord
{
    private const string None = "None";
    private static readonly long StartTimestamp = Stopwatch.GetTimestamp();
    private static readonly DateTimeOffset StartTime = TimeProvider.System.GetUtcNow();
    private static readonly string ProcessName = GetProcessName();

    public static List<KeyValuePair<string, string>> GetFields(LogEvent logEvent, LogIdentity identity)
    {
        var (levelName, levelNo) = Level(logEvent.Level);
        var created = (logEvent.Timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;
        var module = logEvent.Category[(logEvent.Category.LastIndexOf('.') + 1)..];
        var exception = logEvent.Exception;
        return
        [
            new("name", logEvent.Category),
            new("msg", logEvent.Message),
            new("args", "()"),
            new("levelname", levelName),
            new("levelno", levelNo.ToString(CultureInfo.InvariantCulture)),
            new("pathname", logEvent.Category),
            new("filename", logEvent.Category),
            new("module", module),
            new("exc_info", exception is null ? None : $"(<class '{CapturedException.TypeNameOf(exception)}'>, {ShortName(exception)}({PythonRepr(CapturedException.MessageOf(exception))}), None)"),
            new("exc_text", exception is null ? None : CapturedException.TextOf(exception)),
            new("stack_info", None),
            new("lineno", logEvent.EventId.Id.ToString(CultureInfo.InvariantCulture)),
            new("funcName", logEvent.EventId.Name ?? string.Empty),
            new("created", PythonFloat(created)),
            new("msecs", PythonFloat(logEvent.Timestamp.Millisecond)),
            new("relativeCreated", PythonFloat((logEvent.Timestamp - StartTime).TotalMilliseconds)),
            new("thread", logEvent.ThreadId.ToString(CultureInfo.InvariantCulture)),
            new("threadName", logEvent.ThreadName ?? $"Thread-{logEvent.ThreadId}"),
            new("processName", ProcessName),
            new("process", identity.ProcessId.ToString(CultureInfo.InvariantCulture)),
            new("user", identity.User),
            new("machine", identity.Machine),
            new("app", identity.App),
            new("revision", identity.Version),
        ];
    }

    /// <summary>Python's level name and number for a MEL level (TRACE is not Python's, but 5 is the usual custom value).</summary>
    public static (string Name, int Number) Level(LogLevel level) => level switch
    {
        LogLevel.Trace => ("TRACE", 5),
        LogLevel.Debug => ("DEBUG", 10),
        LogLevel.Information => ("INFO", 20),
        LogLevel.Warning => ("WARNING", 30),
        LogLevel.Error => ("ERROR", 40),
        LogLevel.Critical => ("CRITICAL", 50),
        _ => ("NOTSET", 0),
    };

    /// <summary>Formats a double as Python's <c>repr(float)</c>: shortest round-trip, always with a decimal point.</summary>
    public static string PythonFloat(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (text.Contains('E', StringComparison.Ordinal))
        {
            // Python writes 1e+16 where .NET writes 1E+16.
            return text.Replace("E", "e", StringComparison.Ordinal);
        }

        return text.Contains('.', StringComparison.Ordinal) || text is "NaN" or "Infinity" or "-Infinity" ? text : text + ".0";
    }

    private static string ShortName(Exception exception)
    {
        var name = CapturedException.TypeNameOf(exception);
        return name[(name.LastIndexOf('.') + 1)..];
    }

    private static string PythonRepr(string text) =>
        "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "'";

    private static string GetProcessName()
    {
        try
        {
            using var process = Process.GetCurrentProcess();
            return process.ProcessName;
        }
        catch (Exception e) when (e is InvalidOperationException or PlatformNotSupportedException)
        {
            return "MainProcess";
        }
    }
}
