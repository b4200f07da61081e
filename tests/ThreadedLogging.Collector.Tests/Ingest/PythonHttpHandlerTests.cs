using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest;

/// <summary>CPython's own <c>logging.handlers.HTTPHandler</c> (a child process) logging to <c>/log/&lt;user&gt;</c>.</summary>
public sealed class PythonHttpHandlerTests
{
    private const string Script = """
        import logging, logging.handlers, sys
        host, user, method = sys.argv[1], sys.argv[2], sys.argv[3]
        credentials = (user, sys.argv[4]) if len(sys.argv) > 4 else None
        handler = logging.handlers.HTTPHandler(host, '/log/' + user, method=method, credentials=credentials)
        log = logging.getLogger('payroll.run')
        log.propagate = False
        log.addHandler(handler)
        log.setLevel(logging.DEBUG)
        log.info('Paid %s %d EUR (%.2f%%) to %r', "O'Neil \"Jr\"", 1200, 12.345, None)
        log.warning('Queue at %(n)d of %(max)d', {'n': 9, 'max': 10})
        try:
            {}['missing']
        except KeyError:
            log.exception('Run %s failed', 'nightly')
        log.critical('%s', 'done')
        """;

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task HttpHandler_ArgsAndException_StoredRenderedWithTraceInfo(string method)
    {
        await using var collector = await CollectorFixture.StartAsync();
        var user = "alice-" + method.ToLowerInvariant();

        await PythonProcess.RunAsync(Script, collector.BaseAddress.Authority, user, method);

        var events = await collector.EventsAsync("user=" + user);
        Assert.Equal(4, events.Count);
        var info = events.Single(e => e.GetProperty("level").GetString() == "Information");
        Assert.Equal("Paid O'Neil \"Jr\" 1200 EUR (12.35%) to None", info.GetProperty("message").GetString());
        Assert.Equal("Paid %s %d EUR (%.2f%%) to %r", info.GetProperty("template").GetString());
        Assert.Equal("payroll.run", info.GetProperty("category").GetString());
        Assert.Equal(user, info.GetProperty("path").GetString());
        var properties = info.GetProperty("properties");
        Assert.Equal(["pathname", "lineno", "funcName"], properties.EnumerateObject().Select(p => p.Name)); // the record's bookkeeping and None values left out
        Assert.Equal("<module>", properties.GetProperty("funcName").GetString());
        Assert.Equal(9, properties.GetProperty("lineno").GetInt32()); // a number, as the LogRecord has it (not "9"): the script's log.info line
        Assert.True(info.GetProperty("context").GetProperty("processId").GetInt64() > 0);
        Assert.True(info.GetProperty("timestamp").GetDateTimeOffset() > DateTimeOffset.UnixEpoch);

        var warning = events.Single(e => e.GetProperty("level").GetString() == "Warning");
        Assert.Equal("Queue at 9 of 10", warning.GetProperty("message").GetString());

        var error = events.Single(e => e.GetProperty("level").GetString() == "Error");
        Assert.Equal("Run nightly failed", error.GetProperty("message").GetString());
        var exception = error.GetProperty("exception");
        Assert.Equal("KeyError", exception.GetProperty("type").GetString());
        Assert.Equal("missing", exception.GetProperty("message").GetString());
        Assert.Contains("<class 'KeyError'>", exception.GetProperty("excInfo").GetString(), StringComparison.Ordinal);

        Assert.Equal("Critical", events[0].GetProperty("level").GetString());
        Assert.Equal("done", events[0].GetProperty("message").GetString());
    }

    /// <summary>docs/WIRE-FORMAT.md §2's handler that sends the traceback; the error's message has lines of its own, as a database's does.</summary>
    private const string TracebackScript = """
        import logging, logging.handlers, sys

        class TracebackHTTPHandler(logging.handlers.HTTPHandler):
            def mapLogRecord(self, record):
                if record.exc_info and not record.exc_text:
                    record.exc_text = logging.Formatter().formatException(record.exc_info)
                return super().mapLogRecord(record)

        class QueryError(Exception):
            pass

        handler = TracebackHTTPHandler(sys.argv[1], '/log/' + sys.argv[2], method='POST')
        log = logging.getLogger('orders')
        log.propagate = False
        log.addHandler(handler)
        try:
            try:
                {}['orders']
            except KeyError as e:
                raise QueryError('relation "orders" does not exist\nLINE 1: SELECT * FROM orders\n                      ^') from e
        except QueryError:
            log.exception('Loading order %d failed', 7)
        try:
            raise ValueError('amount is negative\nsecond line')
        except ValueError as e:
            log.error('Payment failed', exc_info=e.with_traceback(None))
        """;

