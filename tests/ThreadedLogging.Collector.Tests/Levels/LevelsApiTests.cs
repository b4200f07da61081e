using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Levels;

/// <summary>Issue 13 on a real Kestrel: rules are created, listed, resolved, carried by ingest answers and revoked.</summary>
public sealed class LevelsApiTests
{
    [Fact]
    public async Task Post_RuleForUser_CreatedListedAndEffectiveOnlyForThatUser()
    {
        await using var collector = await CollectorFixture.StartAsync();

        using var created = await collector.Client.PostAsJsonAsync("api/levels", new { user = "alice", level = "Debug", duration = "02:00:00" });
        var rule = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = rule.GetProperty("id").GetInt64();
        Assert.Equal($"/api/levels/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("open (loopback, no keys)", rule.GetProperty("createdBy").GetString());
        var expires = rule.GetProperty("expires").GetDateTimeOffset();
        Assert.InRange(expires - rule.GetProperty("created").GetDateTimeOffset(), TimeSpan.FromHours(2), TimeSpan.FromHours(2));
        var listed = await collector.GetJsonAsync("api/levels");
        Assert.Equal(id, Assert.Single(listed.GetProperty("rules").EnumerateArray()).GetProperty("id").GetInt64());
        Assert.Equal("created", Assert.Single(listed.GetProperty("audit").EnumerateArray()).GetProperty("action").GetString());

        var alice = await collector.GetJsonAsync("api/levels/effective?app=Payroll&user=ALICE&machine=PC-042");
        var level = Assert.Single(alice.GetProperty("levels").EnumerateArray());
        Assert.Equal(("", "Debug", expires), (level.GetProperty("category").GetString(), level.GetProperty("level").GetString(), level.GetProperty("expires").GetDateTimeOffset()));
        Assert.Empty((await collector.GetJsonAsync("api/levels/effective?app=Payroll&user=bob")).GetProperty("levels").EnumerateArray());
    }

    [Fact]
    public async Task Effective_SeveralRules_MostVerbosePerCategoryPrefix()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await CreateAsync(collector, new { app = "Payroll", level = "Information", duration = "01:00:00" });
        await CreateAsync(collector, new { version = "2.3.1", level = "Debug", duration = "00:30:00" });
        await CreateAsync(collector, new { machine = "PC-042", category = "Payroll.Db", level = "Trace", duration = "00:10:00" });
        await CreateAsync(collector, new { machine = "PC-999", category = "Payroll.Db", level = "Trace", duration = "00:10:00" });

        var levels = (await collector.GetJsonAsync("api/levels/effective?app=Payroll&version=2.3.1&machine=PC-042")).GetProperty("levels");

        Assert.Equal(
            [("", "Debug"), ("Payroll.Db", "Trace")],
            levels.EnumerateArray().Select(l => (l.GetProperty("category").GetString(), l.GetProperty("level").GetString())));
        var other = (await collector.GetJsonAsync("api/levels/effective?app=Payroll&version=2.4.0")).GetProperty("levels");
        Assert.Equal("Information", Assert.Single(other.EnumerateArray()).GetProperty("level").GetString());
    }

    [Fact]
    public async Task Effective_VersionWithoutBuildMetadata_SelectsTheVersionsThatAddSome()
    {
        // The .NET SDK writes the commit into an assembly's informational version, the client's default Version
        // ("1.0.0+6d3d4d2c…"); SemVer ignores what follows '+', and so does a rule that names none.
        await using var collector = await CollectorFixture.StartAsync();
        await CreateAsync(collector, new { version = "2.3.1", level = "Debug", duration = "00:30:00" });
        await CreateAsync(collector, new { version = "2.3.2+abc", level = "Trace", duration = "00:30:00" });

        string[] Levels(JsonElement answer) => [.. answer.GetProperty("levels").EnumerateArray().Select(l => l.GetProperty("level").GetString()!)];

        Assert.Equal(["Debug"], Levels(await collector.GetJsonAsync("api/levels/effective?version=2.3.1%2B6d3d4d2c86e7")));
        Assert.Equal(["Debug"], Levels(await collector.GetJsonAsync("api/levels/effective?version=2.3.1")));
        Assert.Empty(Levels(await collector.GetJsonAsync("api/levels/effective?version=2.3.10")));
        Assert.Empty(Levels(await collector.GetJsonAsync("api/levels/effective?version=2.3.1-beta")));
        Assert.Equal(["Trace"], Levels(await collector.GetJsonAsync("api/levels/effective?version=2.3.2%2BABC")));
        Assert.Empty(Levels(await collector.GetJsonAsync("api/levels/effective?version=2.3.2%2Bdef")));
        Assert.Empty(Levels(await collector.GetJsonAsync("api/levels/effective?version=2.3.2")));
    }

