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
[ProviderAlias("Threaded")]
public partial class ThreadedHandler : ILoggerProvider, ISupportExternalScope, IAsyncDisposable
{
    private readonly EventRing _queue;
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);
    private readonly ILogBatchSink _sink;
    private readonly ThreadedTimer _timer;
    private readonly SelfLog _selfLog;
    private readonly string[] _excludedCategories;
    private readonly int _capacity;
    private readonly int _batchSize;
    private readonly int _maxBatchBytes;
    private readonly long _maxQueueBytes;
    private readonly LogLevel _flushLevel;
    private readonly QueueFullMode _fullMode;
    private readonly bool _includeScopes;
    private readonly bool _systemClock;
    private ScopeReader _scopes = new(new LoggerExternalScopeProvider());
    private int _level;
    private const int CountShift = 40;
    private const long BytesMask = (1L << CountShift) - 1;

    // What the queue holds, count and bytes in one word (count << 40 | bytes), so that a log call
    // reserves both with one atomic add. MaxQueueBytes is at most 2^38, far from the count's bits.
    private PaddedLong _queued;

    /// <summary>Creates a handler that sends batches to <paramref name="sink"/>.</summary>
    /// <param name="sink">Where batches go; owned by the handler and disposed with it.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid; the message names it.</exception>
    public ThreadedHandler(ILogBatchSink sink, ThreadedHandlerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        options ??= new ThreadedHandlerOptions();
        options.Validate();
        _sink = sink;
        Time = options.TimeProvider;
        _systemClock = ReferenceEquals(Time, TimeProvider.System);
        Identity = LogIdentity.From(options);
        _capacity = options.QueueCapacity;
        _queue = new EventRing(_capacity);
        _batchSize = options.BatchSize;
        _maxBatchBytes = options.MaxBatchBytes;
        _maxQueueBytes = options.MaxQueueBytes;
        _flushLevel = options.FlushLevel;
        _fullMode = options.FullMode;
        _includeScopes = options.IncludeScopes;
        _level = (int)options.Level;
        _shutdownTimeout = options.ShutdownTimeout;
        _excludedCategories = [.. options.ExcludedCategories];
        _redactor = new Redactor(options.RedactedProperties);
        _backoff = new Backoff(options.MinRetryDelay, options.MaxRetryDelay);
        _selfLog = new SelfLog(options.SelfLog, Time);
        _timer = new ThreadedTimer(options.Interval, Time);
        _interval = options.Interval;
        _spool = options.BufferDirectory is { } directory
            ? new DurableSpool(Path.GetFullPath(Environment.ExpandEnvironmentVariables(directory)), Identity.InstanceId, options.MaxBufferBytes, options.MaxBufferAge, Time, maxRecentEvents: options.QueueCapacity) { Dropped = OnSpoolDropped, Report = _selfLog.Write }
            : null;
        PoolsEvents = sink is ICopiesEvents && _spool is null;
        if (PoolsEvents)
        {
            LogEventPool.AddCapacity(_capacity);
        }

        _worker = Task.Run(RunWorkerAsync);
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

    /// <summary>Gets or sets the minimum level this handler ships (the seed's <c>handler.setLevel</c>).</summary>
    public LogLevel Level
    {
        get => (LogLevel)Volatile.Read(ref _level);
        set => Volatile.Write(ref _level, (int)value);
    }

    /// <summary>Gets who is logging: app, version, user, machine, process and instance ids.</summary>
    public LogIdentity Identity { get; }

    internal TimeProvider Time { get; }

    /// <summary>Whether log calls take their events from <see cref="LogEventPool"/> and the worker gives them back.</summary>
    internal bool PoolsEvents { get; }

    internal IExternalScopeProvider ScopeProvider => _scopes.Provider;

    internal ScopeReader? CapturedScopes => _includeScopes ? _scopes : null;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName)
    {
        ArgumentNullException.ThrowIfNull(categoryName);
        return _loggers.GetOrAdd(categoryName, static (name, self) => self.IsExcluded(name) ? NullLogger.Instance : new ThreadedLogger(self, name), this);
    }

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        ArgumentNullException.ThrowIfNull(scopeProvider);
        _scopes = new ScopeReader(scopeProvider);
    }

    internal bool IsEnabled(LogLevel level) => level != LogLevel.None && (int)level >= Volatile.Read(ref _level);

    /// <summary>The only thing a log call does after capturing: reserve room, enqueue, maybe wake the worker.</summary>
    internal void Enqueue(LogEvent logEvent)
    {
        if (!TryReserve(logEvent.EstimatedBytes, out var count, out var bytes))
        {
            if (_fullMode == QueueFullMode.Wait && Volatile.Read(ref _disposed) == 0)
            {
                WaitForRoom(logEvent.EstimatedBytes, out count, out bytes);
            }
            else
            {
                CountDropped();
                return;
            }
        }

        _queue.Enqueue(logEvent); // also counts it: Statistics.Enqueued is the ring's tail
        if (logEvent.Level >= _flushLevel)
        {
            Volatile.Write(ref _flushRequested, 1);
            _timer.Wake();
        }
        else if (count >= _batchSize || bytes >= _maxBatchBytes)
        {
            _timer.Wake();
        }
    }

    private bool TryReserve(int size, out long count, out long bytes)
    {
        var reservation = (1L << CountShift) + size;
        var queued = Interlocked.Add(ref _queued.Value, reservation);
        count = queued >> CountShift;
        bytes = queued & BytesMask;
        // One event always fits, however large, so a single big event is never refused by the byte cap alone.
        if ((count > _capacity || (bytes > _maxQueueBytes && count > 1)) || Volatile.Read(ref _disposed) != 0)
        {
            Interlocked.Add(ref _queued.Value, -reservation);
            return false;
        }

        return true;
    }

    private long QueuedCount => Volatile.Read(ref _queued.Value) >> CountShift;

    private long QueuedBytes => Volatile.Read(ref _queued.Value) & BytesMask;

    /// <summary>The worker took events off the queue: give their room back.</summary>
    private void Release(long count, long bytes) => Interlocked.Add(ref _queued.Value, -((count << CountShift) + bytes));

    private bool IsExcluded(string category)
    {
        foreach (var prefix in _excludedCategories)
        {
            if (category.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