    [Fact]
    public async Task HttpHandler_TracebackOfAMessageOfSeveralLines_TypeAndWholeMessageKept()
    {
        await using var collector = await CollectorFixture.StartAsync();

        await PythonProcess.RunAsync(TracebackScript, collector.BaseAddress.Authority, "frank");

        var events = await collector.EventsAsync("user=frank");
        var loading = events.Single(e => e.GetProperty("message").GetString() == "Loading order 7 failed").GetProperty("exception");
        Assert.Equal("QueryError", loading.GetProperty("type").GetString());
        Assert.Equal("relation \"orders\" does not exist\nLINE 1: SELECT * FROM orders\n                      ^", loading.GetProperty("message").GetString());
        Assert.Contains("KeyError: 'orders'", loading.GetProperty("text").GetString(), StringComparison.Ordinal);

        var payment = events.Single(e => e.GetProperty("message").GetString() == "Payment failed").GetProperty("exception");
        Assert.Equal("ValueError", payment.GetProperty("type").GetString());
        Assert.Equal("amount is negative\nsecond line", payment.GetProperty("message").GetString());
    }

    /// <summary>
    /// An app's own level (<c>logging.addLevelName(25, 'NOTICE')</c>, verboselogs' SUCCESS) is stored at the MEL level below
    /// it, and its name was dropped with the other mapped fields: support searching "NOTICE" found nothing. The name is kept
    /// as the property <c>levelname</c> (as CLEF keeps an unknown <c>@l</c>); Python's own names and its "Level 27" for a
    /// number without a name are not kept.
    /// </summary>
    [Fact]
    public async Task HttpHandler_AppsOwnLevelName_KeptAsAPropertyAndFound_PythonsOwnNamesNot()
    {
        await using var collector = await CollectorFixture.StartAsync();
        const string script = """
            import logging, logging.handlers, sys
            logging.addLevelName(25, 'NOTICE')
            log = logging.getLogger('mail')
            log.propagate = False
            log.setLevel(1)
            log.addHandler(logging.handlers.HTTPHandler(sys.argv[1], '/log/' + sys.argv[2], method='POST'))
            log.log(25, 'Mailbox %s almost full', 'ann')
            log.log(27, 'unnamed level')
            log.info('plain info')
            log.warning('plain warning')
            """;

        await PythonProcess.RunAsync(script, collector.BaseAddress.Authority, "hana");

        var events = await collector.EventsAsync("user=hana");
        Assert.Equal(4, events.Count);
        var notice = events.Single(e => e.GetProperty("message").GetString() == "Mailbox ann almost full");
        Assert.Equal("Information", notice.GetProperty("level").GetString());
        Assert.Equal("NOTICE", notice.GetProperty("properties").GetProperty("levelname").GetString()); // before: no such property
        Assert.All(events.Where(e => e.GetProperty("message").GetString() != "Mailbox ann almost full"),
            e => Assert.False(e.GetProperty("properties").TryGetProperty("levelname", out _), e.GetProperty("message").GetString()));
        Assert.Equal("Mailbox ann almost full", Assert.Single(await collector.EventsAsync("user=hana&q=NOTICE")).GetProperty("message").GetString());
    }

    [Fact]
    public async Task HttpHandler_ExceptionWithoutTraceback_MessageAsPythonShowsIt()
    {
        await using var collector = await CollectorFixture.StartAsync();
        const string script = """
            import logging, logging.handlers, sys
            log = logging.getLogger('files')
            log.propagate = False
            log.addHandler(logging.handlers.HTTPHandler(sys.argv[1], '/log/' + sys.argv[2], method='POST'))
            try:
                raise ValueError('cannot read C:\\temp\\new.txt\nit\'s "locked" ü\t€')
            except ValueError:
                log.exception('Import failed')
            """;

        await PythonProcess.RunAsync(script, collector.BaseAddress.Authority, "gina");

        // CPython's HTTPHandler sends the exception only as the repr of exc_info: its message is a string literal there.
        var exception = Assert.Single(await collector.EventsAsync("user=gina")).GetProperty("exception");
        Assert.Equal("ValueError", exception.GetProperty("type").GetString());
        Assert.Equal("cannot read C:\\temp\\new.txt\nit's \"locked\" ü\t€", exception.GetProperty("message").GetString());
        Assert.Equal("ValueError: cannot read C:\\temp\\new.txt\nit's \"locked\" ü\t€", exception.GetProperty("text").GetString());
    }

