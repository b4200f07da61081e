using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Interop;

/// <summary>
/// Our loggers as an <see cref="IBufferedLogger"/>: what a log buffer hands them at its flush is queued as events of the
/// records' own moment. Records built here carry what Microsoft.Extensions.Telemetry's do not (a trace, a thread, values
/// other than text), as another buffer may; the real package is tested end to end in the Delivery tests.
/// </summary>
public sealed class BufferedLoggerTests
{
    private static readonly DateTimeOffset LoggedAt = new(2026, 3, 1, 8, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task LogRecords_RecordWithTraceThreadAndValues_EventOfTheRecordsMoment()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, Interval = TimeSpan.FromHours(1) });
        var logger = Assert.IsType<IBufferedLogger>(handler.CreateLogger("Orders"), exactMatch: false);
        var trace = ActivityTraceId.CreateRandom();
        var span = ActivitySpanId.CreateRandom();
        var lines = new List<int> { 1, 2 };
        logger.LogRecords([new Record(LogLevel.Information, "Order {OrderId} has {Lines}", "Order o-1 has 1, 2", [new("OrderId", "o-1"), new("Lines", lines), new("{OriginalFormat}", "Order {OrderId} has {Lines}")])
        {
            Trace = trace,
            Span = span,
            Thread = 17,
        }]);
        lines.Add(3); // the buffer reuses its records: what was handed over is copied at once

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        var logEvent = Assert.Single(sink.Delivered);
        Assert.Equal(LoggedAt, logEvent.Timestamp);
        Assert.Equal(new EventId(5, "Placed"), logEvent.EventId);
        Assert.Equal("Order {OrderId} has {Lines}", logEvent.Template);
        Assert.Equal("Order o-1 has 1, 2", logEvent.Message);
        Assert.Equal(new object?[] { 1, 2 }, Assert.IsType<object?[]>(Assert.Single(logEvent.Properties, p => p.Key == "Lines").Value));
        Assert.Equal(trace, logEvent.TraceId);
        Assert.Equal(span, logEvent.SpanId);
        Assert.Equal(17, logEvent.ThreadId);
        Assert.Empty(logEvent.Scopes);
    }

    [Fact]
    public async Task LogRecords_SensitiveAttribute_MessageRenderedAgainMasked()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, Interval = TimeSpan.FromHours(1) });
        var logger = (IBufferedLogger)handler.CreateLogger("Auth");
        logger.LogRecords([new Record(LogLevel.Information, "Login {User} {Password}", "Login ann hunter2", [new("User", "ann"), new("Password", "hunter2"), new("{OriginalFormat}", "Login {User} {Password}")])]);

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal("Login ann ***", Assert.Single(sink.Delivered).Message);
    }

    [Fact]
    public async Task LogRecords_BelowLevelUnreadableAndAfterDispose_FilteredReportedCounted()
    {
        var sink = new CollectingSink().Open();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, Interval = TimeSpan.FromHours(1), Level = LogLevel.Information, SelfLog = errors.Enqueue });
        var logger = (IBufferedLogger)handler.CreateLogger("Jobs");
        logger.LogRecords(
        [
            new Record(LogLevel.Debug, null, "too chatty", []),
            new Record(LogLevel.Information, null, "unreadable", []) { Throws = true },
            new Record(LogLevel.Warning, null, "kept", []),
        ]);
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["kept"], sink.Delivered.Select(e => e.Message));
        Assert.Contains(errors, e => e.Contains("attributes unreadable", StringComparison.Ordinal));

        await handler.DisposeAsync();
        logger.LogRecords([new Record(LogLevel.Error, null, "after the end", [])]);
        Assert.Equal(1, handler.Statistics.Dropped);
    }

    private sealed class Record(LogLevel level, string? template, string message, KeyValuePair<string, object?>[] attributes) : BufferedLogRecord
    {
        public ActivityTraceId? Trace { get; init; }

        public ActivitySpanId? Span { get; init; }

        public int? Thread { get; init; }

        public bool Throws { get; init; }

        public override DateTimeOffset Timestamp => LoggedAt;

        public override LogLevel LogLevel => level;

        public override EventId EventId => new(5, "Placed");

        public override string? FormattedMessage => message;

        public override string? MessageTemplate => template;

        public override ActivityTraceId? ActivityTraceId => Trace;

        public override ActivitySpanId? ActivitySpanId => Span;

        public override int? ManagedThreadId => Thread;

        public override IReadOnlyList<KeyValuePair<string, object?>> Attributes => Throws ? throw new InvalidOperationException("attributes unreadable") : attributes;
    }
}
