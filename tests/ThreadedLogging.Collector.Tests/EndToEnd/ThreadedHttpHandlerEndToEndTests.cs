using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.EndToEnd;

/// <summary>The real client library (<see cref="ThreadedHttpHandler"/>) shipping to the real collector: exactly N arrive, per user.</summary>
public sealed class ThreadedHttpHandlerEndToEndTests
{
    private const int EventsPerUser = 40;
    private static readonly string[] Users = ["anna", "ben", "chloé"];

    [Theory]
    [InlineData(HttpLogFormat.PythonForm, "POST")]
    [InlineData(HttpLogFormat.PythonForm, "GET")]
    [InlineData(HttpLogFormat.JsonBatch, "POST")]
    public async Task ThreadedHttpHandler_SeveralUsers_CollectorHasExactlyN(HttpLogFormat format, string method)
    {
        await using var collector = await CollectorFixture.StartAsync();

        foreach (var user in Users)
        {
            await using var handler = new ThreadedHttpHandler(new ThreadedHttpHandlerOptions
            {
                Host = collector.BaseAddress.Authority,
                Url = "/log/{user}",
                Method = method,
                Format = format,
                App = "E2E",
                Version = "1.2.3",
                User = user,
                Machine = "PC-" + user,
                BatchSize = 16,
                CaptureUnhandledExceptions = false, // counted events: another test's unobserved task exception is not ours
            });
            var log = handler.CreateLogger("E2E.Orders");
            for (var i = 0; i < EventsPerUser; i++)
            {
                if (i % 10 == 9)
                {
                    log.LogError(new InvalidOperationException("boom " + i), "Order {OrderId} failed for {User} (100% sure)", i, user);
                }
                else
                {
                    log.LogInformation("Order {OrderId} shipped to {User}", i, user);
                }
            }

            // A bound for a broken build, not a timing assertion.
            Assert.True(handler.Flush(TimeSpan.FromMinutes(1)), $"flush timed out: {handler.Statistics}");
            Assert.Equal(EventsPerUser, handler.Statistics.Sent);
            Assert.Equal(0, handler.Statistics.Dropped);
        }

        Assert.Equal(Users.Length * EventsPerUser, (await collector.EventsAsync()).Count);
        foreach (var user in Users)
        {
            var events = await collector.EventsAsync("user=" + Uri.EscapeDataString(user));
            Assert.Equal(EventsPerUser, events.Count);
            Assert.All(events, e =>
            {
                Assert.Equal("E2E", e.GetProperty("app").GetString());
                Assert.Equal("PC-" + user, e.GetProperty("machine").GetString());
                Assert.Equal("1.2.3", e.GetProperty("version").GetString());
                Assert.Equal("E2E.Orders", e.GetProperty("category").GetString());
                Assert.Equal(user, e.GetProperty("path").GetString());
            });
            Assert.Contains(events, e => e.GetProperty("message").GetString() == $"Order 3 shipped to {user}");
            var failed = events.Where(e => e.GetProperty("level").GetString() == "Error").ToList();
            Assert.Equal(EventsPerUser / 10, failed.Count);
            Assert.Contains(failed, e => e.GetProperty("message").GetString() == $"Order 9 failed for {user} (100% sure)");
            Assert.All(failed, e => Assert.Contains("InvalidOperationException", e.GetProperty("exception").GetRawText(), StringComparison.Ordinal));

            var errorCount = (await collector.GetJsonAsync("api/users")).GetProperty("users").EnumerateArray()
                .Single(u => u.GetProperty("user").GetString() == user).GetProperty("levels").GetProperty("Error").GetInt64();
            Assert.Equal(EventsPerUser / 10, errorCount);
        }
    }

    [Fact]
    public async Task ThreadedHttpHandler_LargeMessageWithoutHoles_SentOnceAndStoredWhole()
    {
        // A message without holes is its own template: it was sent as both, so 200,000 characters were a 400 KB event,
        // over the collector's 256 KiB (Collector:MaxEventBytes), refused and sent again cut to 16 Ki characters.
        var bodies = new RequestBodyBytes();
        await using var collector = await CollectorFixture.StartAsync(bodies.AddTo);
        var text = "Report " + new string('x', 200_000);
        await using (var handler = new ThreadedHttpHandler(new ThreadedHttpHandlerOptions
        {
            Host = collector.BaseAddress.Authority,
            Format = HttpLogFormat.JsonBatch,
            User = "ida",
            LevelPollInterval = TimeSpan.Zero,
            CaptureUnhandledExceptions = false, // counted events: another test's crash is not ours
        }))
        {
            handler.CreateLogger("E2E.Reports").LogInformation(text);
            Assert.True(handler.Flush(TimeSpan.FromMinutes(1)), $"flush timed out: {handler.Statistics}"); // a bound for a broken build
            Assert.Equal((1, 0), (handler.Statistics.Sent, handler.Statistics.Dropped));
        }

        var stored = Assert.Single(await collector.EventsAsync("user=ida"));
        Assert.Equal(text.Length, stored.GetProperty("message").GetString()!.Length);
        Assert.Equal(text, stored.GetProperty("message").GetString());
        Assert.Equal(text, stored.GetProperty("template").GetString());
        Assert.InRange(bodies.Total, text.Length, text.Length + 1024); // the text once, and the envelope
    }