    [Fact]
    public async Task Delete_Rule_NoLongerEffectiveAndAudited()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var id = await CreateAsync(collector, new { user = "alice", level = "Debug", duration = "00:30:00" });

        using var deleted = await collector.Client.DeleteAsync(new Uri($"api/levels/{id}", UriKind.Relative));
        using var again = await collector.Client.DeleteAsync(new Uri($"api/levels/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Empty((await collector.GetJsonAsync("api/levels/effective?user=alice")).GetProperty("levels").EnumerateArray());
        var listed = await collector.GetJsonAsync("api/levels");
        Assert.Empty(listed.GetProperty("rules").EnumerateArray());
        Assert.Equal(["revoked", "created"], listed.GetProperty("audit").EnumerateArray().Select(a => a.GetProperty("action").GetString()));

        // The audited text is the rule with its id (it said "id":0, the id before the insert).
        foreach (var change in listed.GetProperty("audit").EnumerateArray())
        {
            Assert.Equal(id, System.Text.Json.JsonDocument.Parse(change.GetProperty("rule").GetString()!).RootElement.GetProperty("id").GetInt64());
        }
    }

    [Theory]
    [InlineData("{\"level\":\"Debug\",\"duration\":\"01:00:00\"}", "at least one selector")]
    [InlineData("{\"category\":\"Payroll\",\"level\":\"Debug\",\"duration\":\"01:00:00\"}", "at least one selector")]
    [InlineData("{\"user\":\"alice\",\"level\":\"Loud\",\"duration\":\"01:00:00\"}", "unknown level 'Loud': Trace (or Verbose, TRC), Debug (DBG), Information (Info, INF), Warning (Warn, WRN), Error (Fail, ERR) or Critical (Crit, CRT, Fatal), in any case, or 0 to 5")]
    [InlineData("{\"user\":\"alice\",\"duration\":\"01:00:00\"}", "'level' is required: Trace (or Verbose, TRC)")]
    [InlineData("{\"user\":\"alice\",\"level\":\"Debug\",\"duration\":\"1\"}", "'duration' is '1', which .NET reads as 1 day: write hh:mm:ss, 00:00:01 for 1 second")]
    [InlineData("{\"user\":\"alice\",\"level\":\"Debug\",\"duration\":\"7200\"}", "'duration' is '7200', which .NET reads as 7200 days: write hh:mm:ss, 02:00:00 for 7200 seconds")]
    [InlineData("{\"user\":\"alice\",\"level\":\"Debug\",\"duration\":\"1.00:00:01\"}", "beyond the maximum of 1.00:00:00")]
    [InlineData("{\"app\":\"a\\u0000b\",\"level\":\"Debug\",\"duration\":\"01:00:00\"}", "'app' contains a NUL character")]
    [InlineData("{\"user\":\"alice\",\"category\":\"\\u0000\",\"level\":\"Debug\",\"duration\":\"01:00:00\"}", "'category' contains a NUL character")]
    [InlineData("{\"user\":\"alice\",\"level\":\"Debug\",\"duration\":\"3650000.00:00:00\"}", "'duration' 3650000.00:00:00 is beyond the maximum")]
    [InlineData("{\"user\":\"alice\",\"level\":\"Debug\",\"duration\":\"10675199.02:48:05.4775807\"}", "beyond the maximum")]
    [InlineData("{\"user\":\"alice\",\"level\":\"Debug\",\"expires\":\"2999-01-01T00:00:00Z\"}", "beyond the maximum")]
    [InlineData("{\"user\":\"alice\",\"level\":\"Debug\",\"expires\":\"2001-01-01T00:00:00Z\"}", "in the future")]
    [InlineData("{\"user\":\"alice\",\"level\":\"Debug\",\"expires\":\"2026-12-31T00:00:00\"}", "'expires' must be an RFC 3339 time with an offset")]
    [InlineData("{\"user\":\"alice\",\"level\":\"Debug\",\"expires\":\"12/31/2026 10:00\"}", "'expires' must be an RFC 3339 time with an offset")]
    [InlineData("{\"user\":\"alice\",\"level\":\"Debug\",\"expires\":\"9999-12-31T23:59:59-14:00\"}", "'expires' is out of range: 9999-12-31T23:59:59-14:00 is an RFC 3339 time")]
    [InlineData("{\"user\":\"alice\",\"level\":\"Debug\"}", "either 'duration'")]
    [InlineData("{\"user\":\"alice\",\"level\":\"Debug\",\"duration\":\"-01:00:00\"}", "positive hh:mm:ss")]
    public async Task Post_InvalidRule_400WithReason(string body, string reason)
    {
        await using var collector = await CollectorFixture.StartAsync();

        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/levels", Http.Utf8(body), "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, Http.Error(text), StringComparison.Ordinal);
        Assert.Empty((await collector.GetJsonAsync("api/levels")).GetProperty("rules").EnumerateArray());
    }

