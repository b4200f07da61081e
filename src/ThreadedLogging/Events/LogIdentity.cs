namespace ThreadedLogging;

/// <summary>
/// Who is logging: the same for every event of a handler. It is what lets support find one user's
/// logs among thousands of machines.
/// </summary>
public sealed record LogIdentity
{
    /// <summary>Gets the application name: <see cref="ThreadedHandlerOptions.App"/>, else the entry assembly's (cleaned as <see cref="User"/>), else <c>unknown</c>.</summary>
    public required string App { get; init; }

    /// <summary>
    /// Gets the application version (the seed's <c>revision</c>): <see cref="ThreadedHandlerOptions.Version"/>, else the
    /// entry assembly's informational version (cleaned as <see cref="User"/>), else <c>0</c>.
    /// </summary>
    public required string Version { get; init; }

    /// <summary>
    /// Gets the user running the application: <see cref="ThreadedHandlerOptions.User"/>, else the OS's user name with
    /// white space at its ends cut and control characters as spaces. Empty when the OS gives none (a Unix uid without a
    /// passwd entry, as in many containers) or only <c>.</c> or <c>..</c>: the event is sent with no user.
    /// </summary>
    public required string User { get; init; }

    /// <summary>Gets the machine name: <see cref="ThreadedHandlerOptions.Machine"/>, else the OS's, cleaned as <see cref="User"/>; empty: none.</summary>
    public required string Machine { get; init; }

    /// <summary>Gets the operating-system process id.</summary>
    public int ProcessId { get; init; } = Environment.ProcessId;

    /// <summary>Gets the per-handler instance id; with <see cref="LogEvent.Sequence"/> it identifies an event.</summary>
    public string InstanceId { get; init; } = Guid.NewGuid().ToString("N");

    internal static LogIdentity From(ThreadedHandlerOptions options)
    {
        var environment = options.IdentityEnvironment ?? EnvironmentIdentity.OfProcess();
        return new LogIdentity
        {
            App = options.App ?? NonEmpty(EnvironmentIdentity.Cleaned(environment.App)) ?? "unknown",
            Version = options.Version ?? NonEmpty(EnvironmentIdentity.Cleaned(environment.Version)) ?? "0",
            User = options.User ?? NoDotSegment(EnvironmentIdentity.Cleaned(environment.User)),
            Machine = options.Machine ?? EnvironmentIdentity.Cleaned(environment.Machine),
        };
    }

    private static string? NonEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>An OS user named <c>.</c> or <c>..</c> is sent as no user: the collector refuses those names (<see cref="ThreadedHandlerOptions.User"/>).</summary>
    private static string NoDotSegment(string user) => user is "." or ".." ? string.Empty : user;
}
