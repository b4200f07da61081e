using System.Buffers;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>Options of a <see cref="ThreadedHandler"/>: the queue, the flush clock, shutdown, identity and redaction.</summary>
public class ThreadedHandlerOptions
{
    /// <summary>The C0 controls and DEL: never part of a name, a key or a header value.</summary>
    internal static readonly SearchValues<char> ControlChars =
        SearchValues.Create("\0\u0001\u0002\u0003\u0004\u0005\u0006\a\b\t\n\v\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u007f");

    /// <summary>
    /// The longest retry delay and level poll: a timer cannot wait more than about 49.7 days (Task.Delay threw in the worker
    /// and the batch was dropped), and a handler that waits a day between attempts has long stopped delivering.
    /// </summary>
    private static readonly TimeSpan MaxDelay = TimeSpan.FromDays(1);

    private static readonly TimeSpan DefaultMinRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The longest request timeout (HTTP and SQS): longer ones threw from the sender (HttpClient) or the SDK's configuration.</summary>
    private static readonly TimeSpan MaxRequestTimeout = TimeSpan.FromHours(1);

    /// <summary>The oldest <see cref="MaxBufferAge"/>: the spool computes now minus the age, which overflowed near <see cref="TimeSpan.MaxValue"/>.</summary>
    private static readonly TimeSpan MaxSpoolAge = TimeSpan.FromDays(3650);

    /// <summary>Gets or sets the flush interval of the <c>ThreadedTimer</c>: between 1 ms and 1 hour.</summary>
    /// <value>The default value is 1000 ms, as in the seed.</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Gets or sets the number of events that makes a batch go out at once: between 1 and 100,000.</summary>
    /// <value>The default value is 500 (2000 in <see cref="ThreadedHttpHandlerOptions"/>).</value>
    public int BatchSize { get; set; } = 500;