    [Theory]
    [InlineData("text/plain", "{\"user\":\"alice\",\"level\":\"Debug\",\"duration\":\"01:00:00\"}", HttpStatusCode.UnsupportedMediaType, "unsupported Content-Type 'text/plain'")]
    [InlineData(null, "{\"user\":\"alice\",\"level\":\"Debug\",\"duration\":\"01:00:00\"}", HttpStatusCode.UnsupportedMediaType, "unsupported Content-Type")]
    [InlineData("application/json", "{\"user\":1,\"level\":\"Debug\",\"duration\":\"01:00:00\"}", HttpStatusCode.BadRequest, "not a level rule")]
    [InlineData("application/json", "{\"user\":\"a\",\"level\":\"Debug\",\"duration\":\"00:10:00\",\"categroy\":\"Payroll\"}", HttpStatusCode.BadRequest, "the body is not a level rule (an object of strings): unknown field 'categroy' (the fields: app, version, user, machine, category, level, duration, expires)")]
    [InlineData("application/json", "{\"mashine\":\"m1\",\"level\":\"Debug\",\"duration\":\"00:10:00\"}", HttpStatusCode.BadRequest, "unknown field 'mashine'")]
    [InlineData("application/json", "{\"user\":\"a\",\"level\":\"Debug\",\"duration\":7200}", HttpStatusCode.BadRequest, "the body is not a level rule (an object of strings): 'duration' must be a string")]
    [InlineData("application/json", "{\"user\":", HttpStatusCode.BadRequest, "not a level rule")]
    [InlineData("application/json", "", HttpStatusCode.BadRequest, "not a level rule")]
    [InlineData("application/json", "null", HttpStatusCode.BadRequest, "a JSON body is required")]
    public async Task Post_BodyNotARule_4xxWithReason(string? contentType, string body, HttpStatusCode expected, string reason)
    {
        // The framework's binding answered these with an empty body: no reason.
        await using var collector = await CollectorFixture.StartAsync();

        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/levels", Http.Utf8(body), contentType);

        Assert.Equal(expected, status);
        Assert.Contains(reason, Http.Error(text), StringComparison.Ordinal);
        Assert.Empty((await collector.GetJsonAsync("api/levels")).GetProperty("rules").EnumerateArray());
    }

