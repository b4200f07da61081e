using System.Reflection;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>The handler's options reloaded with the app's configuration (<c>Logging:{alias}</c> changed, <c>IOptionsMonitor.OnChange</c>).</summary>
public partial class ThreadedHandler
{
    private readonly Lock _reload = new();
    private LogLevel _configuredLevel;
    private string? _refusedReload;

    /// <summary>
    /// Applies what can change while the handler runs: <see cref="ThreadedHandlerOptions.Level"/>, when the reloaded
    /// value differs from the configured one (so a reload of another section keeps a level set in code). The rest
    /// (sink, queue, batches, spool, identity, redaction, excluded categories) is built into the pipeline and its
    /// loggers at the start, and a change takes effect at the next start. Reloaded options that do not bind or
    /// validate change nothing and are reported once (self-log and EventSource), never thrown: this runs inside the
    /// configuration's reload, on the app's <c>Reload()</c> or the file watcher's thread.
    /// </summary>
    /// <param name="options">The options computed again.</param>
    /// <param name="bindError">What binding the section threw (a key naming no option, a value of the wrong type), or null.</param>
    internal void OptionsReloaded(ThreadedHandlerOptions options, Exception? bindError)
    {
        var error = bindError is null ? null : Describe(bindError);
        if (error is null)
        {
            try
            {
                options.Validate();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                error = Describe(e);
            }
        }

        lock (_reload)
        {
            if (error is not null)
            {
                if (error != _refusedReload)
                {
                    _refusedReload = error;
                    var section = "Logging:" + (GetType().GetCustomAttribute<ProviderAliasAttribute>()?.Alias ?? GetType().Name);
                    ThreadedLoggingEventSource.Log.OptionsReloadRefused(section, error);
                    _selfLog.Write($"The reloaded {section} was not applied, the handler keeps its options (Level {Level}): {error}");
                }

                return;
            }

            _refusedReload = null;
            if (options.Level == _configuredLevel)
            {
                return;
            }

            _configuredLevel = options.Level;
            Level = options.Level;
        }
    }

    private static string Describe(Exception e) => e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
}
