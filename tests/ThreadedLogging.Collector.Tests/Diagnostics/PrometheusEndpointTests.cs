using System.Net;
using System.Net.Http.Headers;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Diagnostics;

/// <summary>
/// <c>GET /metrics</c>: the collector's meter (and ASP.NET Core's, the runtime's) in Prometheus's text format with
/// OpenTelemetry's Prometheus names and types, read from a real collector after real ingests, checked by the real
/// <c>promtool check metrics</c> and scraped by a real Prometheus server.
/// </summary>
public sealed class PrometheusEndpointTests
{
    private const string Requests = "threadedlogging_collector_ingest_requests_total";
    private const string Events = "threadedlogging_collector_ingest_events_total";
    private const string Duration = "threadedlogging_collector_ingest_duration_seconds";
    private static readonly string[] Keys = ["--Collector:IngestApiKeys:0=ingest-key", "--Collector:ReadApiKey=read-key", "--Collector:AdminApiKey=admin-key"];

    [Fact]
    public async Task Scrape_AfterIngests_EventsStoredAndRequestsByOutcomeInValidExposition()
    {
        await using var collector = await CollectorFixture.StartAsync(Keys);
        collector.Client.DefaultRequestHeaders.Add("X-Api-Key", "ingest-key");
        var batch = Http.Utf8(Http.Envelope("p-1", Event("one"), Event("two")));
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", batch, "application/json", idempotencyKey: "k-1")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", batch, "application/json", idempotencyKey: "k-1")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Http.Utf8("{\"events\": [1"), "application/json")).Status);

        collector.Client.DefaultRequestHeaders.Remove("X-Api-Key");
        var (status, contentType, text) = await ScrapeAsync(collector, new AuthenticationHeaderValue("Bearer", "read-key"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", contentType);
        var metrics = new PrometheusExposition(text);
        Assert.Equal(2, metrics.Value(Events, ("format", "json-batch"))); // the duplicate stored nothing
        Assert.Equal(1, metrics.Value(Requests, ("format", "json-batch"), ("outcome", "stored"), ("http_response_status_code", "200")));
        Assert.Equal(1, metrics.Value(Requests, ("format", "json-batch"), ("outcome", "duplicate"), ("http_response_status_code", "200")));
        Assert.Equal(1, metrics.Value(Requests, ("format", "json-batch"), ("outcome", "rejected"), ("http_response_status_code", "400")));
        Assert.Equal(1, metrics.Value(Duration + "_count", ("format", "json-batch"), ("outcome", "stored")));
        Assert.NotNull(metrics.Value(Duration + "_bucket", ("format", "json-batch"), ("outcome", "stored"), ("le", "0.0005"))); // our buckets, not the adapter's
        Assert.True(metrics.Has("http_server_request_duration_seconds_count"), "ASP.NET Core's requests");
        Assert.True(metrics.Has("dotnet_gc_collections_total"), "the runtime's meter");
        Assert.Equal(1, metrics.Value("target_info", ("service_name", "ThreadedLogging.Collector")));
        Assert.Equal(
            [
                "# TYPE dotnet_gc_collections_total counter",
                "# TYPE http_server_request_duration_seconds histogram",
                "# TYPE threadedlogging_collector_fulltext_behind gauge",
                "# TYPE threadedlogging_collector_ingest_active gauge",
                "# TYPE threadedlogging_collector_ingest_duration_seconds histogram",
                "# TYPE threadedlogging_collector_ingest_events_total counter",
                "# TYPE threadedlogging_collector_ingest_requests_total counter",
                "# TYPE threadedlogging_collector_live_streams_active gauge",
                "# TYPE threadedlogging_collector_sqs_messages_total counter",
                "# TYPE threadedlogging_collector_store_free_bytes gauge",
                "# TYPE threadedlogging_collector_store_size_bytes gauge",
                "# TYPE threadedlogging_collector_store_writes_failing gauge",
            ],
            metrics.Text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal) && (l.Contains("threadedlogging", StringComparison.Ordinal) || l.Contains("gc_collections", StringComparison.Ordinal) || l.Contains(" http_server_request_duration", StringComparison.Ordinal))).Order(StringComparer.Ordinal));
        var (exit, said) = await Promtool.CheckMetricsAsync(text);
        Assert.True(exit == 0, $"promtool check metrics exited {exit}: {said}");
    }

    [Fact]
    public async Task Scrape_ByARealPrometheus_CountersTypedCounterAndRateAnswered()
    {
        var scrapes = new ScrapeWatch();
        await using var collector = await CollectorFixture.StartAsync(scrapes.AddTo, Keys);
        collector.Client.DefaultRequestHeaders.Add("X-Api-Key", "ingest-key");
        await using var prometheus = await PrometheusServer.StartAsync(collector.BaseAddress, "read-key");
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Http.Utf8(Http.Envelope("p-3", Event("one"), Event("two"), Event("three"))), "application/json")).Status);

        var afterThree = await StoredWholeAsync(scrapes, prometheus);
        var three = await prometheus.QueryAsync(Events, afterThree.At);
        Assert.True(three is [{ Value: 3 }], $"after 3 events: {string.Join(", ", three.Select(s => s.Value))}");
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Http.Utf8(Http.Envelope("p-4", Event("four"), Event("five"))), "application/json")).Status);

        var afterFive = await StoredWholeAsync(scrapes, prometheus);
        var five = await prometheus.QueryAsync(Events, afterFive.At);
        Assert.True(five is [{ Value: 5 }], $"after 5 events: {string.Join(", ", five.Select(s => s.Value))}");
        // The range holds both scrapes read above, however many failed between them (the waits are bounded by minutes).
        var increase = await prometheus.QueryAsync($"increase({Events}{{format=\"json-batch\"}}[10m])", afterFive.At);
        var rate = await prometheus.QueryAsync($"rate({Requests}{{outcome=\"stored\"}}[10m])", afterFive.At);
        var metadata = await prometheus.MetadataAsync();

        Assert.True(increase is [{ Value: > 0 }], $"increase: {string.Join(", ", increase.Select(s => s.Value))}");
        Assert.True(rate is [{ Value: > 0 }], $"rate: {string.Join(", ", rate.Select(s => s.Value))}");
        Assert.Equal(("up", string.Empty), (afterFive.Health, afterFive.LastError));
        Assert.Equal("counter", metadata["threadedlogging_collector_ingest_requests"]);
        Assert.Equal("counter", metadata["threadedlogging_collector_ingest_events"]);
        Assert.Equal("histogram", metadata["threadedlogging_collector_ingest_duration_seconds"]);
        Assert.Equal("gauge", metadata["threadedlogging_collector_ingest_active"]);
    }

    /// <summary>
    /// A scrape begun after now that Prometheus stored whole: PromQL reads what it stored at its start (<c>At</c>). A scrape
    /// that outlasts Prometheus's scrape timeout (1 s, at most its interval; the collector or Prometheus slow on a loaded
    /// machine) is stored as failed, every series stale from then on, so a query "now" may find nothing: the scrapes are
    /// followed until one is stored whole. Each step waits for the next scrape to begin, which says the one before has been
    /// stored and reported (a target's scrapes run one after another). The bound is on a Prometheus that never stores one
    /// (a refused key, an exposition it cannot parse), not a timing.
    /// </summary>
    private static async Task<(string Health, string LastError, string At)> StoredWholeAsync(ScrapeWatch scrapes, PrometheusServer prometheus)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        (string Health, string LastError, string At) target = ("none", "no scrape reported", string.Empty);
        try
        {
            await scrapes.ScrapesBegunAsync(1).WaitAsync(bound.Token); // begun after now: it sees what was counted before
            while (target.Health != "up")
            {
                await scrapes.ScrapesBegunAsync(1).WaitAsync(bound.Token);
                target = await prometheus.TargetAsync();
            }

            return target;
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            throw new TimeoutException($"Prometheus stored no scrape whole within 2 minutes; the last: {target}");
        }
    }

    [Fact]
    public async Task Scrape_TwoCollectorsInOneProcess_EachShowsOnlyItsOwnRequests()
    {
        await using var busy = await CollectorFixture.StartAsync();
        await using var idle = await CollectorFixture.StartAsync();
        var batch = Http.Utf8(Http.Envelope("p-2", Event("one")));
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(busy.Client, HttpMethod.Post, "api/events", batch, "application/json")).Status);

        var (_, _, busyText) = await ScrapeAsync(busy, null);
        var (_, _, idleText) = await ScrapeAsync(idle, null);

        Assert.Equal(1, new PrometheusExposition(busyText).Value(Events, ("format", "json-batch")));
        Assert.Null(new PrometheusExposition(idleText).Value(Events, ("format", "json-batch")));
    }

    [Theory]
    [InlineData(null, null, HttpStatusCode.Unauthorized)]
    [InlineData("Bearer", "ingest-key", HttpStatusCode.Unauthorized)]
    [InlineData("Bearer", "wrong", HttpStatusCode.Unauthorized)]
    [InlineData("Bearer", "read-key", HttpStatusCode.OK)]
    [InlineData("Bearer", "admin-key", HttpStatusCode.OK)]
    [InlineData("Basic", "prometheus:read-key", HttpStatusCode.OK)] // basic_auth in a scrape config
    public async Task Scrape_KeysConfigured_ReadOrAdminKeyNeeded(string? scheme, string? credential, HttpStatusCode expected)
    {
        await using var collector = await CollectorFixture.StartAsync(Keys);
        var parameter = scheme == "Basic" ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credential!)) : credential;

        var (status, _, body) = await ScrapeAsync(collector, scheme is null ? null : new AuthenticationHeaderValue(scheme, parameter));

        Assert.Equal(expected, status);
        Assert.True(expected == HttpStatusCode.OK ? body.Contains("# TYPE ", StringComparison.Ordinal) : Http.Error(body).Contains("API key", StringComparison.Ordinal), body);
    }

    [Fact]
    public async Task Scrape_LoopbackWithoutKeys_OpenToLocalClientsNotToOtherSites()
    {
        await using var collector = await CollectorFixture.StartAsync();

        Assert.Equal(HttpStatusCode.OK, (await ScrapeAsync(collector, null)).Status);
        using var crossSite = new HttpRequestMessage(HttpMethod.Get, "metrics");
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var refused = await collector.Client.SendAsync(crossSite);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("loopback without API keys", Http.Error(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        using var post = await collector.Client.PostAsync("metrics", new StringContent(string.Empty));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task Scrape_PrometheusAcceptHeader_OpenMetricsAnswered()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");

        using var response = await collector.Client.SendAsync(request);

        Assert.Equal("application/openmetrics-text", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("# EOF\n", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Both formats a scraper may ask for, each checked by a parser of its own format: the text format by the real
    /// <c>promtool check metrics</c>, OpenMetrics (what Prometheus asks for first) by a strict OpenMetrics parser.
    /// promtool refuses any OpenMetrics exposition (<c>unknown metric type "info"</c> at <c>target_info</c>, then every
    /// counter, whose family drops <c>_total</c>): it parses only the text format, so it cannot be the check of OpenMetrics.
    /// </summary>
    [Fact]
    public async Task Scrape_BothFormats_TextPassesPromtoolAndOpenMetricsAStrictParser()
    {
        await using var collector = await CollectorFixture.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Http.Utf8(Http.Envelope("p-5", Event("one"))), "application/json")).Status);

        var (_, _, text) = await ScrapeAsync(collector, null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0");
        using var response = await collector.Client.SendAsync(request);
        var openMetrics = await response.Content.ReadAsStringAsync();

        Assert.Equal("application/openmetrics-text", response.Content.Headers.ContentType?.MediaType);
        var (textExit, promtoolSaid) = await Promtool.CheckMetricsAsync(text);
        Assert.True(textExit == 0, $"promtool check metrics exited {textExit}: {promtoolSaid}");
        var (openMetricsExit, families) = await OpenMetricsParser.ParseAsync(openMetrics);
        Assert.True(openMetricsExit == 0, $"OpenMetrics parser exited {openMetricsExit}: {families}");
        Assert.Contains("target info 1", families.Split('\n'));
        Assert.Contains("threadedlogging_collector_ingest_events counter 2", families.Split('\n')); // _total and _created
    }

    [Fact]
    public async Task Scrape_PrometheusTurnedOff_NotServed()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Metrics:Prometheus=false");

        Assert.Equal(HttpStatusCode.NotFound, (await ScrapeAsync(collector, null)).Status);
    }

    /// <summary>
    /// Unlike <c>/api</c>, the scrape and the health check ignore query parameters (docs/QUERY.md: nothing to narrow, and
    /// a Prometheus job's <c>params</c> or a health checker's cache buster must not turn into a failed check).
    /// </summary>
    [Theory]
    [InlineData("metrics?format=prometheus&module=http_2xx")]
    [InlineData("health?_=1764780000")]
    public async Task ScrapeAndHealth_WithParameters_AnsweredAsWithout(string url)
    {
        await using var collector = await CollectorFixture.StartAsync();

        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Get, url);

        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Contains(url.StartsWith("metrics", StringComparison.Ordinal) ? "target_info" : "\"status\":\"ok\"", body, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string? ContentType, string Body)> ScrapeAsync(CollectorFixture collector, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        request.Headers.Authorization = authorization;
        using var response = await collector.Client.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync());
    }

    private static object Event(string message) =>
        new { timestamp = "2026-12-02T10:00:00Z", level = "Information", category = "App", message };
}
