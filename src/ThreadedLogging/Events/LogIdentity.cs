using System.Reflection;

namespace ThreadedLogging;

/// <summary>
/// Who is logging: the same for every event of a handler. It is what lets support find one user's
/// logs among thousands of machines.
/// </summary>
public sealed record LogIdentity
{
    /// <summary>Gets the application name.</summary>
    public required string App { get; init; }

    /// <summary>Gets the application version (the seed's <c>revision</c>).</summary>
    public required string Version { get; init; }

    /// <summary>Gets the user running the application.</summary>
    public required string User { get; init; }

    /// <summary>Gets the machine name.</summary>
    public required string Machine { get; init; }

    /// <summary>Gets the operating-system process id.</summary>
    public int ProcessId { get; init; } = Environment.ProcessId;

    /// <summary>Gets the per-handler instance id; with <see cref="LogEvent.Sequence"/> it identifies an event.</summary>
    public string InstanceId { get; init; } = Guid.NewGuid().ToString("N");

    internal static LogIdentity From(ThreadedHandlerOptions options)
    {
        var entry = Assembly.GetEntryAssembly();
        var version = entry?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? entry?.GetName().Version?.ToString()
            ?? "0";
        return new LogIdentity
        {
            App = options.App ?? entry?.GetName().Name ?? "unknown",
            Version = options.Version ?? version,
            User = options.User ?? Environment.UserName,
            Machine = options.Machine ?? Environment.MachineName,
        };
    }
}