    /// <summary>Gets or sets the approximate number of bytes that makes a batch go out at once: between 1024 and 268,435,456 (256 MiB).</summary>
    /// <value>The default value is 1 MiB.</value>
    public int MaxBatchBytes { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets how many events the in-memory queue holds before new events are dropped: between 1 and 10,000,000.</summary>
    /// <value>The default value is 10000000: the queue is bounded by <see cref="MaxQueueBytes"/>.</value>
    /// <remarks>
    /// Checked before an event is added, so callers on several threads at once may pass it by one each. Use it to
    /// bound the count as well as the bytes.
    /// </remarks>
    public int QueueCapacity { get; set; } = 10_000_000;

    /// <summary>Gets or sets how many bytes of queued events the in-memory queue holds before new events are dropped: between 1024 and 256 GiB.</summary>
    /// <value>The default value is 128 MiB.</value>
    /// <remarks>
    /// The queue keeps events as compact binary records outside the garbage-collected heap (about 64 bytes for a
    /// call with two short properties, so about two million such events), allocated in segments as it fills and
    /// kept for the next burst. A call that a record cannot hold (one with an exception, or a property value of
    /// a type other than string, number, bool, date, time span or guid) is kept as an object and charged with its
    /// estimated size (64 bytes to 4 KiB), so these bytes bound such calls too.
    /// </remarks>
    public long MaxQueueBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>Gets or sets what a log call does when the queue is full.</summary>
    /// <value>The default value is <see cref="QueueFullMode.DropNewest"/>: the call never blocks.</value>
    public QueueFullMode FullMode { get; set; } = QueueFullMode.DropNewest;

    /// <summary>Gets or sets the minimum level shipped by this handler (the seed's <c>handler.setLevel</c>).</summary>
    /// <value>The default value is <see cref="LogLevel.Trace"/>: the logging filter rules decide.</value>
    public LogLevel Level { get; set; } = LogLevel.Trace;

    /// <summary>Gets or sets the level at or above which an event makes the worker flush immediately.</summary>
    /// <value>The default value is <see cref="LogLevel.Error"/>.</value>
    public LogLevel FlushLevel { get; set; } = LogLevel.Error;

    /// <summary>
    /// Gets or sets how long <c>Dispose</c> may spend draining the queue, and how long the process's exit waits for an
    /// undisposed handler (its last flush): between 0 and 10 minutes. At the deadline the send in progress is cancelled;
    /// a sink that ignores that is given 250 ms more, then abandoned (what was still queued or in flight counted dropped,
    /// its spool directory released and its sink disposed when its worker stops, not waited for), so <c>Dispose</c> returns
    /// within this plus 250 ms, plus the sink's own disposal only when the worker stopped in time.
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the first delay after a failed send, positive; it doubles (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan MinRetryDelay { get; set; } = DefaultMinRetryDelay;

    /// <summary>Gets or sets the longest delay between retries, also the probe interval of an open circuit; at most 1 day.</summary>
    /// <value>The default value is 2 minutes.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Gets or sets the directory of the durable spool. When set, the worker writes batches to
    /// append-only files there before sending them and deletes them only after delivery, so events
    /// survive a crash, a kill or a long outage; a later start of the app sends what is left.
    /// Environment variables written as <c>%NAME%</c> are expanded; the path must then be absolute (a relative one depends on
    /// the working directory, so a next start from another one would not find the spool) and each variable set, except
    /// <c>%LOCALAPPDATA%</c> and <c>%APPDATA%</c>: where they are not set (Linux, macOS) they stand for .NET's
    /// <see cref="Environment.SpecialFolder.LocalApplicationData"/> and <see cref="Environment.SpecialFolder.ApplicationData"/>
    /// (on Linux <c>~/.local/share</c> and <c>~/.config</c>), in any case and with either separator, so
    /// <c>%LOCALAPPDATA%/MyApp/log-spool</c> serves every OS.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: events are kept in memory only.</value>
    public string? BufferDirectory { get; set; }

    /// <summary>
    /// Gets or sets the most bytes the spool may hold, at least 65,536; the oldest segment is dropped (and counted) beyond it.
    /// Segments of a newer spool format that a newer build of the app left in <see cref="BufferDirectory"/> count against it too (never dropped: that build sends them).
    /// </summary>
    /// <value>The default value is 256 MiB.</value>
    public long MaxBufferBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Gets or sets how old spooled events may get before they are dropped (and counted): positive, at most 3650 days.</summary>
    /// <value>The default value is 7 days.</value>
    public TimeSpan MaxBufferAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Gets or sets whether a log call's time is read from the coarse clock: each thread reads the precise clock once per
    /// tick of <see cref="Environment.TickCount64"/> (4 ms steps on Linux as measured here, about 16 ms on Windows) and
    /// stamps its calls within that tick with it, as NLog's default <c>FastLocal</c> time source does. Saves the precise
    /// read on nearly every call (~30 ns on a VM, a quarter of the call); events keep their order (per thread, and
    /// by their sequence), but their times show the tick's steps.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: every call reads the precise clock, as Serilog and OpenTelemetry do.</value>
    public bool CoarseTimestamps { get; set; }

    /// <summary>Gets or sets whether the scopes active at the log call are captured.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool IncludeScopes { get; set; } = true;

    /// <summary>
    /// Gets or sets whether the process's crash reaches support: when an unhandled exception ends the process
    /// (<see cref="AppDomain.UnhandledException"/>), the handler logs one <see cref="LogLevel.Critical"/> event of category
    /// <c>System.AppDomain.UnhandledException</c> with the exception, and delivers it with what is queued within
    /// <see cref="ShutdownTimeout"/>; each <see cref="TaskScheduler.UnobservedTaskException"/> becomes one
    /// <see cref="LogLevel.Error"/> event of category <c>System.Threading.Tasks.TaskScheduler.UnobservedTaskException</c>
    /// (not marked observed). Both pass the handler's level and <see cref="ExcludedCategories"/> as any event.
    /// </summary>
    /// <value>
    /// The default value is <see langword="true"/>, as Sentry and Raygun capture crashes by default: otherwise .NET writes
    /// the crash to the standard error of a user's machine, which nobody reads.
    /// </value>
    public bool CaptureUnhandledExceptions { get; set; } = true;

    /// <summary>Gets or sets the application name sent with every event.</summary>
    /// <value>The default value is <see langword="null"/>: the entry assembly's name.</value>
    public string? App { get; set; }

    /// <summary>Gets or sets the application version (the seed's <c>revision</c>).</summary>
    /// <value>The default value is <see langword="null"/>: the entry assembly's informational version.</value>
    public string? Version { get; set; }

    /// <summary>Gets or sets the user name sent with every event.</summary>
    /// <value>
    /// The default value is <see langword="null"/>: <see cref="Environment.UserName"/>, cleaned (<see cref="LogIdentity.User"/>);
    /// a value set here is refused at start when blank, padded, with a control character, or <c>.</c> or <c>..</c> (the
    /// collector refuses those).
    /// </value>
    public string? User { get; set; }

    /// <summary>Gets or sets the machine name sent with every event.</summary>
    /// <value>The default value is <see langword="null"/>: <see cref="Environment.MachineName"/>, cleaned (<see cref="LogIdentity.Machine"/>).</value>
    public string? Machine { get; set; }

    /// <summary>Gets or sets where identity values the app does not set come from; <see langword="null"/>: this process (tests give their own).</summary>
    internal EnvironmentIdentity? IdentityEnvironment { get; set; }

    /// <summary>Gets or sets a fault injected between the making of the spool's own directory and its lock (tests: <see cref="DurableSpool.BeforeLock"/>).</summary>
    internal Action<string>? SpoolBeforeLock { get; set; }

    /// <summary>Gets or sets a fault injected once the spool's own lock file is locked, before it is checked (tests: <see cref="DurableSpool.AfterLock"/>).</summary>
    internal Action<string>? SpoolAfterLock { get; set; }

    /// <summary>Gets or sets a fault injected before each record the spool writes (tests: a full disk, <see cref="DurableSpool.BeforeWrite"/>).</summary>
    internal Action<string>? SpoolBeforeWrite { get; set; }

    /// <summary>
    /// Gets or sets a hook called by the shutdown's check on disk after it read the books and found everything on disk,
    /// before it answers the exit flushes waiting (tests: a late call registering then; <see cref="BatchWorker"/>).
    /// </summary>
    internal Action? AllOnDiskBooksRead { get; set; }

    /// <summary>
    /// Gets the patterns of property names whose values are replaced by <c>***</c> before they leave the
    /// process. A name matches when, lower-cased and without punctuation, it contains a pattern.
    /// </summary>
    /// <value>The default value is <c>password, secret, token, apikey, authorization</c>.</value>
    public IList<string> RedactedProperties { get; } = ["password", "secret", "token", "apikey", "authorization"];

    /// <summary>
    /// Gets the categories that are never shipped, each with the categories under it: <c>ThreadedLogging</c> excludes
    /// <c>ThreadedLogging</c> and <c>ThreadedLogging.Collector.Ingest</c>, not <c>ThreadedLoggingDemo</c> (a name
    /// matches at a '.': equal, or followed by '.'; a name ending in '.' matches any category that starts with it).
    /// So that sending logs never produces more logs (the seed's guard against boto's logger).
    /// </summary>
    /// <value>
    /// The default value is <c>ThreadedLogging</c>: the library's own names, under which the collector logs each
    /// request it stores (a collector that ships its own log into itself would log again for every batch). The
    /// handlers' senders log nothing through <c>Microsoft.Extensions.Logging</c> (their own <c>HttpClient</c>, not
    /// one from <c>IHttpClientFactory</c>; the AWS SDK's own logger), so the app's <c>System.Net.Http.HttpClient.*</c>
    /// and other categories are shipped. A wrapped provider (<see cref="ThreadedHandler(ILoggerProvider, ThreadedHandlerOptions?)"/>)
    /// that sends through an <c>IHttpClientFactory</c> client needs that client's category here, e.g.
    /// <c>System.Net.Http.HttpClient.OtlpLogExporter</c>.
    /// </value>
    public IList<string> ExcludedCategories { get; } = ["ThreadedLogging"];

    /// <summary>Gets or sets a callback that receives the handler's own diagnostics (also sent to its EventSource).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Action<string>? SelfLog { get; set; }

    /// <summary>Gets or sets the clock; tests inject a fake one.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Checks every option and throws an exception naming the first bad one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">
    /// A list of names holds null or a pattern without a letter or digit, an identity name is blank, padded or holds a control
    /// character, or <see cref="BufferDirectory"/> is empty, relative, holds a NUL or names an unset variable.
    /// </exception>
    public virtual void Validate()
    {
        Check(Interval >= TimeSpan.FromMilliseconds(1) && Interval <= TimeSpan.FromHours(1), nameof(Interval), "between 1 ms and 1 hour", Interval);
        Check(BatchSize is >= 1 and <= 100_000, nameof(BatchSize), "between 1 and 100000", BatchSize);
        Check(MaxBatchBytes is >= 1024 and <= 256 * 1024 * 1024, nameof(MaxBatchBytes), "between 1024 and 268435456", MaxBatchBytes);
        Check(QueueCapacity is >= 1 and <= 10_000_000, nameof(QueueCapacity), "between 1 and 10000000", QueueCapacity);
        Check(MaxQueueBytes is >= 1024 and <= 1L << 38, nameof(MaxQueueBytes), "between 1024 and 274877906944 (256 GiB)", MaxQueueBytes);
        Check(Enum.IsDefined(FullMode), nameof(FullMode), "DropNewest or Wait", FullMode);
        Check(Enum.IsDefined(Level), nameof(Level), "a LogLevel", Level);
        Check(Enum.IsDefined(FlushLevel), nameof(FlushLevel), "a LogLevel", FlushLevel);
        Check(ShutdownTimeout >= TimeSpan.Zero && ShutdownTimeout <= TimeSpan.FromMinutes(10), nameof(ShutdownTimeout), "between 0 and 10 minutes", ShutdownTimeout);
        Check(MinRetryDelay > TimeSpan.Zero && MinRetryDelay <= MaxDelay, nameof(MinRetryDelay), "positive and at most 1 day", MinRetryDelay);
        Check(MaxRetryDelay <= MaxDelay, nameof(MaxRetryDelay), "at most 1 day", MaxRetryDelay);

        // Named by the option the app moved from its default: a MinRetryDelay of 00:05:00 was refused as "MaxRetryDelay must
        // be at least MinRetryDelay (00:05:00) (was 00:02:00)", about an option the app had not set, so a configuration's
        // refusal could not name its key (Logging:Threaded:MinRetryDelay).
        if (MinRetryDelay != DefaultMinRetryDelay)
        {
            Check(MinRetryDelay <= MaxRetryDelay, nameof(MinRetryDelay), $"at most MaxRetryDelay ({MaxRetryDelay})", MinRetryDelay);
        }

        Check(MaxRetryDelay >= MinRetryDelay, nameof(MaxRetryDelay), $"at least MinRetryDelay ({MinRetryDelay})", MaxRetryDelay);
        Check(MaxBufferBytes >= 64 * 1024, nameof(MaxBufferBytes), "at least 65536", MaxBufferBytes);
        Check(MaxBufferAge > TimeSpan.Zero && MaxBufferAge <= MaxSpoolAge, nameof(MaxBufferAge), "positive and at most 3650 days", MaxBufferAge);
        RefuseNull(ExcludedCategories, nameof(ExcludedCategories));
        RefuseNull(RedactedProperties, nameof(RedactedProperties));
        for (var i = 0; i < RedactedProperties.Count; i++)
        {
            if (Redactor.Normalize(RedactedProperties[i]).Length == 0)
            {
                // Names are compared lower-cased without punctuation: such a pattern was left out, and whatever it was meant to mask was sent.
                throw new ArgumentException($"RedactedProperties must hold letters or digits in each pattern (item {i} was '{Shown(RedactedProperties[i])}', which masks nothing).", nameof(RedactedProperties));
            }
        }

        CheckName(App, nameof(App));
        CheckName(Version, nameof(Version));
        CheckName(User, nameof(User));
        if (User is "." or "..")
        {
            // The collector refuses such a user (400) whatever the format: every URL path reads it as a step, not a name, so
            // /log/{user} would file the events elsewhere and no DELETE /api/users/{user} could name them.
            throw new ArgumentException($"User must not be '.' or '..' (was '{User}'): the collector refuses them as user names, which a URL path reads as a step, not a name.", nameof(User));
        }

        CheckName(Machine, nameof(Machine));
        if (BufferDirectory is { } directory)
        {
            ResolveBufferDirectory(directory);
        }

        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }

    /// <summary>
    /// The spool's root: <paramref name="directory"/> with its <c>%NAME%</c> variables expanded, as a full path. The one rule
    /// for <see cref="Validate"/> and the spool.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The path is empty, holds a NUL, names an environment variable that is not set, or is relative; the message names
    /// <see cref="BufferDirectory"/> and the value.
    /// </exception>
    internal static string ResolveBufferDirectory(string directory)
    {
        const string option = nameof(BufferDirectory);
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new ArgumentException("BufferDirectory must be null or a directory path (was empty).", option);
        }

        if (directory.IndexOf('\0', StringComparison.Ordinal) is var nul and >= 0)
        {
            throw new ArgumentException($"BufferDirectory must not contain a NUL character (was '{Shown(directory)}', one at index {nul}).", option);
        }

        directory = WithPortableFolders(directory);
        if (UnsetVariable(directory) is { } unset)
        {
            // Left as it is by the expansion: the spool went to a directory literally named '%NAME%' under the working directory.
            throw new ArgumentException($"BufferDirectory names the environment variable %{unset}%, which is not set in this process (was '{directory}').", option);
        }

        var expanded = Environment.ExpandEnvironmentVariables(directory);
        if (!Path.IsPathFullyQualified(expanded))
        {
            // Resolved against the working directory, which a service, a shortcut and a shell each set otherwise: what a crash left
            // in the spool was found again only by a start from the same directory.
            throw new ArgumentException(
                $"BufferDirectory must be an absolute path, e.g. %LOCALAPPDATA%/MyApp/log-spool (was '{directory}'): a relative one depends on the working directory, and a next start from another one would not find what the spool holds.",
                option);
        }

        return Path.GetFullPath(expanded);
    }

    /// <summary>Checks a request timeout (HTTP and SQS alike).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is not positive or longer than an hour.</exception>
    internal static void CheckRequestTimeout(TimeSpan timeout, string name) =>
        Check(timeout > TimeSpan.Zero && timeout <= MaxRequestTimeout, name, "positive and at most 1 hour", timeout);

    /// <summary>Checks a polling interval: zero for never, else a delay a timer can wait.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The interval is negative or longer than a day.</exception>
    internal static void CheckPollInterval(TimeSpan interval, string name) =>
        Check(interval >= TimeSpan.Zero && interval <= MaxDelay, name, "zero (never) or positive and at most 1 day", interval);

    /// <summary>
    /// Refuses a key or token with a control character (and, with <paramref name="spaces"/> false, any white space): it is
    /// sent as it is, and the request broke or its signature could not match. Names the index, never the key.
    /// </summary>
    /// <exception cref="ArgumentException">The key holds such a character.</exception>
    internal static void CheckSecret(string? secret, string name, bool spaces)
    {
        if (secret is null)
        {
            return;
        }

        var at = secret.AsSpan().IndexOfAny(ControlChars);
        if (!spaces)
        {
            for (var i = 0; i < secret.Length && (at < 0 || i < at); i++)
            {
                if (char.IsWhiteSpace(secret[i]))
                {
                    at = i;
                    break;
                }
            }
        }

        if (at >= 0)
        {
            var what = spaces ? "control characters such as a line break" : "white space or control characters such as a line break";
            throw new ArgumentException($"{name} must not contain {what} (one at index {at}; the key itself is not shown).", name);
        }
    }

    /// <summary>A value as a message shows it: control characters escaped, so a line break does not cut the message.</summary>
    internal static string Shown(string value)
    {
        if (value.AsSpan().IndexOfAny(ControlChars) < 0)
        {
            return value;
        }

        var text = new System.Text.StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (ControlChars.Contains(c))
            {
                text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// An identity name (app, version, user, machine) is what events are filed and found under: a blank one, one padded
    /// with spaces or one with a control character (a pasted line break) filed them apart from the name meant.
    /// </summary>
    private static void CheckName(string? value, string name)
    {
        if (value is not null
            && (value.Length == 0 || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]) || value.AsSpan().IndexOfAny(ControlChars) >= 0))
        {
            throw new ArgumentException($"{name} must be null (the default) or a name without leading or trailing white space or control characters (was '{Shown(value)}').", name);
        }
    }

    /// <summary>The Windows variables of an app's own folders, and the folder each stands for where it is not set.</summary>
    private static readonly (string Variable, Environment.SpecialFolder Folder)[] PortableFolders =
    [
        ("%LOCALAPPDATA%", Environment.SpecialFolder.LocalApplicationData),
        ("%APPDATA%", Environment.SpecialFolder.ApplicationData),
    ];

    /// <summary>
    /// <c>%LOCALAPPDATA%</c> and <c>%APPDATA%</c>, in a process without such a variable (Linux, macOS), stand for the
    /// folders .NET gives those names there (<see cref="Environment.SpecialFolder.LocalApplicationData"/>:
    /// <c>~/.local/share</c> on Linux, <see cref="Environment.SpecialFolder.ApplicationData"/>: <c>~/.config</c>), so that one
    /// setting serves an app installed on every OS. Where the variable is set (Windows), the expansion uses it.
    /// </summary>
    private static string WithPortableFolders(string directory)
    {
        var mapped = false;
        foreach (var (variable, folder) in PortableFolders)
        {
            // Windows' names are any case (%LocalAppData%); where they are not set, as written, they are Windows' too.
            var at = directory.IndexOf(variable, StringComparison.OrdinalIgnoreCase);
            if (at >= 0
                && Environment.GetEnvironmentVariable(directory.Substring(at + 1, variable.Length - 2)) is null
                && Environment.GetFolderPath(folder, Environment.SpecialFolderOption.DoNotVerify) is { Length: > 0 } path)
            {
                directory = directory.Replace(variable, path, StringComparison.OrdinalIgnoreCase);
                mapped = true;
            }
        }

        // A path written for Windows (%APPDATA%\MyApp\log-spool) names folders with '\' where '/' is the only separator:
        // it would have made one folder named 'MyApp\log-spool'.
        return mapped && Path.DirectorySeparatorChar == '/' ? directory.Replace('\\', '/') : directory;
    }

    /// <summary>The first <c>%NAME%</c> in <paramref name="path"/> whose variable is not set, or null.</summary>
    private static string? UnsetVariable(string path)
    {
        var start = path.IndexOf('%', StringComparison.Ordinal);
        while (start >= 0)
        {
            var end = path.IndexOf('%', start + 1);
            if (end < 0)
            {
                return null;
            }

            // A name (no separator or space: '100%/x%' is two signs in folder names); set, it is expanded with both its signs.
            var name = path[(start + 1)..end];
            var isName = name.Length > 0 && name.AsSpan().IndexOfAny("/\\ \t") < 0;
            if (isName && Environment.GetEnvironmentVariable(name) is null)
            {
                return name;
            }

            start = isName ? path.IndexOf('%', end + 1) : end;
        }

        return null;
    }

    /// <summary>A null name would fail later and elsewhere (every <c>CreateLogger</c> of the app, or the worker): refused here, naming the option.</summary>
    private static void RefuseNull(IList<string> names, string option)
    {
        var at = names.IndexOf(null!);
        if (at >= 0)
        {
            throw new ArgumentException($"{option} must not hold null (item {at}).", option);
        }
    }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the option when <paramref name="ok"/> is false.</summary>
    /// <param name="ok">Whether the value is valid.</param>
    /// <param name="name">The option's name.</param>
    /// <param name="expected">What a valid value is.</param>
    /// <param name="value">The value given.</param>
    internal static void Check(bool ok, string name, string expected, object? value)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be {expected} (was {value ?? "null"}).");
        }
    }
}
