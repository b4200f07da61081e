using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Collector.Storage;

/// <summary>Level names and numbers of both worlds: MEL (<c>Information</c>, 0..5) and Python (<c>INFO</c>, 20).</summary>
internal static class LevelNames
{
    /// <summary>Maps a Python <c>levelno</c> (TRACE 5, DEBUG 10, INFO 20, WARNING 30, ERROR 40, CRITICAL 50) to MEL; levels in between round down.</summary>
    public static LogLevel FromPythonNumber(int levelno) => levelno switch
    {
        >= 50 => LogLevel.Critical,
        >= 40 => LogLevel.Error,
        >= 30 => LogLevel.Warning,
        >= 20 => LogLevel.Information,
        >= 10 => LogLevel.Debug,
        _ => LogLevel.Trace,
    };

    /// <summary>Every spelling <see cref="TryParse"/> accepts, for a refusal to list (kept beside it: change both together).</summary>
    public const string Accepted =
        "Trace (or Verbose, TRC), Debug (DBG), Information (Info, INF), Warning (Warn, WRN), Error (Fail, ERR) or Critical (Crit, CRT, Fatal), in any case, or 0 to 5";

    /// <summary>Parses a MEL or Python level name (any case), or a MEL number 0..5.</summary>
    public static bool TryParse(string? text, out LogLevel level)
    {
        level = LogLevel.Information;
        switch (text?.Trim().ToUpperInvariant())
        {
            case "TRACE" or "TRC" or "VERBOSE" or "0": level = LogLevel.Trace; return true;
            case "DEBUG" or "DBG" or "1": level = LogLevel.Debug; return true;
            case "INFORMATION" or "INFO" or "INF" or "2": level = LogLevel.Information; return true;
            case "WARNING" or "WARN" or "WRN" or "3": level = LogLevel.Warning; return true;
            case "ERROR" or "ERR" or "FAIL" or "4": level = LogLevel.Error; return true;
            case "CRITICAL" or "CRIT" or "CRT" or "FATAL" or "5": level = LogLevel.Critical; return true;
            default: return false;
        }
    }

    public static string ToName(LogLevel level) => level switch
    {
        LogLevel.Trace => "Trace",
        LogLevel.Debug => "Debug",
        LogLevel.Information => "Information",
        LogLevel.Warning => "Warning",
        LogLevel.Error => "Error",
        LogLevel.Critical => "Critical",
        _ => "None",
    };
}