    [Fact]
    public async Task AddThreadedHttp_ConfigurationWithoutFormatOrUrl_CollectorStoresTemplatesAndProperties()
    {
        // Format defaulted to the seed's PythonForm: an app configured with Host alone had its events stored with the
        // rendered message as their template and no property. Url is left to its default, /log/{user}, too.
        await using var collector = await CollectorFixture.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:ThreadedHttp:Host"] = collector.BaseAddress.Authority,
            ["Logging:ThreadedHttp:User"] = "defaults",
            ["Logging:ThreadedHttp:CaptureUnhandledExceptions"] = "false", // counted events: another test's crash is not ours
        }).Build();
        await using (var services = new ServiceCollection()
            .AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddThreadedHttp())
            .BuildServiceProvider())
        {
            var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("E2E.Payroll");
            log.LogInformation("Paid {Employee} {Amount}", "ann", 1200);
            log.LogWarning("Late {Employee}", "bob");
            var handler = services.GetServices<ILoggerProvider>().OfType<ThreadedHttpHandler>().Single();
            Assert.True(handler.Flush(TimeSpan.FromMinutes(1)), $"flush timed out: {handler.Statistics}"); // a bound for a broken build
        }

        var events = await collector.EventsAsync("user=defaults");
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal("defaults", e.GetProperty("path").GetString()));
        var paid = Assert.Single(events, e => e.GetProperty("message").GetString() == "Paid ann 1200");
        Assert.Equal("Paid {Employee} {Amount}", paid.GetProperty("template").GetString());
        Assert.Equal("ann", paid.GetProperty("properties").GetProperty("Employee").GetString());
        Assert.Equal(1200, paid.GetProperty("properties").GetProperty("Amount").GetInt32());
        var late = Assert.Single(events, e => e.GetProperty("message").GetString() == "Late bob");
        Assert.Equal("Late {Employee}", late.GetProperty("template").GetString());
    }

    [Fact]
    public async Task ThreadedHttpHandler_StoreFailsOnOneEvent_CollectorsAnswerIsJson_ThatEventAloneDropped()
    {
        // Since the client takes a 500 that is not JSON for a proxy's during an outage (kept, retried for ever), an event
        // the collector cannot store must be answered with its JSON {"error": ...}, or it would block its app's log for ever.
        await using var collector = await CollectorFixture.StartAsync(services => GatedEventStore.Wrap(services, heldQuery: 0));
        var store = (GatedEventStore)collector.Services.GetRequiredService<IEventStore>();
        store.Poisoned = e => e.Message.Contains("poison", StringComparison.Ordinal);

        using (var response = await collector.PostJsonAsync("api/events", new { events = new[] { new { message = "poison" } } }))
        {
            Assert.Equal(500, (int)response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("internal error while ingesting; the request was not stored", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        }

        var selfLog = new List<string>();
        await using (var handler = new ThreadedHttpHandler(new ThreadedHttpHandlerOptions
        {
            Host = collector.BaseAddress.Authority,
            Url = "/log/{user}",
            Format = HttpLogFormat.JsonBatch,
            User = "poisoned",
            MinRetryDelay = TimeSpan.FromMilliseconds(1),
            CaptureUnhandledExceptions = false, // counted events: another test's unobserved task exception is not ours
            SelfLog = line =>
            {
                lock (selfLog)
                {
                    selfLog.Add(line);
                }
            },
        }))
        {
            var log = handler.CreateLogger("E2E.Payroll");
            for (var i = 0; i < 20; i++)
            {
                log.LogInformation("Payslip {N} {Kind}", i, i == 7 ? "poison" : "fine");
            }

            // A bound for a broken build (an answer taken for an outage is retried until it), not a timing assertion.
            Assert.True(handler.Flush(TimeSpan.FromMinutes(1)), $"flush timed out: {handler.Statistics}");
            Assert.Equal((19L, 1L), (handler.Statistics.Sent, handler.Statistics.Dropped));
        }

        var stored = await collector.EventsAsync("user=poisoned");
        Assert.Equal(Enumerable.Range(0, 20).Where(n => n != 7).Select(n => $"Payslip {n} fine").Order(StringComparer.Ordinal), stored.Select(e => e.GetProperty("message").GetString()).Order(StringComparer.Ordinal));
        lock (selfLog)
        {
            var dropped = Assert.Single(selfLog, line => line.Contains("dropped", StringComparison.Ordinal));
            Assert.Contains("HTTP 500", dropped, StringComparison.Ordinal);
            Assert.Contains("internal error while ingesting", dropped, StringComparison.Ordinal);
        }
    }
}
