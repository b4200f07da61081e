using System.Text.Json;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>Exceptions in Python-form records (issue 11): CPython without exc_text, CPython with it, a .NET exception.</summary>
public sealed class ExceptionInPythonFormTests
{
    private const string Script = """
        import logging, logging.handlers, sys
        host, path = sys.argv[1], sys.argv[2]

        class TracebackHTTPHandler(logging.handlers.HTTPHandler):
            # What docs/WIRE-FORMAT.md §2 tells a Python app to add so that its traceback travels.
            def mapLogRecord(self, record):
                if record.exc_info and not record.exc_text:
                    record.exc_text = logging.Formatter().formatException(record.exc_info)
                return super().mapLogRecord(record)

        plain = logging.getLogger('plain')
        plain.propagate = False
        plain.addHandler(logging.handlers.HTTPHandler(host, path + '/plain', method='POST'))
        traced = logging.getLogger('traced')
        traced.propagate = False
        traced.addHandler(TracebackHTTPHandler(host, path + '/traced', method='POST'))
        for log in (plain, traced):
            try:
                1 / 0
            except ZeroDivisionError:
                log.error('Division failed', exc_info=True)
        """;

    /// <summary>
    /// The start of a script that logs through a <c>TracebackHTTPHandler</c> as <c>log</c> (the handler
    /// docs/WIRE-FORMAT.md §2 tells a Python app to add); a test appends what it raises and logs.
    /// </summary>
    private const string TracedLog = """
        import logging, logging.handlers, sys
        host, path = sys.argv[1], sys.argv[2]

        class TracebackHTTPHandler(logging.handlers.HTTPHandler):
            def mapLogRecord(self, record):
                if record.exc_info and not record.exc_text:
                    record.exc_text = logging.Formatter().formatException(record.exc_info)
                return super().mapLogRecord(record)

        log = logging.getLogger('traced')
        log.propagate = False
        log.addHandler(TracebackHTTPHandler(host, path, method='POST'))

        """;

