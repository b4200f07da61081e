using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Alerts;

/// <summary>
/// Alert rules made through the API on a real collector (SQLite) and a real webhook receiver: created, listed without
/// their secrets, evaluated, changed, deleted, audited, kept across a restart; bad input 400 naming the field; configured
/// rules read-only; only the admin key changes them. Evaluations run at the test's moments (<see cref="AlertScenario"/>).
/// </summary>
public sealed class AlertRulesApiTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private long _sequence;

    [Fact]
    public async Task Post_Rule_CreatedListedWithoutSecretsEvaluatedAndAudited()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var collector = await CollectorFixture.StartAsync("--Collector:Alerts:Interval=01:00:00");

        var (status, text) = await SendAsync(collector, HttpMethod.Post, "api/alerts", Rule(receiver));

        Assert.Equal(HttpStatusCode.Created, status);
        var created = JsonDocument.Parse(text).RootElement;
        var id = created.GetProperty("id").GetInt64();
        Assert.Equal(("payroll-errors", false, "open (loopback, no keys)", "127.0.0.1"), (created.GetProperty("name").GetString(), created.GetProperty("readOnly").GetBoolean(), created.GetProperty("createdBy").GetString(), created.GetProperty("webhookHost").GetString()));
        var (_, listedText) = await Http.SendAsync(collector.Client, HttpMethod.Get, "api/alerts");
        Assert.DoesNotContain("secret", listedText, StringComparison.Ordinal);
        var listed = JsonDocument.Parse(listedText).RootElement;
        var alert = Assert.Single(listed.GetProperty("alerts").EnumerateArray());
        Assert.Equal((id, "level=Error&app=Payroll", 2, "01:00:00"), (alert.GetProperty("id").GetInt64(), alert.GetProperty("query").GetString(), alert.GetProperty("threshold").GetInt32(), alert.GetProperty("window").GetString()));
        var audit = Assert.Single(listed.GetProperty("audit").EnumerateArray());
        Assert.Equal((id, "created", "open (loopback, no keys)"), (audit.GetProperty("ruleId").GetInt64(), audit.GetProperty("action").GetString(), audit.GetProperty("by").GetString()));
        Assert.Equal(["Authorization"], JsonDocument.Parse(audit.GetProperty("rule").GetString()!).RootElement.GetProperty("headers").EnumerateArray().Select(h => h.GetString()));

        await PostAsync(collector, Minute * 1, "a");
        await PostAsync(collector, Minute * 2, "b");
        await AlertScenario.EvaluateAtAsync(collector, Minute * 5);

        var (_, headers, body, _) = Assert.Single(receiver.Requests);
        Assert.Equal(("payroll-errors", 2), (body.GetProperty("alert").GetString(), body.GetProperty("count").GetInt32()));
        Assert.Equal("Bearer secret-header-XYZ", headers.Authorization.ToString());
    }

    [Fact]
    public async Task Put_Threshold_ChangedSecretsKeptAudited()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var collector = await CollectorFixture.StartAsync("--Collector:Alerts:Interval=01:00:00");
        var id = await CreateAsync(collector, Rule(receiver));

        var (status, text) = await SendAsync(collector, HttpMethod.Put, $"api/alerts/{id}", new { name = "Payroll errors (3)", query = "level=Error&app=Payroll", threshold = 3, window = "01:00:00" });

        Assert.True(status == HttpStatusCode.OK, text);
        await PostAsync(collector, Minute * 1, "a");
        await PostAsync(collector, Minute * 2, "b");
        await AlertScenario.EvaluateAtAsync(collector, Minute * 5);
        Assert.Empty(receiver.Requests); // 2 < 3
        await PostAsync(collector, Minute * 6, "c");
        await AlertScenario.EvaluateAtAsync(collector, Minute * 7);
        var (path, headers, body, _) = Assert.Single(receiver.Requests);
        Assert.Equal(("Payroll errors (3)", 3), (body.GetProperty("alert").GetString(), body.GetProperty("count").GetInt32()));
        Assert.Equal(("/services/T000/B000/secret-path-XYZ", "Bearer secret-header-XYZ"), (path, headers.Authorization.ToString()));
        var listed = await collector.GetJsonAsync("api/alerts");
        Assert.Equal(["changed", "created"], listed.GetProperty("audit").EnumerateArray().Select(a => a.GetProperty("action").GetString()));
        var alert = Assert.Single(listed.GetProperty("alerts").EnumerateArray());
        Assert.Equal((id, 3, "open (loopback, no keys)"), (alert.GetProperty("id").GetInt64(), alert.GetProperty("threshold").GetInt32(), alert.GetProperty("changedBy").GetString()));
    }

    [Fact]
    public async Task Put_WebhookToAnotherHostWithoutHeaders_TheStoredSecretsDoNotFollowIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var other = await WebhookReceiver.StartAsync();
        await using var collector = await CollectorFixture.StartAsync("--Collector:Alerts:Interval=01:00:00");
        var id = await CreateAsync(collector, Rule(receiver));

        var (status, text) = await SendAsync(collector, HttpMethod.Put, $"api/alerts/{id}", new { name = "payroll-errors", query = "level=Error&app=Payroll", threshold = 2, window = "01:00:00", webhook = $"{other.BaseAddress}/mine" });

        Assert.True(status == HttpStatusCode.OK, text);
        await PostAsync(collector, Minute * 1, "a");
        await PostAsync(collector, Minute * 2, "b");
        await AlertScenario.EvaluateAtAsync(collector, Minute * 5);
        Assert.Empty(receiver.Requests);
        var (path, headers, _, _) = Assert.Single(other.Requests);
        Assert.Equal("/mine", path);
        Assert.Equal(string.Empty, headers.Authorization.ToString());
    }

    [Fact]
    public async Task Delete_Rule_NoLongerListedOrEvaluatedAudited()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var collector = await CollectorFixture.StartAsync("--Collector:Alerts:Interval=01:00:00");
        var id = await CreateAsync(collector, Rule(receiver));

        var (deleted, _) = await Http.SendAsync(collector.Client, HttpMethod.Delete, $"api/alerts/{id}");
        var (again, againText) = await Http.SendAsync(collector.Client, HttpMethod.Delete, $"api/alerts/{id}");
        await PostAsync(collector, Minute * 1, "a");
        await PostAsync(collector, Minute * 2, "b");
        await AlertScenario.EvaluateAtAsync(collector, Minute * 5);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NotFound), (deleted, again));
        Assert.Equal($"no alert rule {id} made through the API", Http.Error(againText));
        Assert.Empty(receiver.Requests);
        var listed = await collector.GetJsonAsync("api/alerts");
        Assert.Empty(listed.GetProperty("alerts").EnumerateArray());
        Assert.Equal(["deleted", "created"], listed.GetProperty("audit").EnumerateArray().Select(a => a.GetProperty("action").GetString()));
    }

    /// <summary>
    /// The restart reads the files the first collector left. It was started on the first one's own folder, which that one
    /// deleted when disposed: SQLite's connection pool still held the deleted alerts.db open, so the rule seemed kept, until
    /// another test's <c>ClearAllPools</c> (or the pool's pruning) closed it: then <c>no such table: alert_rules</c>, a 500
    /// (seen once in CI). The pools are cleared here, so only what is on disk is read.
    /// </summary>
    [Fact]
    public async Task Post_ThenRestart_RuleKeptAndWhatItNotifiedNotNotifiedAgain()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var data = new TempDirectory();
        await using (var first = await CollectorFixture.StartInAsync(data.Path, "--Collector:Alerts:Interval=01:00:00"))
        {
            await CreateAsync(first, Rule(receiver));
            await PostAsync(first, Minute * 1, "a");
            await PostAsync(first, Minute * 2, "b");
            await AlertScenario.EvaluateAtAsync(first, Minute * 5);
            Assert.Single(receiver.Requests);
        }

        SqliteConnection.ClearAllPools();
        await using var second = await CollectorFixture.StartInAsync(data.Path, "--Collector:Alerts:Interval=01:00:00");
        Assert.Equal(2, (await second.EventsAsync()).Count);
        await AlertScenario.EvaluateAtAsync(second, Minute * 6); // a and b are in its window, but were notified
        Assert.Single(receiver.Requests);
        await PostAsync(second, Minute * 70, "c");
        await PostAsync(second, Minute * 71, "d");
        await AlertScenario.EvaluateAtAsync(second, Minute * 72);
        SqliteConnection.ClearAllPools();

        Assert.Equal("payroll-errors", Assert.Single((await second.GetJsonAsync("api/alerts")).GetProperty("alerts").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(2, receiver.Requests.Count);
        Assert.Equal(["d", "c"], AlertScenario.Messages(receiver.Requests.Last().Body));
        Assert.Empty(second.Log.Entries);
    }

    [Theory]
    [InlineData("""{"name":"r","query":"lvl=Error","webhook":"http://127.0.0.1:9/h"}""", "'query': unknown parameter 'lvl'")]
    [InlineData("""{"name":"r","query":"level=Error&from=2026-12-01T00:00:00Z","webhook":"http://127.0.0.1:9/h"}""", "'query': parameter 'from' is not taken by a rule")]
    [InlineData("""{"name":"r","window":"00:00:00","webhook":"http://127.0.0.1:9/h"}""", "'window' must be between Collector:Alerts:Interval (00:01:00) and 7.00:00:00")]
    [InlineData("""{"name":"r","window":"-01:00:00","webhook":"http://127.0.0.1:9/h"}""", "'window' must be between")]
    [InlineData("""{"name":"r","window":"5m","webhook":"http://127.0.0.1:9/h"}""", "'window' must be a time span, hh:mm:ss or d.hh:mm:ss (was '5m')")]
    [InlineData("""{"name":"r","window":"1","webhook":"http://127.0.0.1:9/h"}""", "'window' is '1', which .NET reads as 1 day: write hh:mm:ss, 00:00:01 for 1 second.")]
    [InlineData("""{"name":"r","cooldown":"600","webhook":"http://127.0.0.1:9/h"}""", "'cooldown' is '600', which .NET reads as 600 days: write hh:mm:ss, 00:10:00 for 600 seconds.")]
    [InlineData("""{"name":"r","cooldown":"31.00:00:00","webhook":"http://127.0.0.1:9/h"}""", "'cooldown' must be between 00:00:00 and 30.00:00:00")]
    [InlineData("""{"name":"r","threshold":0,"webhook":"http://127.0.0.1:9/h"}""", "'threshold' must be between 1 and 1000000 (was 0)")]
    [InlineData("""{"webhook":"http://127.0.0.1:9/h"}""", "'name' must be 1 to 100 characters")]
    [InlineData("""{"name":"a\u0007b","webhook":"http://127.0.0.1:9/h"}""", "'name' must be 1 to 100 characters without control characters")]
    [InlineData("""{"name":"a\u2028b","webhook":"http://127.0.0.1:9/h"}""", "'name' must be 1 to 100 characters without control characters or line separators")]
    [InlineData("""{"name":"a\u2029b","webhook":"http://127.0.0.1:9/h"}""", "'name' must be 1 to 100 characters without control characters or line separators")]
    [InlineData("""{"name":"r"}""", "'webhook' must be an absolute http or https address (it is not set)")]
    [InlineData("""{"name":"r","webhook":"ftp://127.0.0.1/h"}""", "'webhook' must be an absolute http or https address")]
    [InlineData("""{"name":"r","webhook":"http://u:p@127.0.0.1/h"}""", "put them in 'headers' (Authorization)")]
    [InlineData("""{"name":"r","webhook":"http://127.0.0.1:9/h","headers":{"Bad Header":"x"}}""", "'headers.Bad Header' is not a header a notification can carry")]
    [InlineData("""{"name":"r","query":"q=a\u0000b","webhook":"http://127.0.0.1:9/h"}""", "'query' contains a NUL character")]
    [InlineData("""{"name":"r","webhook":"http://169.254.169.254/latest/meta-data/"}""", "'webhook' is a link-local address (169.254.169.254: 169.254.0.0/16, fe80::/10, where cloud metadata services answer): refused")]
    [InlineData("""{"name":"r","webhook":"http://[fe80::1]:8080/h"}""", "'webhook' is a link-local address ([fe80::1]")]
    [InlineData("""{"name":"r","webhook":"http://[::ffff:169.254.169.254]/h"}""", "'webhook' is a link-local address")]
    [InlineData("""{"name":"r","webhook":"http://127.0.0.1:9/h","headers":{"H0":"x","H1":"x","H2":"x","H3":"x","H4":"x","H5":"x","H6":"x","H7":"x","H8":"x","H9":"x","H10":"x","H11":"x","H12":"x","H13":"x","H14":"x","H15":"x","H16":"x","H17":"x","H18":"x","H19":"x","H20":"x"}}""", "'headers' has 21 headers: at most 20")]
    [InlineData("""{"name":"r","webhook":"http://127.0.0.1:9/h","headers":{"X-Token":"a","x-token":"b"}}""", "'headers' names one header twice, 'X-Token' and 'x-token' (header names ignore case).")]
    [InlineData("""{"name":1}""", "the body is not an alert rule")]
    [InlineData("""{"name":"r","treshold":50,"webhook":"http://127.0.0.1:9/h"}""", "the body is not an alert rule (an object: name, query, threshold, window, cooldown, webhook, headers): unknown field 'treshold' (the fields: name, query, threshold, window, cooldown, webhook, headers)")]
    [InlineData("""{"name":"r","webhok":"http://127.0.0.1:9/h"}""", "unknown field 'webhok'")]
    [InlineData("""{"name":"r","threshold":"many","webhook":"http://127.0.0.1:9/h"}""", "'threshold' must be a whole number")]
    [InlineData("""{"name":"r","webhook":"http://127.0.0.1:9/h","headers":{"X-Token":1}}""", "'headers.X-Token' must be a string")]
    [InlineData("""null""", "a JSON body is required")]
    public async Task Post_InvalidRule_400NamingTheFieldNothingStored(string body, string reason)
    {
        await using var collector = await CollectorFixture.StartAsync();

        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/alerts", Http.Utf8(body), "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, Http.Error(text), StringComparison.Ordinal);
        var listed = await collector.GetJsonAsync("api/alerts");
        Assert.Empty(listed.GetProperty("alerts").EnumerateArray());
        Assert.Empty(listed.GetProperty("audit").EnumerateArray());
    }

    [Fact]
    public async Task Post_HeaderValueOver1024Characters_400NamingItNothingStored()
    {
        await using var collector = await CollectorFixture.StartAsync();

        var (status, text) = await SendAsync(collector, HttpMethod.Post, "api/alerts", new { name = "r", webhook = "http://127.0.0.1:9/h", headers = new Dictionary<string, string> { ["Authorization"] = new string('k', 1025) } });

        Assert.Equal((HttpStatusCode.BadRequest, "'headers.Authorization' is longer than 1024 characters."), (status, Http.Error(text)));
        Assert.Empty((await collector.GetJsonAsync("api/alerts")).GetProperty("alerts").EnumerateArray());
    }

    [Fact]
    public async Task ConfiguredRule_ListedReadOnly_ItsNameRefusedPutAndDelete409()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var collector = await CollectorFixture.StartAsync(AlertScenario.RuleArgs(receiver, "payroll-errors"));
        var id = await CreateAsync(collector, Rule(receiver, "billing-errors"));

        var (post, postText) = await SendAsync(collector, HttpMethod.Post, "api/alerts", Rule(receiver, "PAYROLL-ERRORS"));
        var (rename, renameText) = await SendAsync(collector, HttpMethod.Put, $"api/alerts/{id}", Rule(receiver, "Payroll-Errors"));
        var (twice, twiceText) = await SendAsync(collector, HttpMethod.Post, "api/alerts", Rule(receiver, "Billing-Errors"));
        var (delete, deleteText) = await Http.SendAsync(collector.Client, HttpMethod.Delete, "api/alerts/payroll-errors");
        var (put, _) = await SendAsync(collector, HttpMethod.Put, "api/alerts/payroll-errors", Rule(receiver, "payroll-errors"));
        var (unknown, unknownText) = await Http.SendAsync(collector.Client, HttpMethod.Delete, "api/alerts/nothing-of-that-name");

        const string ReadOnly = "'payroll-errors' is a configured rule (Collector:Alerts:Rules): read-only here, changed in the collector's settings";
        Assert.Equal((HttpStatusCode.Conflict, ReadOnly), (post, Http.Error(postText)));
        Assert.Equal((HttpStatusCode.Conflict, ReadOnly), (rename, Http.Error(renameText)));
        Assert.Equal((HttpStatusCode.Conflict, "'name': an alert rule named 'Billing-Errors' exists already (names are unique, ignoring case)"), (twice, Http.Error(twiceText)));
        Assert.Equal((HttpStatusCode.Conflict, ReadOnly), (delete, Http.Error(deleteText)));
        Assert.Equal(HttpStatusCode.Conflict, put);
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Contains("changed by their id", Http.Error(unknownText), StringComparison.Ordinal);
        var alerts = (await collector.GetJsonAsync("api/alerts")).GetProperty("alerts");
        Assert.Equal(
            [("payroll-errors", true, JsonValueKind.Null), ("billing-errors", false, JsonValueKind.Number)],
            alerts.EnumerateArray().Select(a => (a.GetProperty("name").GetString(), a.GetProperty("readOnly").GetBoolean(), a.GetProperty("id").ValueKind)));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("read-key", HttpStatusCode.Forbidden)]
    [InlineData("ingest-key", HttpStatusCode.Forbidden)]
    [InlineData("admin-key", HttpStatusCode.Created)]
    public async Task Post_WithKeys_OnlyTheAdminKeyMakesARule(string? key, HttpStatusCode expected)
    {
        await using var collector = await CollectorFixture.StartAsync(
            "--Collector:IngestApiKeys:0=ingest-key", "--Collector:ReadApiKey=read-key", "--Collector:AdminApiKey=admin-key");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/alerts", UriKind.Relative))
        {
            Content = JsonContent.Create(new { name = "r", webhook = "http://127.0.0.1:9/h" }),
        };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        using var response = await collector.Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Created)
        {
            Assert.Equal("AdminApiKey", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("createdBy").GetString());
        }
        else if (expected == HttpStatusCode.Forbidden)
        {
            // It named level rules and erasure only, as if alert rules were open to any key.
            Assert.Equal(
                $"this change (level rules, erasure, alert rules) needs the admin key (Collector:AdminApiKey); this is the {key![..^4]} key",
                Http.Error(await response.Content.ReadAsStringAsync()));
        }
    }

    /// <summary>The rule <see cref="AlertScenario.RuleArgs"/> configures, as a body of <c>POST /api/alerts</c>.</summary>
    internal static object Rule(WebhookReceiver receiver, string name = "payroll-errors") => new
    {
        name,
        query = "level=Error&app=Payroll",
        threshold = 2,
        window = "01:00:00",
        webhook = $"{receiver.BaseAddress}/services/T000/B000/secret-path-XYZ",
        headers = new Dictionary<string, string> { ["Authorization"] = "Bearer secret-header-XYZ" },
    };

    internal static async Task<long> CreateAsync(CollectorFixture collector, object rule)
    {
        var (status, text) = await SendAsync(collector, HttpMethod.Post, "api/alerts", rule);
        Assert.True(status == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt64();
    }

    internal static Task<(HttpStatusCode Status, string Body)> SendAsync(CollectorFixture collector, HttpMethod method, string path, object body) =>
        Http.SendAsync(collector.Client, method, path, JsonSerializer.SerializeToUtf8Bytes(body), "application/json");

    private Task PostAsync(CollectorFixture collector, TimeSpan at, string message) =>
        AlertScenario.PostAsync(collector, Interlocked.Increment(ref _sequence), at, message: message);
}
