using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Serilog;
using Serilog.Context;
using Serilog.Core;
using Serilog.Events;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>The real Serilog.Sinks.Seq 9.1 pointed at the collector as if it were Seq (issue 11).</summary>
public sealed class SerilogSeqSinkTests
{
    private const string Key = "seq-ingest-key";

    [Fact]
    public async Task SeqSink_BatchedStructuredEvents_StoredAsSerilogRendersThem()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=" + Key);
        var captured = new CapturedEvents();
        using var activity = new Activity("checkout").SetIdFormat(ActivityIdFormat.W3C).Start();
        var log = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .Enrich.WithProperty("Application", "Payroll")
            .Enrich.WithProperty("Version", "2.3.1")
            .Enrich.WithProperty("MachineName", "PC-042")
            .WriteTo.Seq(collector.BaseAddress.ToString(), apiKey: Key)
            .WriteTo.Sink(captured)
            .CreateLogger();

        log.ForContext("UserName", "alice").ForContext<SerilogSeqSinkTests>()
            .Information("Paid {Employee} {Amount} for {@Order} in {Items}", "O'Neil \"Jr\"", 1200.5m, new Order(7, [new Line("A-1", 2)]), new[] { 1, 2, 3 });
        log.Warning("Rate {Rate:0.00} on {Day:yyyy-MM-dd}, {Missing} left as is", 3.14159, new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        log.Verbose("Verbose {Flag}", true);
        log.Fatal(ThrownExceptions.OuterWithInner(), "Run {Name} failed", "nightly");
        await log.DisposeAsync();

        var events = await collector.EventsAsync();
        Assert.Equal(4, events.Count);
        foreach (var e in events)
        {
            var original = captured.Events.Single(c => c.MessageTemplate.Text == e.GetProperty("template").GetString());
            Assert.Equal(original.RenderMessage(CultureInfo.InvariantCulture), e.GetProperty("message").GetString());
            Assert.Equal(original.Timestamp.ToUniversalTime(), e.GetProperty("timestamp").GetDateTimeOffset());
            Assert.Equal("Payroll", e.GetProperty("app").GetString());
            Assert.Equal("2.3.1", e.GetProperty("version").GetString());
            Assert.Equal("PC-042", e.GetProperty("machine").GetString());
            Assert.Equal(activity.TraceId.ToHexString(), e.GetProperty("context").GetProperty("traceId").GetString());
            Assert.Equal(activity.SpanId.ToHexString(), e.GetProperty("context").GetProperty("spanId").GetString());
        }

        var paid = events.Single(e => e.GetProperty("level").GetString() == "Information");
        Assert.Equal("alice", paid.GetProperty("user").GetString());
        Assert.Equal(typeof(SerilogSeqSinkTests).FullName, paid.GetProperty("category").GetString());
        var properties = paid.GetProperty("properties");
        Assert.Equal("A-1", properties.GetProperty("Order").GetProperty("Lines")[0].GetProperty("Sku").GetString());
        Assert.Equal("Order", properties.GetProperty("Order").GetProperty("$type").GetString());
        Assert.Equal(3, properties.GetProperty("Items").GetArrayLength());
        Assert.Equal(1200.5m, properties.GetProperty("Amount").GetDecimal());

        Assert.Equal("Rate 3.14 on 2026-01-02, {Missing} left as is", events.Single(e => e.GetProperty("level").GetString() == "Warning").GetProperty("message").GetString());
        Assert.Equal("Trace", events.Single(e => e.GetProperty("template").GetString() == "Verbose {Flag}").GetProperty("level").GetString());

        var fatal = events.Single(e => e.GetProperty("level").GetString() == "Critical");
        var exception = fatal.GetProperty("exception");
        Assert.Equal("System.InvalidOperationException", exception.GetProperty("type").GetString());
        Assert.Equal("outer failed", exception.GetProperty("message").GetString());
        Assert.Contains(nameof(ThrownExceptions.OuterWithInner), exception.GetProperty("stackTrace").GetString(), StringComparison.Ordinal);
        var inner = exception.GetProperty("inner")[0];
        Assert.Equal("System.ArgumentException", inner.GetProperty("type").GetString());
        Assert.Equal("inner bad (Parameter 'amount')", inner.GetProperty("message").GetString());
        Assert.Equal(captured.Events.Single(c => c.Exception is not null).Exception!.ToString(), exception.GetProperty("text").GetString());
    }