    [Fact]
    public async Task CPythonHttpHandler_ExcInfoWithAndWithoutExcText_TypeMessageAndTracebackWhenSent()
    {
        await using var collector = await CollectorFixture.StartAsync();

        await PythonProcess.RunAsync(Script, collector.BaseAddress.Authority, "/log/py");

        var events = await collector.EventsAsync();
        var plain = events.Single(e => e.GetProperty("category").GetString() == "plain").GetProperty("exception");
        Assert.Equal("ZeroDivisionError", plain.GetProperty("type").GetString());
        Assert.Equal("division by zero", plain.GetProperty("message").GetString());
        Assert.Equal("ZeroDivisionError: division by zero", plain.GetProperty("text").GetString());

        var traced = events.Single(e => e.GetProperty("category").GetString() == "traced").GetProperty("exception");
        Assert.Equal("ZeroDivisionError", traced.GetProperty("type").GetString());
        Assert.Equal("division by zero", traced.GetProperty("message").GetString());
        Assert.StartsWith("Traceback (most recent call last):", traced.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("File \"<string>\", line", traced.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CPythonHttpHandler_ExcInfoFalseOrNoExceptionRaised_NoException()
    {
        await using var collector = await CollectorFixture.StartAsync();

        // exc_info=False stays on the record as False ("False" on the wire); exc_info=True outside an except block is
        // sys.exc_info()'s three Nones. Neither is an exception: before, "False" was stored as one with no type or text.
        await PythonProcess.RunAsync(TracedLog + """
            log.error('Given False', exc_info=False)
            log.error('Given True outside except', exc_info=True)
            """, collector.BaseAddress.Authority, "/log/py");

        var events = await collector.EventsAsync();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.True(
            !e.TryGetProperty("exception", out var exception) || exception.ValueKind == JsonValueKind.Null,
            $"{e.GetProperty("message")}: {e}"));
    }

    [Fact]
    public async Task ThreadedHttpHandlerPythonForm_DotNetException_TypeAndMessageOfTheException()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await using (var handler = new ThreadedHttpHandler(new ThreadedHttpHandlerOptions
        {
            Host = collector.BaseAddress.Authority,
            Url = "/log/{user}",
            Format = HttpLogFormat.PythonForm,
            User = "erin",
            CaptureUnhandledExceptions = false, // counted events: another test's unobserved task exception is not ours
        }))
        {
            handler.CreateLogger("Orders").LogError(ThrownExceptions.OuterWithInner(), "Order {OrderId} failed", 7);
            Assert.True(handler.Flush(TimeSpan.FromMinutes(1)), $"flush timed out: {handler.Statistics}");
        }

        var exception = Assert.Single(await collector.EventsAsync()).GetProperty("exception");
        Assert.Equal("System.InvalidOperationException", exception.GetProperty("type").GetString());
        Assert.Equal("outer failed", exception.GetProperty("message").GetString());
        Assert.Equal("System.ArgumentException", exception.GetProperty("inner")[0].GetProperty("type").GetString());
        Assert.Equal("inner bad (Parameter 'amount')", exception.GetProperty("inner")[0].GetProperty("message").GetString());
        Assert.Contains(nameof(ThrownExceptions.OuterWithInner), exception.GetProperty("stackTrace").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CPythonHttpHandler_ExceptionGroupWithTraceback_TypeAndMessageOfTheGroup()
    {
        await using var collector = await CollectorFixture.StartAsync();
        const string GroupScript = """
            try:
                raise ExceptionGroup('many', [ValueError('a'), TypeError('b')])
            except ExceptionGroup:
                log.error('Batch failed', exc_info=True)
            """;

        await LogTracedAsync(collector, GroupScript);

        // Python 3.11+ draws a group's traceback: "  + Exception Group Traceback …", "  | ExceptionGroup: many (2 sub-exceptions)".
        var exception = Assert.Single(await collector.EventsAsync()).GetProperty("exception");
        Assert.Equal("ExceptionGroup", exception.GetProperty("type").GetString());
        Assert.Equal("many (2 sub-exceptions)", exception.GetProperty("message").GetString());
        Assert.Contains("| TypeError: b", exception.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CPythonHttpHandler_ChainedExceptions_RaisedOutermostEarlierOnesInner()
    {
        await using var collector = await CollectorFixture.StartAsync();
        const string ChainScript = """
            try:
                try:
                    try:
                        {}['order']
                    except KeyError as e:
                        raise ValueError('no order\nin the cart') from e
                except ValueError:
                    raise RuntimeError('checkout failed')
            except RuntimeError:
                log.error('Checkout failed', exc_info=True)
            """;

        await LogTracedAsync(collector, ChainScript);

        // "KeyError: 'order'", "The above exception was the direct cause …", "ValueError: …", "During handling …", "RuntimeError: …".
        var raised = Assert.Single(await collector.EventsAsync()).GetProperty("exception");
        Assert.Equal("RuntimeError", raised.GetProperty("type").GetString());
        Assert.Equal("checkout failed", raised.GetProperty("message").GetString());
        Assert.StartsWith("Traceback (most recent call last):", raised.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("During handling of the above exception, another exception occurred:", raised.GetProperty("text").GetString(), StringComparison.Ordinal);
        var cause = Assert.Single(raised.GetProperty("inner").EnumerateArray());
        Assert.Equal("ValueError", cause.GetProperty("type").GetString());
        Assert.Equal("no order\nin the cart", cause.GetProperty("message").GetString());
        Assert.EndsWith("ValueError: no order\nin the cart", cause.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("The above exception was the direct cause of the following exception:", cause.GetProperty("text").GetString(), StringComparison.Ordinal);
        var first = Assert.Single(cause.GetProperty("inner").EnumerateArray());
        Assert.Equal("KeyError", first.GetProperty("type").GetString());
        Assert.Equal("'order'", first.GetProperty("message").GetString());
        Assert.False(first.TryGetProperty("inner", out _));
    }

    [Fact]
    public async Task CPythonHttpHandler_ExceptionGroupInAGroup_TypeAndMessageOfTheOuterGroup()
    {
        await using var collector = await CollectorFixture.StartAsync();
        const string NestedGroupScript = """
            try:
                raise ExceptionGroup('sync failed', [ExceptionGroup('shard 1', [TypeError('t')]), ValueError('v')])
            except ExceptionGroup:
                log.error('Sync failed', exc_info=True)
            """;

        await LogTracedAsync(collector, NestedGroupScript);

        // "  | ExceptionGroup: sync failed (2 sub-exceptions)", then, indented, "    | ExceptionGroup: shard 1 (1 sub-exception)".
        var exception = Assert.Single(await collector.EventsAsync()).GetProperty("exception");
        Assert.Equal("ExceptionGroup", exception.GetProperty("type").GetString());
        Assert.Equal("sync failed (2 sub-exceptions)", exception.GetProperty("message").GetString());
        Assert.Contains("| ExceptionGroup: shard 1 (1 sub-exception)", exception.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CPythonHttpHandler_ExceptionGroups_SubExceptionsInnerInOrderNestedGroupsAtTheirLevel()
    {
        await using var collector = await CollectorFixture.StartAsync();
        const string GroupsScript = """
            def shard(n):
                try:
                    {}['shard%d' % n]
                except KeyError as e:
                    raise ValueError('shard %d failed' % n) from e
            failed = []
            for n in (1, 2):
                try:
                    shard(n)
                except ValueError as e:
                    failed.append(e)
            try:
                raise ExceptionGroup('sync failed', [failed[0], ExceptionGroup('retries', [TimeoutError('t1'), failed[1]]), KeyError('k')])
            except ExceptionGroup:
                log.error('Sync failed', exc_info=True)
            try:
                raise ExceptionGroup('wide', [ValueError(str(n)) for n in range(20)])
            except ExceptionGroup:
                log.error('Wide', exc_info=True)
            deep = ValueError('bottom')
            for n in range(12):
                deep = ExceptionGroup('level %d' % n, [deep])
            try:
                raise deep
            except ExceptionGroup:
                log.error('Deep', exc_info=True)
            """;

        await LogTracedAsync(collector, GroupsScript);

        var events = await collector.EventsAsync();
        var sync = events.Single(e => e.GetProperty("message").GetString() == "Sync failed").GetProperty("exception");
        Assert.Equal("sync failed (3 sub-exceptions)", sync.GetProperty("message").GetString());
        var subs = sync.GetProperty("inner").EnumerateArray().ToArray();
        Assert.Equal(["ValueError", "ExceptionGroup", "KeyError"], subs.Select(s => s.GetProperty("type").GetString()));
        Assert.Equal(["shard 1 failed", "retries (2 sub-exceptions)", "'k'"], subs.Select(s => s.GetProperty("message").GetString()));
        // A sub-exception raised from another keeps that one as its inner; its text is its own traceback, undrawn.
        Assert.Equal("'shard1'", Assert.Single(subs[0].GetProperty("inner").EnumerateArray()).GetProperty("message").GetString());
        Assert.StartsWith("Traceback (most recent call last):", subs[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("\nValueError: shard 1 failed", subs[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("| ", subs[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        // The nested group at its own level: its sub-exceptions its inner ones, not the outer group's.
        var retries = subs[1].GetProperty("inner").EnumerateArray().ToArray();
        Assert.Equal(["TimeoutError", "ValueError"], retries.Select(s => s.GetProperty("type").GetString()));
        Assert.Equal("shard 2 failed", retries[1].GetProperty("message").GetString());
        Assert.Equal("KeyError", Assert.Single(retries[1].GetProperty("inner").EnumerateArray()).GetProperty("type").GetString());
        Assert.False(subs[2].TryGetProperty("inner", out _));

        // CPython draws 15 sub-exceptions and "and 5 more exceptions": the 15 drawn are kept.
        var wide = events.Single(e => e.GetProperty("message").GetString() == "Wide").GetProperty("exception");
        Assert.Equal(Enumerable.Range(0, 15).Select(n => $"{n}"), wide.GetProperty("inner").EnumerateArray().Select(s => s.GetProperty("message").GetString()));

        // And 10 levels of groups, then "... (max_group_depth is 10)": groups down to the tenth, nothing read from the dots.
        var level = events.Single(e => e.GetProperty("message").GetString() == "Deep").GetProperty("exception");
        var messages = new List<string?>();
        while (level.TryGetProperty("inner", out var inner))
        {
            level = Assert.Single(inner.EnumerateArray());
            messages.Add(level.GetProperty("message").GetString());
        }

        Assert.Equal(Enumerable.Range(2, 9).Reverse().Select(n => $"level {n} (1 sub-exception)"), messages);
    }

    [Fact]
    public async Task CPythonHttpHandler_GroupRaisedFromAnError_TheCauseMarkedAfterTheSubExceptionsAsAloneOne()
    {
        await using var collector = await CollectorFixture.StartAsync();
        const string FromScript = """
            try:
                try:
                    {}['order']
                except KeyError as err:
                    raise ExceptionGroup('sync failed', [ValueError('a'), TypeError('b')]) from err
            except ExceptionGroup:
                log.error('Sync failed', exc_info=True)
            try:
                try:
                    {}['cart']
                except KeyError as err:
                    raise ValueError('no cart') from err
            except ValueError:
                try:
                    raise RuntimeError('checkout failed')
                except RuntimeError:
                    log.error('Checkout failed', exc_info=True)
            """;

        await LogTracedAsync(collector, FromScript);

        var events = await collector.EventsAsync();
        // Before: the KeyError appended after the sub-exceptions as if it were a third one, nothing saying it is the cause.
        var sync = events.Single(e => e.GetProperty("message").GetString() == "Sync failed").GetProperty("exception");
        var inner = sync.GetProperty("inner").EnumerateArray().ToArray();
        Assert.Equal(["ValueError: a: ", "TypeError: b: ", "KeyError: 'order': cause"], inner.Select(Shown));
        // A single exception's chain is marked the same way: "from" a cause, "during handling of" a context.
        var checkout = events.Single(e => e.GetProperty("message").GetString() == "Checkout failed").GetProperty("exception");
        var noCart = Assert.Single(checkout.GetProperty("inner").EnumerateArray());
        Assert.Equal("ValueError: no cart: context", Shown(noCart));
        Assert.Equal("KeyError: 'cart': cause", Shown(Assert.Single(noCart.GetProperty("inner").EnumerateArray())));

        static string Shown(JsonElement e) =>
            $"{e.GetProperty("type").GetString()}: {e.GetProperty("message").GetString()}: {(e.TryGetProperty("chain", out var chain) ? chain.GetString() : string.Empty)}";
    }

    private static Task<string> LogTracedAsync(CollectorFixture collector, string raiseAndLog) =>
        PythonProcess.RunAsync(TracedLog + raiseAndLog, collector.BaseAddress.Authority, "/log/py");
}
