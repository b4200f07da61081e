using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Interop;

/// <summary>
/// The ways .NET code logs besides <c>LogInformation(template, args)</c>, each through a real
/// <see cref="LoggerFactory"/> into the handler: compile-time <c>[LoggerMessage]</c> methods (the SDK's source
/// generator), <see cref="LoggerMessage.Define{T1, T2}(LogLevel, EventId, string)"/>, a state that is not a
/// template (a dictionary, a string), and scopes. Each must arrive with its template, message, properties, event id
/// and exception.
/// </summary>
public sealed partial class MelLoggingPatternsTests
{
    private static readonly Action<ILogger, string, decimal, Exception?> Paid =
        LoggerMessage.Define<string, decimal>(LogLevel.Warning, new EventId(7, "Paid"), "Paid {Employee} {Amount}");

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _selfLog = new();

    private (ThreadedHandler Handler, CollectingSink Sink, ILoggerFactory Factory) Start()
    {
        var sink = new CollectingSink().Open();
        var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, Interval = TimeSpan.FromHours(1), IncludeScopes = true, SelfLog = _selfLog.Enqueue });
        var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(handler));
        return (handler, sink, factory);
    }

    [Fact]
    public async Task LoggerMessageAttribute_GeneratedMethod_TemplatePropertiesEventIdAndException()
    {
        var (handler, sink, factory) = Start();
        await using (handler)
        using (factory)
        {
            var error = new InvalidOperationException("ledger closed");
            InvoiceRejected(factory.CreateLogger("Billing"), "INV-1", 3, error);
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
            var logEvent = Assert.Single(sink.Delivered);

            Assert.Equal("Invoice {InvoiceId} rejected after {Attempts} attempts", logEvent.Template);
            Assert.Equal("Invoice INV-1 rejected after 3 attempts", logEvent.Message);
            Assert.Equal(LogLevel.Error, logEvent.Level);
            Assert.Equal(new EventId(42, "InvoiceRejected"), logEvent.EventId);
            Assert.Same(error, logEvent.Exception);
            Assert.Equal<object?>("INV-1", Property(logEvent, "InvoiceId"));
            Assert.Equal<object?>(3, Property(logEvent, "Attempts"));
        }
    }

    [Fact]
    public async Task LoggerMessageDefine_DelegateCall_TemplatePropertiesAndEventId()
    {
        var (handler, sink, factory) = Start();
        await using (handler)
        using (factory)
        {
            Paid(factory.CreateLogger("Payroll"), "alice", 1200.5m, null);
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
            var logEvent = Assert.Single(sink.Delivered);

            Assert.Equal("Paid {Employee} {Amount}", logEvent.Template);
            Assert.Equal("Paid alice 1200.5", logEvent.Message);
            Assert.Equal(new EventId(7, "Paid"), logEvent.EventId);
            Assert.Equal<object?>("alice", Property(logEvent, "Employee"));
            Assert.Equal<object?>(1200.5m, Property(logEvent, "Amount"));
        }
    }

    [Fact]
    public async Task LogWithCustomState_NotATemplate_MessageFromTheFormatterAndTheStatesPairs()
    {
        var (handler, sink, factory) = Start();
        await using (handler)
        using (factory)
        {
            var state = new Dictionary<string, object?> { ["Order"] = 17, ["Region"] = "eu" };
            factory.CreateLogger("Orders").Log(LogLevel.Information, default, state, null, (s, _) => $"order {s["Order"]} in {s["Region"]}");
            factory.CreateLogger("Orders").Log(LogLevel.Information, default, "plain text", null, (s, _) => s);
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));

            Assert.Equal(["order 17 in eu", "plain text"], sink.Delivered.Select(e => e.Message));
            Assert.Equal<object?>(17, Property(sink.Delivered[0], "Order"));
            Assert.Equal<object?>("eu", Property(sink.Delivered[0], "Region"));
        }
    }

    [Fact]
    public async Task BeginScope_DictionaryAndTemplateScopesNested_BothKeptOutermostFirst()
    {
        var (handler, sink, factory) = Start();
        await using (handler)
        using (factory)
        {
            var logger = factory.CreateLogger("Web");
            using (logger.BeginScope(new Dictionary<string, object?> { ["RequestId"] = "r-1" }))
            using (logger.BeginScope("Order {OrderId}", 17))
            {
                logger.LogInformation("inside");
            }

            logger.LogInformation("outside");
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));

            // A scope with properties is kept as its pairs (a template's with {OriginalFormat}, from which its text follows).
            var inside = sink.Delivered[0];
            Assert.Equal(["RequestId=r-1", "OrderId=17,{OriginalFormat}=Order {OrderId}"], inside.Scopes.Select(Describe));
            Assert.Empty(sink.Delivered[1].Scopes);
        }
    }

    [Fact]
    public async Task BeginScope_TextDictionaryAndTuple_KeptAsPropertiesNotTheTypesName()
    {
        var (handler, sink, factory) = Start();
        await using (handler)
        using (factory)
        {
            var logger = factory.CreateLogger("Web");
            using (logger.BeginScope(new Dictionary<string, string> { ["Tenant"] = "acme", ["Region"] = "eu" }))
            using (logger.BeginScope(("OrderId", (object?)17)))
            {
                logger.LogInformation("inside");
            }

            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
            Assert.Equal(["Tenant=acme,Region=eu", "OrderId=17"], Assert.Single(sink.Delivered).Scopes.Select(Describe));
        }
    }

    [Fact]
    public async Task BeginScope_HugeGeneratedPairs_CallReadsAsManyAsAPropertyKeeps()
    {
        var (handler, sink, factory) = Start();
        await using (handler)
        using (factory)
        {
            // A scope that is a generated sequence of pairs, here 200,000 (an endless one would never let the call return):
            // every call inside it copied all of it. A scope keeps as many pairs as a logged dictionary does.
            var read = 0;
            IEnumerable<KeyValuePair<string, object?>> Generated()
            {
                for (var i = 0; i < 200_000; i++)
                {
                    read++;
                    yield return new KeyValuePair<string, object?>("K" + i, i);
                }
            }

            using (factory.CreateLogger("Web").BeginScope(Generated()))
            {
                factory.CreateLogger("Web").LogInformation("inside");
            }

            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
            var scope = Assert.IsAssignableFrom<IReadOnlyList<KeyValuePair<string, object?>>>(Assert.Single(Assert.Single(sink.Delivered).Scopes));
            Assert.Equal(ValueFreezer.MaxItems, scope.Count);
            Assert.Equal("K999", scope[^1].Key);
            Assert.InRange(read, ValueFreezer.MaxItems, ValueFreezer.MaxItems + 1);
        }
    }

    [Fact]
    public async Task LogInformation_MoreHolesThanArguments_KeptWithTheValuesThereAreNotLost()
    {
        var (handler, sink, factory) = Start();
        await using (handler)
        using (factory)
        {
            // MEL's state throws for the missing value, and so does MEL's own formatter: the call used to be reported and lost.
#pragma warning disable CA2017 // the mismatch is the point
            factory.CreateLogger("Billing").LogWarning("Invoice {InvoiceId} rejected by {Bank}", "INV-2");
#pragma warning restore CA2017
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
            var logEvent = Assert.Single(sink.Delivered);

            Assert.Equal("Invoice {InvoiceId} rejected by {Bank}", logEvent.Template);
            Assert.Equal("Invoice INV-2 rejected by {Bank}", logEvent.Message);
            Assert.Equal(LogLevel.Warning, logEvent.Level);
            Assert.Equal<object?>("INV-2", Property(logEvent, "InvoiceId"));
            var report = Assert.Single(_selfLog, m => m.Contains("Billing", StringComparison.Ordinal));
            Assert.Contains("kept with what could be read", report, StringComparison.Ordinal); // the app's mistake, not ours
            Assert.DoesNotContain(_selfLog, m => m.StartsWith("Internal error", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Log_FormatterThrows_KeptWithAMessageThatSaysWhy()
    {
        var (handler, sink, factory) = Start();
        await using (handler)
        using (factory)
        {
            factory.CreateLogger("Orders").Log(LogLevel.Error, default, 17, null, (_, _) => throw new InvalidOperationException("no text"));
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));

            var logEvent = Assert.Single(sink.Delivered);
            Assert.Equal("[the message could not be rendered: InvalidOperationException: no text]", logEvent.Message);
            Assert.Equal(LogLevel.Error, logEvent.Level);
        }
    }

    [LoggerMessage(EventId = 42, Level = LogLevel.Error, Message = "Invoice {InvoiceId} rejected after {Attempts} attempts")]
    private static partial void InvoiceRejected(ILogger logger, string invoiceId, int attempts, Exception exception);

    private static object? Property(LogEvent logEvent, string name) => Assert.Single(logEvent.Properties, p => p.Key == name).Value;

    private static string Describe(object? scope) =>
        scope is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(",", pairs.Select(p => $"{p.Key}={p.Value}")) : scope?.ToString() ?? string.Empty;
}