    [Fact]
    public async Task SeqSink_DatabaseAndAggregateExceptions_TypeMessageAndEveryInnerKept()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var log = new LoggerConfiguration().Enrich.WithProperty("Application", "Orders").WriteTo.Seq(collector.BaseAddress.ToString()).CreateLogger();
        var database = DatabaseFailure();
        var both = Task.WhenAll(FailAsync(new InvalidOperationException("first")), FailAsync(new ArgumentException("second")));
        await ((Task)both).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);

        // Every DbException writes its HResult after the type: "Microsoft.Data.Sqlite.SqliteException (0x80004005): SQLite Error 1: …".
        log.Error(database, "Loading order {OrderId} failed", 7);
        log.Error(both.Exception!, "Payments failed");
        await log.DisposeAsync();

        var loading = Assert.Single(await collector.EventsAsync("template=Loading%20order%20%7BOrderId%7D%20failed")).GetProperty("exception");
        Assert.Equal("System.InvalidOperationException", loading.GetProperty("type").GetString());
        var sqlite = loading.GetProperty("inner")[0];
        Assert.Equal(typeof(SqliteException).FullName, sqlite.GetProperty("type").GetString());
        Assert.Equal(database.InnerException!.Message, sqlite.GetProperty("message").GetString());
        Assert.Contains("at Microsoft.Data.Sqlite.", sqlite.GetProperty("stackTrace").GetString(), StringComparison.Ordinal);

        var payments = Assert.Single(await collector.EventsAsync("template=Payments%20failed")).GetProperty("exception");
        Assert.Equal("System.AggregateException", payments.GetProperty("type").GetString());
        Assert.Equal(both.Exception!.Message, payments.GetProperty("message").GetString());
        Assert.False(payments.TryGetProperty("stackTrace", out _), "never thrown itself: Task.WhenAll's exception has no stack of its own");
        var inner = payments.GetProperty("inner");

        // In the exception's own order: Task.WhenAll gathers its tasks' exceptions in the order they failed, which the
        // thread pool decides (second before first in 4 of 15 runs of this class, and in 113 of 2,000 such WhenAlls).
        var thrown = both.Exception!.InnerExceptions.Select(e => e.GetType().FullName + ": " + e.Message).ToList();
        Assert.Equal(["System.ArgumentException: second", "System.InvalidOperationException: first"], thrown.Order(StringComparer.Ordinal));
        Assert.Equal(thrown, inner.EnumerateArray().Select(e => e.GetProperty("type").GetString() + ": " + e.GetProperty("message").GetString()));
        Assert.Contains(nameof(FailAsync), inner[1].GetProperty("stackTrace").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("<---", inner[1].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeqSink_EventOverTheCollectorsLimit_RefusalLoggedWithTheEndpoint()
    {
        await using var collector = await CollectorFixture.StartAsync("--Logging:LogLevel:Default=Information");
        var collectorLog = CollectingLoggerProvider.AttachTo(collector, Microsoft.Extensions.Logging.LogLevel.Information);
        var log = new LoggerConfiguration().WriteTo.Seq(collector.BaseAddress.ToString(), eventBodyLimitBytes: 1_000_000).CreateLogger();

        // The sink's own limit raised above the collector's Collector:MaxEventBytes (256 KiB): the collector answers 413.
        log.Information("Upload {Body}", new string('x', 300_000));
        await log.DisposeAsync();

        // The operator's one clue to which client is refused: the endpoint (a Seq request has no /log/{path} of its own).
        var line = collectorLog.Entries.First(e => e.Message.StartsWith("Rejected ingest request", StringComparison.Ordinal)).Message;
        Assert.StartsWith("Rejected ingest request from 127.0.0.1 to /api/events/raw with 413: line 1: event is ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeqSink_SpanEvent_TraceIdsInContextSpanFieldsKeptAsPropertiesFindable()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using var activity = new Activity("checkout").SetIdFormat(ActivityIdFormat.W3C).Start();
        var log = new LoggerConfiguration().WriteTo.Seq(collector.BaseAddress.ToString()).CreateLogger();
        var start = new DateTime(2026, 12, 4, 22, 0, 0, DateTimeKind.Utc);

        // SerilogTracing's span properties: the Seq sink sends these two as CLEF's @st and @sk (its @ps it takes elsewhere).
        log.ForContext("SpanStartTimestamp", start).ForContext("SpanKind", ActivityKind.Server).Information("Checkout {OrderId} done", 7);
        await log.DisposeAsync();

        var stored = Assert.Single(await collector.EventsAsync("property=@sk%3DServer"));
        Assert.Equal(activity.TraceId.ToHexString(), stored.GetProperty("context").GetProperty("traceId").GetString());
        Assert.Equal(activity.SpanId.ToHexString(), stored.GetProperty("context").GetProperty("spanId").GetString());
        var properties = stored.GetProperty("properties");
        Assert.Equal(new DateTimeOffset(start), properties.GetProperty("@st").GetDateTimeOffset());
        Assert.Equal(7, properties.GetProperty("OrderId").GetInt32());
        Assert.Single(await collector.EventsAsync("traceId=" + activity.TraceId.ToHexString()));
    }

    /// <summary>
    /// A Serilog app tags each request's user in the LogContext (<c>UserId</c>, as Seq's examples do, or OpenTelemetry's
    /// <c>user.id</c>) and, as most do, runs Serilog.Enrichers.Environment's <c>WithEnvironmentUserName()</c>: the
    /// process's OS account (<c>vm\root</c>, <c>IIS APPPOOL\Shop</c>) on every event. The user the app named is the
    /// event's user; the account only stands in when the app names none.
    /// </summary>
    [Theory]
    [InlineData("UserId")]
    [InlineData("user.id")] // sent by the sink as {"user":{"id":"bob"}}
    public async Task SeqSink_UserInLogContextBesideEnvironmentUserName_TheLogContextsUserIsTheUser(string property)
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=" + Key);
        var log = new LoggerConfiguration()
            .Enrich.FromLogContext()
            .Enrich.WithProperty("EnvironmentUserName", "vm\\root") // what WithEnvironmentUserName() adds
            .Enrich.WithProperty("Application", "Shop")
            .WriteTo.Seq(collector.BaseAddress.ToString(), apiKey: Key)
            .CreateLogger();

        log.Information("Shop started");
        using (LogContext.PushProperty(property, "bob"))
        {
            log.Warning("Cart of {Items} items abandoned", 3);
        }

        await log.DisposeAsync();

        var users = (await collector.EventsAsync("app=Shop")).ToDictionary(e => e.GetProperty("template").GetString()!, e => e.GetProperty("user").GetString(), StringComparer.Ordinal);
        Assert.Equal("bob", users["Cart of {Items} items abandoned"]);
        Assert.Equal("vm\\root", users["Shop started"]);
        Assert.Single(await collector.EventsAsync("user=bob"));
    }

    /// <summary>
    /// In CLEF every template hole is a property, and <c>{UserId}</c> is a common one: an admin's "Deleted account
    /// {UserId}" names the account deleted, not who the event is about. A hole ranks after the names the app set otherwise
    /// (EnvironmentUserName, the process's account, included), and is the user only when the event names none.
    /// </summary>
    [Fact]
    public async Task SeqSink_UserIdAsATemplateHole_RanksAfterEnvironmentUserName_StillTheUserWithoutOne()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=" + Key);
        var admin = new LoggerConfiguration()
            .Enrich.FromLogContext()
            .Enrich.WithProperty("EnvironmentUserName", "vm\\root") // what WithEnvironmentUserName() adds
            .Enrich.WithProperty("Application", "Admin")
            .WriteTo.Seq(collector.BaseAddress.ToString(), apiKey: Key)
            .CreateLogger();
        admin.Information("Deleted account {UserId}", "u-991");
        using (LogContext.PushProperty("UserId", "bob"))
        {
            admin.Information("Cart of {Items} items abandoned", 3);
        }

        await admin.DisposeAsync();
        var bare = new LoggerConfiguration()
            .Enrich.WithProperty("Application", "Batch")
            .WriteTo.Seq(collector.BaseAddress.ToString(), apiKey: Key)
            .CreateLogger();
        bare.Information("Deleted account {UserId}", "u-992");
        await bare.DisposeAsync();

        var users = (await collector.EventsAsync()).ToDictionary(e => e.GetProperty("app").GetString() + " " + e.GetProperty("template").GetString(), e => e.GetProperty("user").GetString(), StringComparer.Ordinal);
        Assert.Equal("vm\\root", users["Admin Deleted account {UserId}"]); // before: u-991
        Assert.Equal("bob", users["Admin Cart of {Items} items abandoned"]);
        Assert.Equal("u-992", users["Batch Deleted account {UserId}"]);
    }

    /// <summary>
    /// <c>{{</c> and <c>}}</c> are a literal brace in a Serilog template: <c>"Use {{UserId}} placeholders"</c> has no hole,
    /// so a <c>UserId</c> from LogContext keeps its rank before <c>EnvironmentUserName</c>.
    /// </summary>
    [Fact]
    public async Task SeqSink_EscapedBracesAroundAName_NotAHole_LogContextUserIdRanksBeforeEnvironmentUserName()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=" + Key);
        var log = new LoggerConfiguration()
            .Enrich.FromLogContext()
            .Enrich.WithProperty("EnvironmentUserName", "vm\\root") // what WithEnvironmentUserName() adds
            .WriteTo.Seq(collector.BaseAddress.ToString(), apiKey: Key)
            .CreateLogger();
        using (LogContext.PushProperty("UserId", "bob"))
        {
            log.Information("Use {{UserId}} placeholders");
            log.Information("Use {{{UserId}}} as written", "u-991"); // an escaped brace, then the hole
        }

        await log.DisposeAsync();

        var users = (await collector.EventsAsync()).ToDictionary(e => e.GetProperty("template").GetString()!, e => e.GetProperty("user").GetString(), StringComparer.Ordinal);
        Assert.Equal("bob", users["Use {{UserId}} placeholders"]); // before: vm\root
        Assert.Equal("vm\\root", users["Use {{{UserId}}} as written"]);
    }

    /// <summary>
    /// A Serilog app that names its identity as OpenTelemetry does: Serilog.Sinks.Seq (9.x) sends each dotted name as
    /// nested objects (<c>{"service":{"name":"shop","version":"3.1.0"},"host":{"name":"web-03"}}</c>), as Seq reads them.
    /// </summary>
    [Fact]
    public async Task SeqSink_OpenTelemetryNamesNestedByTheSink_AppVersionMachineAndUserRead()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=" + Key);
        var log = new LoggerConfiguration()
            .Enrich.FromLogContext()
            .Enrich.WithProperty("service.name", "shop")
            .Enrich.WithProperty("service.version", "3.1.0")
            .Enrich.WithProperty("host.name", "web-03")
            .WriteTo.Seq(collector.BaseAddress.ToString(), apiKey: Key)
            .CreateLogger();

        using (LogContext.PushProperty("enduser.id", "carol"))
        {
            log.Error(ThrownExceptions.OuterWithInner(), "Payment of order {OrderId} failed", 48151623);
        }

        await log.DisposeAsync();

        var stored = Assert.Single(await collector.EventsAsync());
        Assert.Equal("web-03", stored.GetProperty("properties").GetProperty("host").GetProperty("name").GetString()); // nested, as sent
        Assert.Equal(["shop", "3.1.0", "web-03", "carol"], new[] { "app", "version", "machine", "user" }.Select(f => stored.GetProperty(f).GetString()));
        Assert.Single(await collector.EventsAsync("user=carol&app=shop"));
    }

    /// <summary>
    /// An object destructured into a template hole (<c>{@service}</c>, <c>{@user}</c>) is the message's content, not the
    /// event's identity: the nested reading of dotted names (service.name, user.id, host.name) is for what the sink nests.
    /// </summary>
    [Fact]
    public async Task SeqSink_ObjectsDestructuredIntoTemplateHoles_NotReadAsAppUserOrMachine()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=" + Key);
        var log = new LoggerConfiguration()
            .WriteTo.Seq(collector.BaseAddress.ToString(), apiKey: Key)
            .CreateLogger();

        log.Information("Deploy of {@service} to {@host} by {@user} started", new { name = "payments", version = "9.9.9" }, new { name = "db-1" }, new { id = "ann" });
        await log.DisposeAsync();

        var stored = Assert.Single(await collector.EventsAsync());
        Assert.Equal("payments", stored.GetProperty("properties").GetProperty("service").GetProperty("name").GetString()); // kept as sent
        string? Field(string f) => stored.TryGetProperty(f, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        Assert.Equal([null, null, null, null], new[] { "app", "version", "machine", "user" }.Select(Field)); // before: payments, 9.9.9, db-1, ann
    }

    /// <summary>
    /// ASP.NET Core apps on Serilog name their app <c>ApplicationName</c>, as <c>IHostEnvironment.ApplicationName</c> is
    /// called (<c>Enrich.WithProperty("ApplicationName", builder.Environment.ApplicationName)</c>), where Seq's examples say
    /// <c>Application</c>.
    /// </summary>
    [Fact]
    public async Task SeqSink_ApplicationNameEnriched_IsTheApp()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=" + Key);
        var log = new LoggerConfiguration()
            .Enrich.WithProperty("ApplicationName", "Shop.Api")
            .WriteTo.Seq(collector.BaseAddress.ToString(), apiKey: Key)
            .CreateLogger();

        log.Error(ThrownExceptions.OuterWithInner(), "Payment of order {OrderId} failed", 48151623);
        await log.DisposeAsync();

        Assert.Equal("Shop.Api", Assert.Single(await collector.EventsAsync()).GetProperty("app").GetString());
        Assert.Single(await collector.EventsAsync("app=Shop.Api"));
    }

    /// <summary>
    /// The identity names match in any ASCII case: a Serilog app that enriches with <c>applicationName</c> and
    /// <c>MACHINENAME</c>, nests <c>Service.Version</c>, or pushes <c>userId</c> was filed under no app, version, machine or
    /// user. The name as written wins over another case of it, and a hole of the template still ranks after every name that
    /// is not one, in whatever case.
    /// </summary>
    [Fact]
    public async Task SeqSink_IdentityNamesInAnotherCase_ReadAsTheNames_TheCaseWrittenWinsOverAnother()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=" + Key);
        var log = new LoggerConfiguration()
            .Enrich.FromLogContext()
            .Enrich.WithProperty("EnvironmentUserName", "vm\\root") // what WithEnvironmentUserName() adds
            .Enrich.WithProperty("applicationName", "Shop.Api")
            .Enrich.WithProperty("Service.Version", "3.1.0") // sent by the sink as {"Service":{"Version":"3.1.0"}}
            .Enrich.WithProperty("MACHINENAME", "web-03")
            .WriteTo.Seq(collector.BaseAddress.ToString(), apiKey: Key)
            .CreateLogger();

        using (LogContext.PushProperty("userId", "ann"))
        {
            log.Warning("Cart of {Items} items abandoned", 3);
        }

        using (LogContext.PushProperty("userId", "not-bob"))
        using (LogContext.PushProperty("UserId", "bob"))
        {
            log.Information("Refund of {Amount} approved", 5);
        }

        log.Information("Deleted account {userId}", "u-991");
        await log.DisposeAsync();

        var events = (await collector.EventsAsync()).ToDictionary(e => e.GetProperty("template").GetString()!, StringComparer.Ordinal);
        Assert.Equal(["ann", "Shop.Api", "3.1.0", "web-03"], new[] { "user", "app", "version", "machine" }.Select(f => events["Cart of {Items} items abandoned"].GetProperty(f).GetString()));
        Assert.Equal("bob", events["Refund of {Amount} approved"].GetProperty("user").GetString()); // UserId as written over userId
        Assert.Equal("vm\\root", events["Deleted account {userId}"].GetProperty("user").GetString()); // a hole, after EnvironmentUserName
        Assert.Single(await collector.EventsAsync("user=ann&app=Shop.Api"));
    }

    [Fact]
    public async Task SeqSink_DurableBufferFile_EventsShipped()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=" + Key);
        using var buffer = new TempDirectory();
        var log = new LoggerConfiguration()
            .Enrich.WithProperty("Application", "Durable")
            .WriteTo.Seq(collector.BaseAddress.ToString(), apiKey: Key, bufferBaseFilename: Path.Combine(buffer.Path, "seq"), period: TimeSpan.FromMilliseconds(100))
            .CreateLogger();

        log.ForContext("User", "bob").Information("Shipped {Parcel} with {@Contents}", "P-1", new { Count = 2, Tags = new[] { "x", "y" } });
        log.Error(ThrownExceptions.OuterWithInner(), "Shipping {Parcel} failed", "P-2");
        log.Debug("not shipped: below the default Information");

        var events = await collector.WaitForEventsAsync(2, "app=Durable");
        await log.DisposeAsync();

        Assert.Equal(2, events.Count);
        var shipped = events.Single(e => e.GetProperty("level").GetString() == "Information");
        Assert.Equal("Shipped \"P-1\" with { Count: 2, Tags: [\"x\", \"y\"] }", shipped.GetProperty("message").GetString());
        Assert.Equal("bob", shipped.GetProperty("user").GetString());
        Assert.Equal("y", shipped.GetProperty("properties").GetProperty("Contents").GetProperty("Tags")[1].GetString());
        Assert.Equal("System.ArgumentException", events.Single(e => e.GetProperty("level").GetString() == "Error").GetProperty("exception").GetProperty("inner")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task SeqSink_MinimumLevelAcceptedConfigured_SinkStopsSendingBelowIt()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Clef:MinimumLevelAccepted=Warning");
        var levelSwitch = new LoggingLevelSwitch(LogEventLevel.Verbose);
        var changed = new TaskCompletionSource<LogEventLevel>(TaskCreationOptions.RunContinuationsAsynchronously);
        levelSwitch.MinimumLevelChanged += (_, e) => changed.TrySetResult(e.NewLevel);
        var log = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .WriteTo.Seq(collector.BaseAddress.ToString(), controlLevelSwitch: levelSwitch, period: TimeSpan.FromMilliseconds(50))
            .CreateLogger();

        log.Information("first");
        Assert.Equal(LogEventLevel.Warning, await changed.Task.WaitAsync(TimeSpan.FromMinutes(1)));
        log.Information("dropped by the client");
        log.Warning("second");
        await log.DisposeAsync();

        var messages = (await collector.EventsAsync()).Select(e => e.GetProperty("message").GetString()).ToList();
        Assert.Equal(["second", "first"], messages);
    }

    private static InvalidOperationException DatabaseFailure()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM orders";
        try
        {
            command.ExecuteReader().Dispose();
            throw new InvalidOperationException("the query did not fail");
        }
        catch (SqliteException e)
        {
            try
            {
                throw new InvalidOperationException("loading failed", e);
            }
            catch (InvalidOperationException outer)
            {
                return outer;
            }
        }
    }

    private static async Task FailAsync(Exception exception)
    {
        await Task.Yield();
        throw exception;
    }

    private sealed record Order(int Id, Line[] Lines);

    private sealed record Line(string Sku, int Qty);

    private sealed class CapturedEvents : ILogEventSink
    {
        private readonly List<Serilog.Events.LogEvent> _events = [];

        public IReadOnlyList<Serilog.Events.LogEvent> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public void Emit(Serilog.Events.LogEvent logEvent)
        {
            lock (_events)
            {
                _events.Add(logEvent);
            }
        }
    }
}