    [Fact]
    public async Task HttpHandler_ExceptionOfSeveralArguments_MessageAsPythonsStr()
    {
        await using var collector = await CollectorFixture.StartAsync();
        // Each exception's str() is printed by CPython itself, one a line, in the order they are logged.
        const string script = """
            import errno, logging, logging.handlers, os, socket, sys
            log = logging.getLogger('files')
            log.propagate = False
            log.addHandler(logging.handlers.HTTPHandler(sys.argv[1], '/log/' + sys.argv[2], method='POST'))
            errors = [FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT)), socket.gaierror(-2, 'Name or service not known'),
                      ValueError('a', 1), KeyError('k', None), ValueError(5)]
            for i, error in enumerate(errors):
                try:
                    raise error
                except Exception as e:
                    log.exception('Failure %d', i)
                    print(str(e))
            """;

        var shown = (await PythonProcess.RunAsync(script, collector.BaseAddress.Authority, "hana")).TrimEnd('\n').Split('\n');

        Assert.Equal(["[Errno 2] No such file or directory", "[Errno -2] Name or service not known", "('a', 1)", "('k', None)", "5"], shown);
        var events = await collector.EventsAsync("user=hana");
        Assert.Equal(shown.Length, events.Count);
        for (var i = 0; i < shown.Length; i++)
        {
            var exception = events.Single(e => e.GetProperty("message").GetString() == $"Failure {i}").GetProperty("exception");
            Assert.Equal(shown[i], exception.GetProperty("message").GetString());
            Assert.Equal($"{exception.GetProperty("type").GetString()}: {shown[i]}", exception.GetProperty("text").GetString());
        }
    }

    [Fact]
    public async Task HttpHandler_CredentialsAsIngestKey_Accepted()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=ingest-secret");

        await PythonProcess.RunAsync(Script, collector.BaseAddress.Authority, "bob", "POST", "ingest-secret");

        Assert.Equal(4, (await collector.EventsAsync("user=bob")).Count);
    }

    [Fact]
    public async Task PythonForm_CamelotHandlerFields_IdentityAndTracebackKept()
    {
        await using var collector = await CollectorFixture.StartAsync();
        // What Camelot's ThreadedHttpHandler sends: msg already rendered, args (), exc_text formatted, identity fields.
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "camelot.core",
            ["msg"] = "Upload 100% failed",
            ["args"] = "()",
            ["levelname"] = "ERROR",
            ["levelno"] = "40",
            ["created"] = "1764000000.25",
            ["exc_info"] = "None",
            ["exc_text"] = "Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\nOSError: disk full",
            ["user"] = "carol",
            ["machine"] = "PC-7",
            ["app"] = "Camelot",
            ["revision"] = "r1234",
            ["threadName"] = "Worker-1",
        });

        using var response = await collector.Client.PostAsync(new Uri("log/support/carol", UriKind.Relative), form);
        response.EnsureSuccessStatusCode();

        var stored = Assert.Single(await collector.EventsAsync("user=carol"));
        Assert.Equal("Upload 100% failed", stored.GetProperty("message").GetString());
        Assert.Equal("Error", stored.GetProperty("level").GetString());
        Assert.Equal("PC-7", stored.GetProperty("machine").GetString());
        Assert.Equal("Camelot", stored.GetProperty("app").GetString());
        Assert.Equal("r1234", stored.GetProperty("version").GetString());
        Assert.Equal("support/carol", stored.GetProperty("path").GetString());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_250), stored.GetProperty("timestamp").GetDateTimeOffset());
        var exception = stored.GetProperty("exception");
        Assert.Equal("OSError", exception.GetProperty("type").GetString());
        Assert.Equal("disk full", exception.GetProperty("message").GetString());
        Assert.StartsWith("Traceback", exception.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, stored.GetProperty("properties").ValueKind);
        Assert.False(stored.GetProperty("properties").TryGetProperty("args", out _), "args that rendered are not kept");
        Assert.False(stored.GetProperty("properties").TryGetProperty("threadName", out _));
    }

    [Fact]
    public async Task PythonForm_RetriedRecord_StoredOnceByKeyOrBySequence()
    {
        await using var collector = await CollectorFixture.StartAsync();
        Dictionary<string, string> Record(string sequence) => new()
        {
            ["name"] = "app",
            ["msg"] = "sent twice",
            ["levelno"] = "20",
            ["instanceId"] = "py-1",
            ["sequence"] = sequence,
        };

        // The same record retried: once with the same Idempotency-Key, once (another key) with the same instance and sequence.
        foreach (var (key, sequence) in new[] { ("r-1", "1"), ("r-1", "1"), ("r-2", "1"), ("r-3", "2") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("log/erin", UriKind.Relative)) { Content = new FormUrlEncodedContent(Record(sequence)) };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await collector.Client.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }

        var stored = await collector.EventsAsync("user=erin");
        Assert.Equal([2L, 1L], stored.Select(e => e.GetProperty("sequence").GetInt64()));
    }

    [Fact]
    public async Task PythonForm_UnrenderableArgs_KeepsRawMsgAndArgs()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "app",
            ["msg"] = "At %s",
            ["args"] = "(datetime.datetime(2026, 11, 24, 10, 0),)",
            ["levelno"] = "20",
        });

        using var response = await collector.Client.PostAsync(new Uri("log/dave", UriKind.Relative), form);
        response.EnsureSuccessStatusCode();

        var stored = Assert.Single(await collector.EventsAsync("user=dave"));
        Assert.Equal("At %s", stored.GetProperty("message").GetString());
        Assert.Equal("(datetime.datetime(2026, 11, 24, 10, 0),)", stored.GetProperty("properties").GetProperty("args").GetString());
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("exception").ValueKind);
    }
}
