using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ThreadedLogging;

/// <summary>
/// The background pipeline (the seed's <c>ThreadedHandler</c>): an <see cref="ILoggerProvider"/> whose
/// log calls only capture and enqueue, and whose worker batches the events and sends them to an
/// <see cref="ILogBatchSink"/> — or replays them into any other <see cref="ILoggerProvider"/> — on the
/// background, so the caller never waits for the network or a disk.
/// </summary>
/// <remarks>
/// The handler is a façade over its pipeline: an <see cref="EventQueue"/> (all a log call touches), one
/// <see cref="BatchWorker"/> (batches, spool stage, delivery) and a <see cref="DeliveryLedger"/> (every
/// accepted event ends as sent or dropped; <see cref="Flush"/> waits for exactly that).
/// </remarks>
[ProviderAlias("Threaded")]
public partial class ThreadedHandler : ILoggerProvider, ISupportExternalScope, IAsyncDisposable
{
    /// <summary>The longest wait a <see cref="CancellationTokenSource"/> timer takes (uint.MaxValue - 1 ms); <see cref="Flush"/> waits longer ones out as infinite.</summary>
    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);
    private readonly EventQueue _queue;
    private readonly BatchWorker _worker;
    private readonly DeliveryLedger _ledger = new();
    private readonly FailureReporter _failures;
    private readonly bool _systemTime;
    private readonly bool _coarseTime;
    private readonly SelfLog _selfLog;
    private readonly string[] _excludedCategories;
    private readonly bool _includeScopes;
    private readonly TimeSpan _shutdownTimeout;
    private readonly bool _spools; // BufferDirectory set: what a disposal leaves stays on disk, so its loss line says nothing of it
    private readonly ProcessExitFlush _exitFlush;
    private readonly UnhandledExceptionLog? _unhandledExceptions;
    private readonly bool _capturesUnhandled; // set before the crash's loggers are made: their level reads it
    private readonly Lock _levelReport = new();
    private readonly List<IDisposable> _subscriptions = [];
    private readonly LevelHold _levelHold;
    private ScopeReader _scopes = new(new LoggerExternalScopeProvider());
    private int _level;
    private (LogLevel Level, DateTimeOffset? Expires)? _reportedLevel;

    /// <summary>Creates a handler that sends batches to <paramref name="sink"/>.</summary>
    /// <param name="sink">Where batches go; owned by the handler and disposed with it.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">An option is invalid (<see cref="ThreadedHandlerOptions.Validate"/>): out of range (<see cref="ArgumentOutOfRangeException"/>), or a name or path it cannot use; the message names it.</exception>
    public ThreadedHandler(ILogBatchSink sink, ThreadedHandlerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        options ??= new ThreadedHandlerOptions();
        options.Validate();
        Time = options.TimeProvider;
        _systemTime = ReferenceEquals(Time, TimeProvider.System);
        _coarseTime = _systemTime && options.CoarseTimestamps; // a TimeProvider of the app's (a test's fake clock) is read as it is
        Identity = LogIdentity.From(options);
        _includeScopes = options.IncludeScopes;
        _level = (int)options.Level;
        _configuredLevel = options.Level;
        Levels = new LevelRules(Time, LevelRulesChanged);
        _levelHold = LevelPoller.PollsAtStart(sink, options) ? LevelHold.Holding() : LevelHold.None();
        _shutdownTimeout = options.ShutdownTimeout;
        _spools = options.BufferDirectory is not null;
        _excludedCategories = [.. options.ExcludedCategories];
        _capturesUnhandled = options.CaptureUnhandledExceptions;
        _selfLog = new SelfLog(options.SelfLog, Time);
        _failures = new FailureReporter(_selfLog, Time);
        var timer = new ThreadedTimer(options.Interval, Time);
        _queue = new EventQueue(options, timer, new QueueDrops(Time, _selfLog));
        PoolsEvents = sink is ICopiesEvents && (options.BufferDirectory is null || sink is ISendsEnvelopes);
        _worker = new BatchWorker(_queue, sink, options, Identity, _ledger, _failures, _selfLog, timer, PoolsEvents, _levelHold);

        _worker.Start();
        // Why what stays on disk at the exit was not sent: a connect that stalls (no failure yet), else the last failure.
        var connects = options.BufferDirectory is null ? null : sink as IReportsStalledConnects;
        _exitFlush = new ProcessExitFlush(FlushAtExitAsync, _shutdownTimeout, _queue, _ledger, _selfLog.Write, () => connects?.StalledConnect is { } what ? $"{what} has not completed within {HttpBatchSink.StalledAfter.TotalSeconds:0} s" : _failures.Last?.Message);
        _unhandledExceptions = options.CaptureUnhandledExceptions ? new UnhandledExceptionLog(CreateLogger) : null;
        ReportLevel();
        ThreadedLoggingMetrics.Register(this);
    }

    /// <summary>
    /// Wraps any <see cref="ILoggerProvider"/> (console, file, a third-party provider) so that it runs on
    /// the background worker and the caller never waits for it — the seed's <c>ThreadedHandler(handler)</c>.
    /// </summary>
    /// <param name="inner">The provider to run in the background; owned and disposed by the handler.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    public ThreadedHandler(ILoggerProvider inner, ThreadedHandlerOptions? options = null)
        : this(new LoggerProviderSink(inner ?? throw new ArgumentNullException(nameof(inner))), options)
    {
    }

    /// <summary>
    /// Gets or sets the handler's own minimum level (the seed's <c>handler.setLevel</c>; <see cref="ThreadedHandlerOptions.Level"/>).
    /// What it ships is also bounded by MEL's filter rules (<c>Logging:LogLevel</c>) and raised by the collector's level
    /// rules: <see cref="ThreadedHandlerStatistics.Level"/> is that effective level, so the two may differ (Trace here,
    /// Information there).
    /// </summary>
    public LogLevel Level
    {
        get => (LogLevel)Volatile.Read(ref _level);
        set
        {
            ThreadedHandlerOptions.Check(Enum.IsDefined(value), nameof(Level), "a LogLevel", value); // the options' own rule and words
            Volatile.Write(ref _level, (int)value);
            RefreshLoggers();
        }
    }

    /// <summary>Gets who is logging: app, version, user, machine, process and instance ids.</summary>
    public LogIdentity Identity { get; }

    /// <summary>Gets a snapshot of the handler's counters.</summary>
    public ThreadedHandlerStatistics Statistics
    {
        get
        {
            var error = _failures.Last;
            var delivery = _worker.Delivery;
            // One read that no batch's move overlapped: the queue's count and the flight's (and the spool's) add up.
            var (enqueued, pending) = _ledger.ReadUnmoved(() =>
            {
                var (accepted, undecided) = EnqueuedAndUndecided();
                return (accepted, Math.Max(0, _ledger.Pending(_queue.Count) - undecided));
            });
            return new ThreadedHandlerStatistics
            {
                Enqueued = enqueued,
                Sent = _ledger.Sent,
                Dropped = _ledger.Dropped + _queue.Drops.Count,
                RefusedAfterShutdown = _queue.Drops.AfterShutdown,
                RefusedInStartHold = _queue.Drops.HeldRefused,
                Retried = delivery.Retried,
                Failed = delivery.Failed,
                Spooled = _ledger.Spooled,
                Adopted = _ledger.Adopted,
                Pending = pending,
                UndeliveredAtExit = UndeliveredAtExit(),
                Capacity = _queue.Capacity,
                CircuitOpen = delivery.CircuitOpen,
                SendingSince = delivery.SendingSince,
                LastError = error?.Message,
                LastErrorTime = error?.Time,
                Level = EffectiveLevel(string.Empty),
                LevelRuleExpires = Levels.For(string.Empty)?.Expires,
                LevelSource = Levels.For(string.Empty) is null ? LevelSource.Configured : LevelSource.Rule,
            };
        }
    }

    internal TimeProvider Time { get; }

    /// <summary>
    /// The time of a log call: the system clock read directly (no virtual call), or once per coarse tick
    /// (<see cref="ThreadedHandlerOptions.CoarseTimestamps"/>), unless the options set another <see cref="TimeProvider"/>.
    /// </summary>
    internal DateTimeOffset CallTime() => _systemTime ? (_coarseTime ? CoarseClock.UtcNow() : TimeProvider.System.GetUtcNow()) : Time.GetUtcNow(); // devirtualized: a static readonly of a sealed type

    /// <summary>Gets the collector's level rules for this handler (issue 13).</summary>
    internal LevelRules Levels { get; }

    /// <summary>
    /// Gets or sets the level MEL's filter rules would give a category of this provider, the handler's own catch-all
    /// rule aside (set by <c>AddThreadedHttp</c>); null: none.
    /// </summary>
    internal Func<string, LogLevel>? FilterLevel
    {
        get;
        set
        {
            field = value;
            RefreshLoggers();
        }
    }

    /// <summary>Keeps a subscription (to reloads of the options or of the filter rules behind <see cref="FilterLevel"/>) until the handler is disposed.</summary>
    internal void Subscribe(IDisposable? subscription)
    {
        if (subscription is not null)
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(subscription);
            }
        }
    }

    /// <summary>The app's filter rules changed (configuration reloaded): each logger takes its category's new level.</summary>
    internal void FilterRulesChanged()
    {
        if (Volatile.Read(ref _disposal) is null)
        {
            RefreshLoggers();
        }
    }

    /// <summary>Gets the queue: all a log call touches after the level check and the capture.</summary>
    internal EventQueue Queue => _queue;

    /// <summary>Gets what flushes and reports this handler when the process ends without disposing it (tests drive it).</summary>
    internal ProcessExitFlush ExitFlush => _exitFlush;

    /// <summary>Tests: the books of what was sent and dropped (<see cref="DeliveryLedger.WaitUntilSettledAsync"/> is the signal that events settled).</summary>
    internal DeliveryLedger Ledger => _ledger;

    /// <summary>Whether the worker reads records into events it reuses once the sink is done with them: a sink that copies, and no spool or a spool that keeps no events in memory (its sink sends stored envelopes).</summary>
    internal bool PoolsEvents { get; }

    /// <summary>Gets how many events the worker made for its pool: about a batch's worth, however many events went through it.</summary>
    internal long PooledEventsMade => _worker.PooledEventsMade;

    internal IExternalScopeProvider ScopeProvider => _scopes.Provider;

    internal ScopeReader? CapturedScopes => _includeScopes ? _scopes : null;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName)
    {
        ArgumentNullException.ThrowIfNull(categoryName);
        var logger = _loggers.GetOrAdd(categoryName, static (name, self) => self.IsExcluded(name) ? NullLogger.Instance : new ThreadedLogger(self, name), this);
        (logger as ThreadedLogger)?.Refresh(); // a rule that arrived while it was being created
        return logger;
    }

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        ArgumentNullException.ThrowIfNull(scopeProvider);
        _scopes = new ScopeReader(scopeProvider);
    }

    /// <summary>
    /// Sends everything logged before the call and waits until it is delivered (or dropped for good),
    /// at most <paramref name="timeout"/>.
    /// </summary>
    /// <param name="timeout">How long to wait: zero or more, or <see cref="Timeout.InfiniteTimeSpan"/> (so is any wait longer than a timer can take, about 49 days).</param>
    /// <returns><see langword="true"/> when everything logged before the call is settled; <see langword="false"/> on timeout, or when a disposal stopped the handler with some of it undelivered (see <see cref="FlushAsync"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public bool Flush(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "Flush's timeout must be zero or positive, or Timeout.InfiniteTimeSpan.");
        }

        using var cancel = timeout == Timeout.InfiniteTimeSpan || timeout >= MaxTimerWait ? new CancellationTokenSource() : new CancellationTokenSource(timeout);
        return FlushAsync(cancel.Token).GetAwaiter().GetResult();
    }

    /// <summary>Sends everything logged before the call and waits until it is delivered (or dropped for good).</summary>
    /// <param name="cancellationToken">Stops the wait (not the sending).</param>
    /// <returns>
    /// <see langword="true"/> when everything logged before the call is settled; <see langword="false"/> when cancelled
    /// first, or when a disposal stopped the handler with some of it undelivered.
    /// </returns>
    /// <remarks>
    /// After <see cref="Dispose"/> it answers at once whether the disposal delivered everything logged before it:
    /// <see langword="true"/> when its drain did, <see langword="false"/> when it lost events at the deadline (counted in
    /// <see cref="ThreadedHandlerStatistics.Dropped"/>). Unlike OpenTelemetry's <c>ForceFlush</c> after <c>Shutdown</c>, which
    /// is always false, because a handler is often disposed by someone else first (Serilog's <c>WriteTo.Providers</c> disposes
    /// its providers with the logger, a host with its services) and the app's own flush after that asks whether its events
    /// went out. A log call after <see cref="Dispose"/> is refused and counted dropped; it does not change that answer.
    /// </remarks>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken = default)
    {
        // Wait until the worker has opened the spool: events adopted from a dead process count as logged before this call.
        try
        {
            await _worker.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        // What was logged before this call, and what was adopted: before it, and while it waits (sent first, so the
        // ledger adds those to its target: their settling must not stand for this flush's own events).
        var settled = _ledger.WaitForFlushAsync(_queue.Enqueued, cancellationToken);
        if (settled.IsCompletedSuccessfully && settled.Result)
        {
            return true;
        }

        if (_worker.IsStopped)
        {
            return false;
        }

        _queue.RequestDrain();
        return await settled.ConfigureAwait(false);
    }

    /// <summary>Reports a failure of a log call (a faulty formatter, say) instead of throwing it into the app.</summary>
    internal void ReportInternalError(Exception e) => _failures.InternalError(e);

    /// <summary>A log call whose state threw when read was kept with what could be read.</summary>
    internal void ReportCallKeptPartly(string category, Exception e) => _failures.CallKeptPartly(category, e);

    /// <summary>
    /// The level a category ships at: a live rule of the collector for this identity and category, whatever else says;
    /// otherwise the configured <see cref="Level"/>, raised to what the app's MEL filter rules give this category. The
    /// crash and unobserved task exceptions the handler captures itself (<see cref="ThreadedHandlerOptions.CaptureUnhandledExceptions"/>)
    /// pass the app's MEL filter rules: a rule for the framework's <c>System.*</c> noise (<c>"System": "None"</c>) would
    /// otherwise silence the crash the app asked to capture. The handler's own level and excluded categories still apply.
    /// </summary>
    internal LogLevel EffectiveLevel(string category)
    {
        if (Levels.For(category) is { } rule)
        {
            return rule.Level;
        }

        var configured = Level;
        if (_capturesUnhandled && UnhandledExceptionLog.IsCaptureCategory(category))
        {
            return configured;
        }

        return FilterLevel?.Invoke(category) is { } filter && filter > configured ? filter : configured;
    }

    /// <summary>Gets whether the start's hold lets every level through (<see cref="LevelHold"/>): a logger then marks the calls below its level as held.</summary>
    internal bool HoldsLevels => _levelHold.IsHolding;

    /// <summary>Gets the start's hold's end (a task that completes when the first answer about levels came, failed, or its bound passed).</summary>
    internal Task LevelHoldReleased => _levelHold.Released;

    /// <summary>
    /// Ends the start's hold (the first answer about levels came, its bound passed, or the handler stops): the loggers
    /// take their levels, and the worker filters the held events by them. Once; later calls do nothing.
    /// </summary>
    internal void ReleaseLevelHold()
    {
        if (_levelHold.TryRelease(RefreshLoggers, Ships))
        {
            _queue.Drops.ReportHoldReleased(Identity.InstanceId);
        }
    }

    /// <summary>Whether a category ships a level now: its logger's level (computed once per change), else the effective level.</summary>
    private bool Ships(string category, LogLevel level) =>
        _loggers.TryGetValue(category, out var logger) ? logger.IsEnabled(level) : level >= EffectiveLevel(category);

    /// <summary>The collector's rules changed (an answer, an expiry): the loggers take them, then the EventSource says so.</summary>
    private void LevelRulesChanged()
    {
        RefreshLoggers();
        ThreadedLoggingEventSource.Log.LevelRulesChanged(Levels.Count, Identity.InstanceId);
    }

    private void RefreshLoggers()
    {
        foreach (var logger in _loggers.Values)
        {
            (logger as ThreadedLogger)?.Refresh();
        }

        ReportLevel();
    }

    /// <summary>Tells the EventSource the shipping level and its source, when they differ from what it was told last.</summary>
    private void ReportLevel()
    {
        var rule = Levels.For(string.Empty);
        var now = (Level: EffectiveLevel(string.Empty), Expires: rule?.Expires);
        lock (_levelReport)
        {
            if (_reportedLevel == now)
            {
                return;
            }

            _reportedLevel = now;
        }

        ThreadedLoggingEventSource.Log.LevelChanged(
            JsonBatchWriter.LevelName(now.Level),
            rule is null ? "configured" : "rule",
            now.Expires?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
            Identity.InstanceId);
    }

    /// <summary>
    /// Whether <see cref="ThreadedHandlerOptions.ExcludedCategories"/> keeps a category out: a name matches itself and
    /// the categories under it ("Amazon" matches "Amazon.SQS", not "AmazonShop"); a name ending in '.' is a plain prefix.
    /// </summary>
    internal static bool IsExcluded(string category, IReadOnlyList<string> excluded)
    {
        foreach (var name in excluded)
        {
            if (category.StartsWith(name, StringComparison.Ordinal)
                && (category.Length == name.Length || name.EndsWith('.') || category[name.Length] == '.'))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsExcluded(string category) => IsExcluded(category, _excludedCategories);
}
