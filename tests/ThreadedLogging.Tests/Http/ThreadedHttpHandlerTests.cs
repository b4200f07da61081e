using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Http;

public sealed class ThreadedHttpHandlerTests
{
    /// <summary>JsonBatch to the loopback server, explicit triggers only, short retry delays (shared with <see cref="CollectorAnswerTests"/>).</summary>
    internal static ThreadedHttpHandlerOptions Options(LoopbackServer server, Action<ThreadedHttpHandlerOptions>? configure = null)
    {
        var options = new ThreadedHttpHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            Host = server.Host,
            Url = "/log/{user}",
            Format = HttpLogFormat.JsonBatch,
            User = "alice smith",
            App = "Payroll",
            Interval = TimeSpan.FromHours(1),
            MinRetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        };
        configure?.Invoke(options);
        return options;
    }

    [Fact]
    public async Task JsonBatch_CompressNotSetAndLoopbackHost_PlainJsonPost()
    {
        await using var server = await LoopbackServer.StartAsync();
        await using (var handler = new ThreadedHttpHandler(Options(server)))
        {
            handler.CreateLogger("Payroll.Export").LogInformation("Paid {Employee}", "e1");
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        var request = Assert.Single(server.Requests);
        Assert.False(request.Headers.ContainsKey("Content-Encoding"));
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("Paid e1", json.RootElement.GetProperty("events")[0].GetProperty("message").GetString());
    }

    [Fact]
    public void Options_Defaults_HttpBatchesOf2000OtherHandlers500()
    {
        Assert.Equal(2000, new ThreadedHttpHandlerOptions().BatchSize);
        Assert.Equal(500, new ThreadedHandlerOptions().BatchSize);
    }

    [Theory]
    [InlineData("127.0.0.1:8080", true)]
    [InlineData("127.3.4.5", true)]
    [InlineData("localhost:5000", true)]
    [InlineData("LOCALHOST", true)]
    [InlineData("localhost.:5000", true)]        // RFC 6761 6.3: the fully qualified name,
    [InlineData("app.localhost:5000", true)]     // and every name under it, are loopback
    [InlineData("App.Localhost.", true)]
    [InlineData("notlocalhost:5000", false)]
    [InlineData("localhost.example.com", false)]
    [InlineData("[::1]:5000", true)]
    [InlineData("logs.example.com:443", false)]
    [InlineData("10.0.0.1:80", false)]
    [InlineData("[2001:db8::1]:80", false)]
    public void IsLoopback_Host_TrueOnlyForThisMachine(string host, bool loopback) =>
        Assert.Equal(loopback, HttpBatchSink.IsLoopback(host));

    [Fact]
    public async Task JsonBatch_ManyEvents_OneGzipPostWithIdempotencyKey()
    {
        await using var server = await LoopbackServer.StartAsync();
        await using (var handler = new ThreadedHttpHandler(Options(server, o => o.Compress = true)))
        {
            var logger = handler.CreateLogger("Payroll.Export");
            for (var i = 0; i < 100; i++)
            {
                logger.LogInformation("Paid {Employee} {Amount}", $"e{i}", i * 1.5m);
            }

            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/log/alice%20smith", request.Path == "/log/alice smith" ? "/log/alice%20smith" : request.Path);
        Assert.Equal("gzip", request.Headers["Content-Encoding"]);
        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        Assert.Equal(request.Headers["Idempotency-Key"], root.GetProperty("batchId").GetString());
        Assert.Equal("Payroll", root.GetProperty("app").GetString());
        Assert.Equal("alice smith", root.GetProperty("user").GetString());
        var events = root.GetProperty("events");
        Assert.Equal(100, events.GetArrayLength());
        var last = events[99];
        Assert.Equal("Paid e99 148.5", last.GetProperty("message").GetString());
        Assert.Equal("Paid {Employee} {Amount}", last.GetProperty("template").GetString());
        Assert.Equal(148.5m, last.GetProperty("properties").GetProperty("Amount").GetDecimal());
        Assert.Equal("Information", last.GetProperty("level").GetString());
        Assert.Equal(100, last.GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task JsonBatch_ServerAnswers503Then429_RetriesHonouringRetryAfterAndDeliversOnce()
    {
        await using var server = await LoopbackServer.StartAsync();
        var answers = new Queue<IResult>([Results.StatusCode(503), new RetryAfterResult(429, "0"), Results.Ok()]);
        server.Respond = _ => Task.FromResult(answers.TryDequeue(out var answer) ? answer : Results.Ok());
        await using var handler = new ThreadedHttpHandler(Options(server));
        handler.CreateLogger("App").LogInformation("hello");

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(3, server.Requests.Count);
        Assert.Single(server.Requests.Select(r => r.Headers["Idempotency-Key"]).Distinct()); // the same batch each time
        Assert.Equal(1, handler.Statistics.Sent);
        Assert.Equal(2, handler.Statistics.Retried);
    }

    [Fact]
    public async Task JsonBatch_ServerDownThenUp_SelfLogSaysTheEventsAreKeptAndSentAgain()
    {
        // "Sending 2 events failed: HTTP 503 Service Unavailable" alone left an app's developer asking whether they were lost.
        await using var server = await LoopbackServer.StartAsync();
        var answers = new Queue<IResult>([Results.StatusCode(503), Results.Ok()]);
        server.Respond = _ => Task.FromResult(answers.TryDequeue(out var answer) ? answer : Results.Ok());
        var said = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var handler = new ThreadedHttpHandler(Options(server, o => o.SelfLog = said.Enqueue));
        var logger = handler.CreateLogger("App");
        logger.LogInformation("one");
        logger.LogInformation("two");

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, handler.Statistics.Sent);
        Assert.Contains(said, line => line.EndsWith("Sending 2 events failed: HTTP 503 Service Unavailable; they are kept and sent again after the backoff", StringComparison.Ordinal));
    }

    /// <summary>
    /// A 200 is the collector's commit; the level rules in its body are extra. A body that stops coming (a proxy; here
    /// until the request's timeout) or is cut off made the sent batch a failure: it was sent again and again, every resend
    /// counted retried, and Flush never returned true.
    /// </summary>
    [Fact]
    public async Task JsonBatch_AnswerBodyStopsAfter200_BatchCountedSentAndNotResent()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = _ => Task.FromResult<IResult>(new BodyStopsAfterHeaders());
        // The timeout ends the stalled body; generous, so that the headers' arrival never races it (1 s did, under load).
        await using var handler = new ThreadedHttpHandler(Options(server, o => o.RequestTimeout = TimeSpan.FromSeconds(10)));
        handler.CreateLogger("App").LogInformation("hello");

        Assert.True(handler.Flush(TimeSpan.FromSeconds(60)));
        var stats = handler.Statistics;
        Assert.Equal((1L, 0L, 0L), (stats.Sent, stats.Dropped, stats.Retried));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task JsonBatch_Unauthorized_DropsBatchAndReports()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = _ => Task.FromResult(Results.StatusCode(401));
        await using var handler = new ThreadedHttpHandler(Options(server, o => o.ApiKey = "wrong"));
        handler.CreateLogger("App").LogInformation("hello");

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal("wrong", server.Requests.Single().Headers["X-Api-Key"]);
        Assert.Equal(1, handler.Statistics.Dropped);
        Assert.Contains("401", handler.Statistics.LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wrong", "HTTP 401 Unauthorized: {\"error\":\"invalid API key\"} (check the handler's ApiKey, sent in X-Api-Key: the collector takes one of its Collector:IngestApiKeys)")]
    [InlineData(null, "HTTP 401 Unauthorized: {\"error\":\"missing API key\"} (the handler sends no key: set its ApiKey to one of the collector's Collector:IngestApiKeys)")]
    public async Task JsonBatch_Unauthorized_SelfLogNamesTheApiKeyOption(string? apiKey, string expected)
    {
        // The collector's answers to a wrong and to no key. Its reason named no option: an app set up from the quick start
        // (no ApiKey) against a collector with keys was told "missing API key" and nothing of what to set.
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = _ => Task.FromResult<IResult>(Results.Json(new { error = apiKey is null ? "missing API key" : "invalid API key" }, statusCode: 401));
        var said = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var handler = new ThreadedHttpHandler(Options(server, o => (o.ApiKey, o.SelfLog) = (apiKey, said.Enqueue)));
        handler.CreateLogger("App").LogInformation("hello");

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(expected, handler.Statistics.LastError);
        Assert.Contains(said, line => line.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dispose_BlackHoleServer_ReturnsWithinBudgetAndCountsLoss()
    {
        await using var server = await LoopbackServer.StartAsync();
        var never = new TaskCompletionSource<IResult>();
        server.Respond = _ => never.Task; // accepts, never answers
        var handler = new ThreadedHttpHandler(Options(server, o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(300)));
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 5; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        Assert.False(handler.Flush(TimeSpan.FromMilliseconds(100)));
        await handler.DisposeAsync(); // returns although the server never answers
        Assert.Equal(5, handler.Statistics.Dropped);
        never.SetResult(Results.Ok());
    }

    [Fact]
    public async Task Credentials_AreSentAsBasicAuth()
    {
        await using var server = await LoopbackServer.StartAsync();
        await using (var handler = new ThreadedHttpHandler(Options(server, o => o.Credentials = new HttpCredentials { UserName = "app", Password = "key-1" })))
        {
            handler.CreateLogger("App").LogInformation("hello");
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal("Basic " + Convert.ToBase64String("app:key-1"u8.ToArray()), server.Requests.Single().Headers["Authorization"]);
    }

    [Fact]
    public async Task AddThreadedHttp_FromConfiguration_BindsOptionsLikeMelProviders()
    {
        await using var server = await LoopbackServer.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:ThreadedHttp:Host"] = server.Host,
            ["Logging:ThreadedHttp:Url"] = "/log/{app}/{user}",
            ["Logging:ThreadedHttp:Method"] = "POST",
            ["Logging:ThreadedHttp:Format"] = "JsonBatch",
            ["Logging:ThreadedHttp:App"] = "FromConfig",
            ["Logging:ThreadedHttp:User"] = "bob",
            ["Logging:ThreadedHttp:BatchSize"] = "3",
            ["Logging:ThreadedHttp:LogLevel:Default"] = "Warning",
            ["Logging:ThreadedHttp:CaptureUnhandledExceptions"] = "false",
        }).Build();
        var services = new ServiceCollection()
            .AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddThreadedHttp())
            .BuildServiceProvider();

        var handler = Assert.IsType<ThreadedHttpHandler>(services.GetServices<ILoggerProvider>().Single());
        Assert.Equal(HttpLogFormat.JsonBatch, handler.Format);
        Assert.Equal("FromConfig", handler.Identity.App);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("App");
        logger.LogInformation("filtered out by Logging:ThreadedHttp:LogLevel");
        for (var i = 0; i < 3; i++)
        {
            logger.LogWarning("w{N}", i);
        }

        await server.WaitForRequestsAsync(1); // BatchSize 3 from configuration sends without a flush
        Assert.Equal("/log/FromConfig/bob", server.Requests[0].Path);
        using var json = JsonDocument.Parse(server.Requests[0].Body);
        Assert.Equal(["w0", "w1", "w2"], json.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("message").GetString()));
        await services.DisposeAsync();
    }

    [Fact]
    public async Task AddThreadedHttp_ConfigurationWithoutFormat_ShipsJsonBatchWithTemplatesAndProperties()
    {
        // Before: Format defaulted to the seed's PythonForm, so an app whose Logging:ThreadedHttp left "Format" out sent one
        // request per event with the rendered message only: no template, no property. The other keys besides Host and
        // ApiKey only make the requests countable (no timer, no level poll, no other test's crash logged into it).
        await using var server = await LoopbackServer.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:ThreadedHttp:Host"] = server.Host,
            ["Logging:ThreadedHttp:ApiKey"] = "ingest-key",
            ["Logging:ThreadedHttp:Interval"] = "01:00:00",
            ["Logging:ThreadedHttp:LevelPollInterval"] = "00:00:00",
            ["Logging:ThreadedHttp:CaptureUnhandledExceptions"] = "false",
        }).Build();
        await using var services = new ServiceCollection()
            .AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddThreadedHttp())
            .BuildServiceProvider();
        var handler = Assert.IsType<ThreadedHttpHandler>(services.GetServices<ILoggerProvider>().Single());
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Payroll");

        logger.LogInformation("Paid {Employee} {Amount}", "ann", 1200);
        logger.LogInformation("Paid {Employee} {Amount}", "bob", 900);
        logger.LogWarning("Late {Employee}", "cid");
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("/log/", request.Path, StringComparison.Ordinal); // Url's default, served by the collector for every format
        Assert.Equal("ingest-key", request.Headers["X-Api-Key"]);
        using var json = JsonDocument.Parse(request.Body);
        var events = json.RootElement.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["Paid {Employee} {Amount}", "Paid {Employee} {Amount}", "Late {Employee}"], events.Select(e => e.GetProperty("template").GetString()));
        Assert.Equal(["Paid ann 1200", "Paid bob 900", "Late cid"], events.Select(e => e.GetProperty("message").GetString()));
        Assert.Equal("ann", events[0].GetProperty("properties").GetProperty("Employee").GetString());
        Assert.Equal(1200, events[0].GetProperty("properties").GetProperty("Amount").GetInt32());
        Assert.Equal(HttpLogFormat.JsonBatch, handler.Format);
    }

    [Theory]
    [InlineData("JsonBatch", HttpLogFormat.JsonBatch)]
    [InlineData(null, HttpLogFormat.PythonForm)]
    public async Task AddThreadedHttpSeedSignature_FormatInConfiguration_Wins_WithoutIt_PythonForm(string? format, HttpLogFormat expected)
    {
        // Before: the seed's AddThreadedHttp(host, url, method) set PythonForm after the binding, so an app whose
        // Logging:ThreadedHttp said "Format": "JsonBatch" silently sent the seed's form. PythonForm is now its default only.
        await using var server = await LoopbackServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Logging:ThreadedHttp:Interval"] = "01:00:00",
            ["Logging:ThreadedHttp:LevelPollInterval"] = "00:00:00",
            ["Logging:ThreadedHttp:CaptureUnhandledExceptions"] = "false",
        };
        if (format is not null)
        {
            settings["Logging:ThreadedHttp:Format"] = format;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        await using var services = new ServiceCollection()
            .AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddThreadedHttp(server.Host, "/log/{user}", "POST"))
            .BuildServiceProvider();
        var handler = Assert.IsType<ThreadedHttpHandler>(services.GetServices<ILoggerProvider>().Single());

        Assert.Equal(expected, handler.Format);
        services.GetRequiredService<ILoggerFactory>().CreateLogger("Payroll").LogInformation("Paid {Employee}", "ann");
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        var request = Assert.Single(server.Requests);
        Assert.Equal(expected == HttpLogFormat.JsonBatch ? "application/json" : "application/x-www-form-urlencoded", request.Headers["Content-Type"].Split(';')[0]);
    }

    [Theory]
    [InlineData(true, true, HttpLogFormat.JsonBatch)]
    [InlineData(false, true, HttpLogFormat.JsonBatch)]
    [InlineData(true, false, HttpLogFormat.PythonForm)]
    [InlineData(false, false, HttpLogFormat.PythonForm)]
    public async Task AddThreadedHttpSeedSignature_FormatSetByAnotherConfigure_WinsInEitherOrder_WithoutIt_PythonForm(bool seedFirst, bool setsFormat, HttpLogFormat expected)
    {
        // Before: the seed overload's PythonForm default was a configure delegate registered at its call, after the
        // binding, so an app's AddThreadedHttp(o => o.Format = JsonBatch) registered before it was overridden (the last
        // registration won); registered after it, it won. The default now runs before the binding and every delegate.
        await using var server = await LoopbackServer.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:ThreadedHttp:Interval"] = "01:00:00",
            ["Logging:ThreadedHttp:LevelPollInterval"] = "00:00:00",
            ["Logging:ThreadedHttp:CaptureUnhandledExceptions"] = "false",
        }).Build();
        void App(ThreadedHttpHandlerOptions o)
        {
            o.BatchSize = 50;
            if (setsFormat)
            {
                o.Format = HttpLogFormat.JsonBatch;
            }
        }

        await using var services = new ServiceCollection()
            .AddLogging(b =>
            {
                b.AddConfiguration(configuration.GetSection("Logging"));
                if (seedFirst)
                {
                    b.AddThreadedHttp(server.Host, "/log/{user}", "POST").AddThreadedHttp(App);
                }
                else
                {
                    b.AddThreadedHttp(App).AddThreadedHttp(server.Host, "/log/{user}", "POST");
                }
            })
            .BuildServiceProvider();
        var handler = Assert.IsType<ThreadedHttpHandler>(services.GetServices<ILoggerProvider>().Single());

        Assert.Equal(expected, handler.Format);
        services.GetRequiredService<ILoggerFactory>().CreateLogger("Payroll").LogInformation("Paid {Employee}", "ann");
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        var request = Assert.Single(server.Requests);
        Assert.Equal(expected == HttpLogFormat.JsonBatch ? "application/json" : "application/x-www-form-urlencoded", request.Headers["Content-Type"].Split(';')[0]);
        Assert.StartsWith("/log/", request.Path, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BufferDirectroy", "/var/spool/app")]
    [InlineData("Interval ", "00:00:05")]
    [InlineData("ExcludeCategories:0", "Microsoft")]
    public void AddThreadedHttp_MisspeltOptionInConfiguration_ThrowsAtStartNamingIt(string key, string value)
    {
        // Before: the binder ignored the key; the app ran without what it asked for (no spool: events lost in an outage).
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:ThreadedHttp:Host"] = "127.0.0.1:9",
            ["Logging:ThreadedHttp:LogLevel:Default"] = "Warning",
            [$"Logging:ThreadedHttp:{key}"] = value,
        }).Build();
        using var services = new ServiceCollection()
            .AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddThreadedHttp())
            .BuildServiceProvider();

        var e = Assert.Throws<ArgumentException>(() => services.GetRequiredService<ILoggerFactory>());

        var name = key.Split(':')[0];
        Assert.Equal(name, e.ParamName);
        Assert.StartsWith($"Logging:ThreadedHttp:{name} is not an option of ThreadedHttpHandlerOptions", e.Message, StringComparison.Ordinal);
        Assert.Contains("BufferDirectory", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Level", "Verbose", "Logging:ThreadedHttp:Level is 'Verbose', not a LogLevel: one of Trace, Debug, Information, Warning, Error, Critical, None.")]
    [InlineData("Format", "Json", "Logging:ThreadedHttp:Format is 'Json', not a HttpLogFormat: one of ")]
    [InlineData("BatchSize", "many", "Logging:ThreadedHttp: Failed to convert configuration value 'many'")]
    public void AddThreadedHttp_ValueNotOfTheOptionsType_ThrowsAtStartNamingTheSectionAndWhatIsAllowed(string key, string value, string start)
    {
        // Adopter walk 4: the binder said "Failed to convert configuration value 'Verbose' at 'Level'", naming neither the
        // section nor the levels there are.
        var e = Assert.Throws<InvalidOperationException>(() => FactoryWith(key, value));

        Assert.StartsWith(start, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddThreadedHttp_ListOptionGivenOneValue_ThrowsAtStartSayingHowToWriteIt()
    {
        // The binder skips a plain value for a list: ExcludedCategories=Microsoft excluded nothing, unsaid.
        var e = Assert.Throws<ArgumentException>(() => FactoryWith("ExcludedCategories", "Microsoft"));

        Assert.Equal("ExcludedCategories", e.ParamName);
        Assert.StartsWith("Logging:ThreadedHttp:ExcludedCategories is a list: give its items as ExcludedCategories:0", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SelfLog", "console", "callback")]
    [InlineData("selflog", "true", "callback")]
    [InlineData("TimeProvider", "System", "TimeProvider")]
    public void AddThreadedHttp_CodeOnlyOptionInConfiguration_ThrowsAtStartSayingToSetItInCode(string key, string value, string kind)
    {
        // The binder skipped it without a word: "SelfLog": "console" left the app as deaf as before, and the refusal of a
        // misspelt key listed SelfLog and TimeProvider among the options configuration can set.
        var e = Assert.Throws<ArgumentException>(() => FactoryWith(key, value));

        Assert.Equal(key, e.ParamName);
        Assert.StartsWith($"Logging:ThreadedHttp:{key} cannot be set from configuration: it is a {kind}, set in code by the Add… call's delegate", e.Message, StringComparison.Ordinal);
        Assert.Contains("o => o.SelfLog = Console.Error.WriteLine", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddThreadedHttp_MisspeltOptionInConfiguration_ListsNoCodeOnlyOption()
    {
        var e = Assert.Throws<ArgumentException>(() => FactoryWith("BufferDirectroy", "/var/spool/app"));

        Assert.Contains("BufferDirectory", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SelfLog", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TimeProvider", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BatchSzie", "BatchSzie is not an option of ThreadedHttpHandlerOptions", "BatchSize")] // two letters swapped: one edit
    [InlineData("batchsize2", "batchsize2 is not an option of ThreadedHttpHandlerOptions", "BatchSize")] // any case
    [InlineData("MaxRetryDelays", "MaxRetryDelays is not an option of ThreadedHttpHandlerOptions", "MaxRetryDelay")]
    [InlineData("BufferDirctroy", "BufferDirctroy is not an option of ThreadedHttpHandlerOptions", "BufferDirectory")] // two edits in a long name
    [InlineData("Uesr", "Uesr is not an option of ThreadedHttpHandlerOptions", "User")]
    [InlineData("Lvl", "Lvl is not an option of ThreadedHttpHandlerOptions", null)] // two edits in a short name: most short words would look alike
    [InlineData("Flavour", "Flavour is not an option of ThreadedHttpHandlerOptions", null)]
    [InlineData("Credentials:Pasword", "Credentials:Pasword is not an option of HttpCredentials", "Password")]
    public void AddThreadedHttp_OptionNameAnEditOrTwoFromAnOption_RefusalSaysWhichWasMeant(string key, string start, string? meant)
    {
        // "Logging:ThreadedHttp:BatchSzie is not an option …; the options are App, BatchSize, …" (every option): the app's
        // developer had to find BatchSize in the list and compare it letter by letter.
        var e = Assert.Throws<ArgumentException>(() => FactoryWith(key, "1"));

        Assert.StartsWith($"Logging:ThreadedHttp:{start} (a misspelt name is not applied)", e.Message, StringComparison.Ordinal);
        if (meant is null)
        {
            Assert.DoesNotContain("did you mean", e.Message, StringComparison.Ordinal);
            Assert.Contains("; the options are ", e.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains($"(a misspelt name is not applied): did you mean {meant}? The options are ", e.Message, StringComparison.Ordinal);
        }
    }

    private static ILoggerFactory FactoryWith(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:ThreadedHttp:Host"] = "127.0.0.1:9",
            [$"Logging:ThreadedHttp:{key}"] = value,
        }).Build();
        using var services = new ServiceCollection()
            .AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddThreadedHttp())
            .BuildServiceProvider();
        return services.GetRequiredService<ILoggerFactory>();
    }

    [Fact]
    public void AddThreadedHttp_MisspeltKeyInsideCredentials_ThrowsAtStartNamingIt()
    {
        // Only the section's own keys were checked: Credentials:Pasword bound nothing, and every request was a 401.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:ThreadedHttp:Host"] = "127.0.0.1:9",
            ["Logging:ThreadedHttp:Credentials:UserName"] = "app",
            ["Logging:ThreadedHttp:Credentials:Pasword"] = "s3cret",
        }).Build();
        using var services = new ServiceCollection()
            .AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddThreadedHttp())
            .BuildServiceProvider();

        var e = Assert.Throws<ArgumentException>(() => services.GetRequiredService<ILoggerFactory>());

        Assert.StartsWith("Logging:ThreadedHttp:Credentials:Pasword is not an option of HttpCredentials", e.Message, StringComparison.Ordinal);
        Assert.Contains("Password, UserName", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "/log", "GET", "Host")]
    [InlineData("example.com/x", "/log", "GET", "Host")]
    [InlineData("example.com:80", "log", "GET", "Url")]
    [InlineData("example.com:80", "/log", "PUT", "Method")]
    [InlineData("example.com:80", "/log/{usr}", "GET", "Url")]
    [InlineData("example.com:80", "/log/{user}/{App}/{host}", "GET", "Url")]
    [InlineData("example.com:80", "/log/{user", "GET", "Url")]
    [InlineData("example.com:80", "/log/user}", "GET", "Url")]
    public void Constructor_BadArgument_ThrowsNamingIt(string host, string url, string method, string option)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new ThreadedHttpHandler(host, url, method));
        Assert.Equal(option, error.ParamName);
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/log/{user}")]
    [InlineData("/log/{USER}/{machine}/{App}")]
    [InlineData("/ingest")]
    public void Constructor_UrlWithTheHandlersPlaceholders_Accepted(string url)
    {
        new ThreadedHttpHandlerOptions { Host = "example.com:80", Url = url }.Validate();
        using var handler = new ThreadedHttpHandler("example.com:80", url, "POST");
    }

    [Theory]
    [InlineData("/log/{user}", "User", "..")]
    [InlineData("/log/{user}", "User", ".")]
    [InlineData("/log/{user}/{MACHINE}", "Machine", "..")]
    [InlineData("/log/{app}/{user}", "App", "..")]
    public void Options_NameFilledIntoUrlIsADotSegment_RefusedNamingTheOption(string url, string option, string value)
    {
        // Uri resolves /log/.. to / (RFC 3986 5.2.4): the events would be filed under another path.
        var options = new ThreadedHttpHandlerOptions { Host = "example.com:80", Url = url };
        typeof(ThreadedHttpHandlerOptions).GetProperty(option)!.SetValue(options, value);
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(option, error.ParamName);
        Assert.StartsWith($"{option} must not be '.' or '..'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"(was '{value}')", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/log", "..")]
    [InlineData("/api/events", ".")]
    public void Options_UserDotSegmentWhateverTheUrl_RefusedNamingTheOption(string url, string user)
    {
        // The collector refuses '.' and '..' as user names in every format (400): the JsonBatch envelope's user too.
        var error = Assert.Throws<ArgumentException>(new ThreadedHttpHandlerOptions { Host = "example.com:80", Url = url, User = user }.Validate);
        Assert.Equal("User", error.ParamName);
        Assert.StartsWith($"User must not be '.' or '..' (was '{user}')", error.Message, StringComparison.Ordinal);

        var core = Assert.Throws<ArgumentException>(new ThreadedHandlerOptions { User = user }.Validate);
        Assert.Equal(("User", error.Message), (core.ParamName, core.Message));
    }

    [Theory]
    [InlineData("/log/{user}", "...")]
    [InlineData("/log/{user}", "a..b")]
    public void Options_DotsThatAreNoPathStep_AcceptedAndKeptInTheUrl(string url, string user)
    {
        var options = new ThreadedHttpHandlerOptions { Host = "example.com:80", Url = url, User = user };
        options.Validate();
        var uri = HttpBatchSink.BuildUri(options, LogIdentity.From(options));
        Assert.Equal(url.Replace("{user}", user, StringComparison.Ordinal), uri.AbsolutePath);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", "write Host '127.0.0.1:5080' (no scheme: Secure true for https)")]
    [InlineData("https://logs.example.com", "write Host 'logs.example.com' and Secure true")]
    [InlineData("https://logs.example.com:8443/log/{user}", "write Host 'logs.example.com:8443' and Secure true, the path in Url ('/log/{user}')")]
    [InlineData("127.0.0.1:5080/", "write Host '127.0.0.1:5080'.")]
    public void Options_HostWrittenAsAUrl_RefusalSaysWhatToWrite(string host, string hint)
    {
        // README's collector address is a URL (http://127.0.0.1:5080); Host takes its name and port only.
        var error = Assert.Throws<ArgumentException>(new ThreadedHttpHandlerOptions { Host = host, Url = "/log/{user}" }.Validate);
        Assert.Equal("Host", error.ParamName);
        Assert.StartsWith($"Host must be 'name' or 'name:port' (was '{host}'): {hint}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ann:s3cret@logs.example.com:5080", "(was '***@logs.example.com:5080'): write Host 'logs.example.com:5080'")]
    [InlineData("ann@logs.example.com", "(was '***@logs.example.com'): write Host 'logs.example.com'")]
    [InlineData("https://ann:s3cret@logs.example.com/log/{user}", "(was 'https://***@logs.example.com/log/{user}'): write Host 'logs.example.com' and Secure true, the path in Url ('/log/{user}')")]
    [InlineData("http://ann:s3cret@127.0.0.1:5080", "(was 'http://***@127.0.0.1:5080'): write Host '127.0.0.1:5080' (no scheme: Secure true for https)")]
    [InlineData("ann:s3c/ret@logs.example.com:5080", "(was '***@logs.example.com:5080'): write Host 'logs.example.com:5080'")] // a '/' in the password
    [InlineData("ann:s3c://ret@logs.example.com:5080", "(was '***@logs.example.com:5080'): write Host 'logs.example.com:5080'")] // a "://" in the password: no scheme's end
    [InlineData("https://ann:s3c/ret@logs.example.com/log/{user}", "(was 'https://***@logs.example.com/log/{user}'): write Host 'logs.example.com' and Secure true, the path in Url ('/log/{user}')")]
    [InlineData("a1://ann:s3cret@logs.example.com", "(was 'a1://***@logs.example.com'): write Host 'logs.example.com' (no scheme: Secure true for https)")] // before: "write Host 'a1:'", refused in turn
    public void Options_HostWithUserNameOrPassword_RefusedWithoutShowingThem(string host, string said)
    {
        // "ann:s3cret@host" was taken as a Host (HttpClient sends no credentials from it), and a URL's refusal said the password twice:
        // the exception lands in the app's crash log.
        var error = Assert.Throws<ArgumentException>(new ThreadedHttpHandlerOptions { Host = host, Url = "/log/{user}" }.Validate);
        Assert.Equal("Host", error.ParamName);
        Assert.StartsWith($"Host must be 'name' or 'name:port' {said}", error.Message, StringComparison.Ordinal);
        Assert.Contains("a user name and password go in Credentials", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3c", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ann", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_UnknownPlaceholder_MessageNamesIt()
    {
        var options = new ThreadedHttpHandlerOptions { Host = "example.com:80", Url = "/log/{usr}" };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("'{usr}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("{user}, {machine} and {app}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X Api Key")]
    [InlineData("X-Api-Key:")]
    [InlineData("Schlüssel")]
    public void Options_ApiKeyHeaderNotAHeaderName_ThrowsNamingIt(string header)
    {
        // HttpClient drops such a header without a word (TryAddWithoutValidation returns false): every send went without the key.
        var options = new ThreadedHttpHandlerOptions { Host = "example.com:80", ApiKey = "k", ApiKeyHeader = header };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(nameof(ThreadedHttpHandlerOptions.ApiKeyHeader), error.ParamName);
    }

    [Theory]
    [InlineData("secret-key\n", 10)]
    [InlineData("secret\r\nX-Other: 1", 6)]
    [InlineData("secret\u0001key", 6)]
    [InlineData("secret\u007f", 6)]
    public void Options_ApiKeyWithControlCharacters_ThrowsWithoutShowingTheKey(string key, int index)
    {
        // Sent as it is, a line break broke the request's header: the collector answered 400 and every batch was dropped.
        var options = new ThreadedHttpHandlerOptions { Host = "example.com:80", ApiKey = key };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(nameof(ThreadedHttpHandlerOptions.ApiKey), error.ParamName);
        Assert.Contains($"index {index}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" secret-key", "starts or ends with white space")]
    [InlineData("secret-key ", "starts or ends with white space")]
    [InlineData("secret-kéy", "outside printable ASCII at index 8")]
    [InlineData("secret-key x", "outside printable ASCII at index 10")]
    public void Options_ApiKeyNoHeaderCanCarry_ThrowsWithoutShowingTheKey(string key, string reason)
    {
        // HTTP trims the spaces (the collector refuses such keys: every request a 401); HttpClient refuses non-ASCII values.
        var options = new ThreadedHttpHandlerOptions { Host = "example.com:80", ApiKey = key };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(nameof(ThreadedHttpHandlerOptions.ApiKey), error.ParamName);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ApiKeyOfPrintableCharacters_Accepted()
    {
        var options = new ThreadedHttpHandlerOptions { Host = "example.com:80", ApiKey = "tl_3f9 A+/=~", ApiKeyHeader = "X-Seq-ApiKey" };
        options.Validate();
    }

    /// <summary>A 200 whose JSON body starts and then never goes on.</summary>
    private sealed class BodyStopsAfterHeaders : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = 200;
            httpContext.Response.ContentType = "application/json";
            await httpContext.Response.Body.WriteAsync("{\"levels\": ["u8.ToArray());
            await httpContext.Response.Body.FlushAsync();
            try
            {
                await Task.Delay(Timeout.Infinite, httpContext.RequestAborted); // until the client gives up on the body
            }
            catch (OperationCanceledException)
            {
                // the client closed the connection
            }
        }
    }

    private sealed class RetryAfterResult(int status, string retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.Headers.RetryAfter = retryAfter;
            return Task.CompletedTask;
        }
    }
}
