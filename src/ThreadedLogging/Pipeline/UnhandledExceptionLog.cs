using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// Logs the process's crash and unobserved task exceptions into a handler
/// (<see cref="ThreadedHandlerOptions.CaptureUnhandledExceptions"/>), as Sentry and Raygun capture them: .NET writes a
/// crash to the standard error of a user's machine, which nobody reads. The crash is one <see cref="LogLevel.Critical"/>
/// event per handler, logged by <see cref="ProcessExitFlush"/>'s <c>AppDomain.UnhandledException</c> handler just before
/// its flush (one subscription, so the event is always queued before the flush that delivers it); each unobserved task
/// exception is one <see cref="LogLevel.Error"/> event, and is not marked observed (the app's own handler decides).
/// Both go through the handler's loggers: its level and excluded categories apply as to any event; the app's MEL filter
/// rules do not (<see cref="ThreadedHandler.EffectiveLevel"/>).
/// </summary>
internal sealed class UnhandledExceptionLog : IDisposable
{
    /// <summary>The crash's category: the .NET event it comes from.</summary>
    public const string CrashCategory = "System.AppDomain.UnhandledException";

    /// <summary>An unobserved task exception's category: the .NET event it comes from.</summary>
    public const string UnobservedCategory = "System.Threading.Tasks.TaskScheduler.UnobservedTaskException";

    private static readonly Lock Gate = new();

    private static readonly HashSet<UnhandledExceptionLog> Live = [];
    private static bool s_subscribed;

    private readonly ILogger _crash;
    private readonly ILogger _unobserved;
    private readonly Lock _crashGate = new();
    private bool _crashLogged; // under _crashGate

    /// <param name="createLogger">The handler's <see cref="ThreadedHandler.CreateLogger"/>.</param>
    public UnhandledExceptionLog(Func<string, ILogger> createLogger)
    {
        _crash = createLogger(CrashCategory);
        _unobserved = createLogger(UnobservedCategory);
        lock (Gate)
        {
            if (!s_subscribed)
            {
                TaskScheduler.UnobservedTaskException += static (_, e) => LogUnobserved(e.Exception);
                s_subscribed = true;
            }

            Live.Add(this);
        }
    }

    /// <summary>Whether <paramref name="category"/> is the crash's or an unobserved task exception's.</summary>
    public static bool IsCaptureCategory(string category) => category is CrashCategory or UnobservedCategory;

    /// <summary>
    /// The process is ending of an unhandled exception (<paramref name="exceptionObject"/>, what was thrown): every live
    /// handler logs it once, however many threads die at once, and returns only once it is queued (the caller flushes
    /// next). Never throws: the process is ending.
    /// </summary>
    public static void LogCrash(object exceptionObject)
    {
        var exception = exceptionObject as Exception ?? new RuntimeWrappedException(exceptionObject);
        foreach (var log in Snapshot())
        {
            // A lock, not a flag: another dying thread must not go on to its flush, whose return may end the process,
            // before this event is queued; once queued, every flush started after it waits for it.
            lock (log._crashGate)
            {
                if (!log._crashLogged)
                {
                    log._crashLogged = true;
                    Write(log._crash, LogLevel.Critical, exception, "Unhandled exception; the process is ending");
                }
            }
        }
    }

    public void Dispose()
    {
        lock (Gate)
        {
            Live.Remove(this);
        }
    }

    private static void LogUnobserved(Exception exception)
    {
        foreach (var log in Snapshot())
        {
            Write(log._unobserved, LogLevel.Error, exception, "Unobserved task exception");
        }
    }

    private static UnhandledExceptionLog[] Snapshot()
    {
        lock (Gate)
        {
            return [.. Live];
        }
    }

    private static void Write(ILogger logger, LogLevel level, Exception exception, string message)
    {
        try
        {
#pragma warning disable CA2254 // a constant message: no template holes
            logger.Log(level, exception, message);
#pragma warning restore CA2254
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Our loggers never throw; nothing may be thrown into the runtime's handler of a crash.
        }
    }
}