    /// <summary>
    /// A body in another charset is read as ingest reads one (BodyCharset): valid UTF-8 as UTF-8 whatever the label, another
    /// charset .NET decodes strictly. Before, the framework's reader took the label alone: UTF-8 labelled iso-8859-1 was stored
    /// garbled ('cafÃ©'), windows-1252 refused 415, a byte that is not us-ascii stored as '?'.
    /// </summary>
    [Theory]
    [InlineData("iso-8859-1", "utf-8", "café 日本")] // UTF-8 bytes, labelled otherwise
    [InlineData("windows-1252", "windows-1252", "café €")] // 0xE9 0x80
    [InlineData("iso-8859-1", "iso-8859-1", "café")] // 0xE9: not UTF-8
    [InlineData("utf8", "utf-8", "café utf8")] // UTF-8 to ingest; the framework's reader threw on the label: a 500
    [InlineData("\"utf-8\"", "utf-8", "café quoted")]
    public async Task Post_BodyInAnotherCharset_ReadAsIngestReadsIt(string label, string bytesIn, string user)
    {
        await using var collector = await CollectorFixture.StartAsync();
        var body = CodePagesEncodingProvider.Instance.GetEncoding(bytesIn) ?? Encoding.GetEncoding(bytesIn);

        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/levels", body.GetBytes($$"""{"user":"{{user}}","level":"Debug","duration":"01:00:00"}"""), $"application/json; charset={label}");

        Assert.Equal((HttpStatusCode.Created, user), (status, JsonDocument.Parse(text).RootElement.GetProperty("user").GetString()));
    }

    [Theory]
    [InlineData("us-ascii", HttpStatusCode.BadRequest, "body is not valid us-ascii (Content-Type charset 'us-ascii')")]
    [InlineData("x-nope", HttpStatusCode.UnsupportedMediaType, "unsupported charset 'x-nope' in Content-Type (utf-8, or one .NET decodes: iso-8859-1, windows-1252, utf-16, …)")]
    public async Task Post_BodyNotTextInItsCharset_4xxAsIngest(string label, HttpStatusCode expected, string reason)
    {
        await using var collector = await CollectorFixture.StartAsync();
        var body = Encoding.Latin1.GetBytes("""{"user":"café","level":"Debug","duration":"01:00:00"}"""); // 0xE9: neither UTF-8 nor us-ascii

        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/levels", body, $"application/json; charset={label}");

        Assert.Equal((expected, reason), (status, Http.Error(text)));
        Assert.Empty((await collector.GetJsonAsync("api/levels")).GetProperty("rules").EnumerateArray());
    }

    [Fact]
    public async Task Post_MaxDurationConfigured_Enforced()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:MaxLevelRuleDuration=00:30:00");

        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/levels", Http.Utf8("{\"user\":\"a\",\"level\":\"Debug\",\"duration\":\"00:31:00\"}"), "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Collector:MaxLevelRuleDuration", Http.Error(text), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("read-key", HttpStatusCode.Forbidden)]
    [InlineData("ingest-key", HttpStatusCode.Forbidden)]
    [InlineData("admin-key", HttpStatusCode.Created)]
    public async Task Post_WithKeys_OnlyAdminKeyChangesRules(string? key, HttpStatusCode expected)
    {
        await using var collector = await CollectorFixture.StartAsync(
            "--Collector:IngestApiKeys:0=ingest-key", "--Collector:ReadApiKey=read-key", "--Collector:AdminApiKey=admin-key");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/levels", UriKind.Relative))
        {
            Content = JsonContent.Create(new { user = "alice", level = "Debug", duration = "00:10:00" }),
        };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        using var response = await collector.Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
            Assert.Equal($"this change (level rules, erasure, alert rules) needs the admin key (Collector:AdminApiKey); this is the {(key == "read-key" ? "read" : "ingest")} key", error);
        }

        if (expected == HttpStatusCode.Created)
        {
            var rule = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("AdminApiKey", rule.GetProperty("createdBy").GetString());
        }
    }

    [Fact]
    public async Task Post_OtherKeysButNoAdminKey_RulesClosed()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=read-key");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/levels", UriKind.Relative))
        {
            Content = JsonContent.Create(new { user = "alice", level = "Debug", duration = "00:10:00" }),
        };
        request.Headers.Add("X-Api-Key", "read-key");

        using var response = await collector.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
        Assert.Equal("this change (level rules, erasure, alert rules) needs the admin key, and none is configured: set Collector:AdminApiKey", error);
    }

    [Fact]
    public async Task Ingest_JsonBatch_AnswerCarriesEffectiveLevelOfItsIdentity()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await CreateAsync(collector, new { machine = "PC-042", level = "Debug", duration = "00:10:00" });

        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/alice", Http.Utf8(Http.Envelope("b1", new { message = "m", level = "Information" })), "application/json");
        var (_, other) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/bob", Http.Utf8("{\"machine\":\"PC-007\",\"events\":[{\"message\":\"m\"}]}"), "application/json");

        Assert.Equal(HttpStatusCode.OK, status);
        var level = Assert.Single(JsonDocument.Parse(body).RootElement.GetProperty("levels").EnumerateArray());
        Assert.Equal("Debug", level.GetProperty("level").GetString());
        Assert.Empty(JsonDocument.Parse(other).RootElement.GetProperty("levels").EnumerateArray());
    }

    private static async Task<long> CreateAsync(CollectorFixture collector, object rule)
    {
        using var response = await collector.Client.PostAsJsonAsync("api/levels", rule);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt64();
    }
}
