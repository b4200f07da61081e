using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>
/// <c>GET /api/events/export</c> against a real collector with a read key, run by each store
/// (<see cref="SqliteExportApiTests"/>, <see cref="PostgresExportApiTests"/>): the same events as paging
/// <c>/api/events</c> to the end, both formats, the cap and its signal, CSV escaping, 400s, 401, disconnects.
/// </summary>
public abstract partial class ExportApiTests : IAsyncLifetime
{
    private const string ReadKey = "export-read-key";
    private const int Cap = 1500;
    private const int BulkEvents = 1900;
    private static readonly DateTimeOffset Start = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddHours(-12);
    private static readonly string[] Users = ["alice", "bob", "carol"];
    private static readonly string[] Levels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical"];
    private readonly TestStore _store;
    private CollectorFixture _collector = null!;

    /// <summary>Gets the messages of user "eve": what a spreadsheet would run, and what CSV must quote.</summary>
    private static readonly string[] Tricky =
    [
        "=HYPERLINK(\"http://evil.example\",\"click\")", "+1+2", "-3", "@SUM(A1)", "\tTab first", "\rCR first",
        "a,b \"quoted\"\r\nsecond line", "<b>bold</b> & 'x' ünï 😀", "plain",
    ];

    private protected ExportApiTests(TestStore store) => _store = store;

    private static int TotalEvents => (Users.Length * 20) + Tricky.Length + BulkEvents;

    public async Task InitializeAsync()
    {
        _collector = await StartAsync(null);
        await SeedAsync(_collector.Client);
    }

    public Task DisposeAsync() => _collector.DisposeAsync().AsTask();

    [Theory]
    [InlineData("user=alice", 20)]
    [InlineData("level=Error", 20)]
    [InlineData("q=rejected", 6)]
    [InlineData("levels=Trace&user=Alice", 10)]
    [InlineData("app=Ledger&machine=PC-1", 15)]
    [InlineData("path=bob", 20)]
    [InlineData("instance=seed&levels=Debug", 10)]
    [InlineData("user=nobody", 0)]
    [InlineData("user=dave&q=bulk&levels=Information&from={bulk+700}", 1200)]
    [InlineData("app=Bulk&to={bulk+1199}", 1200)]
    [InlineData("app=Bulk&from={bulk+100}&to={bulk+1299}", 1200)]
    public async Task Export_Filters_SameEventsAsPagingTheList(string query, int expected)
    {
        query = Times(query);
        var listed = await ListAsync(query);
        var (status, body, mediaType, _) = await ExportFiles.GetAsync(_collector.Client, query);
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal("application/x-ndjson", mediaType);

        var lines = ExportFiles.Lines(body);
        Assert.Equal(expected, listed.Count);
        Assert.Equal(listed.Select(e => e.GetRawText()), lines.Select(e => e.GetRawText()));

        var (csvStatus, csv, _, _) = await ExportFiles.GetAsync(_collector.Client, query + "&format=csv");
        Assert.True(csvStatus == HttpStatusCode.OK, csv);
        var rows = ExportFiles.Rows(csv, out _);
        Assert.Equal(listed.Select(e => e.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture)), rows.Select(r => r[0]));
    }

    [Theory]
    [InlineData("ndjson")]
    [InlineData("csv")]
    public async Task Export_OverTheCap_CutAtTheLimitSaysSoAndBeforeGetsTheRest(string format)
    {
        var listed = (await ListAsync(string.Empty)).Select(e => e.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(TotalEvents, listed.Count);

        var (status, body, _, limit) = await ExportFiles.GetAsync(_collector.Client, "format=" + format);
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal(Cap.ToString(CultureInfo.InvariantCulture), limit);
        var (ids, next) = Read(format, body);
        Assert.Equal(listed.Take(Cap), ids);
        Assert.Equal(listed[Cap - 1].ToString(CultureInfo.InvariantCulture), next);

        var (restStatus, rest, _, _) = await ExportFiles.GetAsync(_collector.Client, $"format={format}&before={next}");
        Assert.True(restStatus == HttpStatusCode.OK, rest);
        var (restIds, restNext) = Read(format, rest);
        Assert.Equal(listed.Skip(Cap), restIds);
        Assert.Null(restNext);
    }

    [Theory]
    [InlineData("user=dave&format=csv")]
    [InlineData("user=dave")]
    [InlineData("user=eve")]
    public async Task Export_ClientAcceptsGzip_CompressedToTheSameBytes(string query)
    {
        var (_, plain, _, _) = await ExportFiles.GetAsync(_collector.Client, query);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/events/export?" + query, UriKind.Relative));
        request.Headers.Add("Accept-Encoding", "br;q=0, gzip");

        using var response = await _collector.Client.SendAsync(request);
        var compressed = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        using var gunzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var text = new StreamReader(gunzip);
        Assert.Equal(plain, (await text.ReadToEndAsync()).TrimStart('\uFEFF'));
        Assert.True(compressed.Length < plain.Length / 2, $"{compressed.Length} of {plain.Length} bytes");
    }

    [Fact]
    public async Task Export_Csv_QuotedAsRfc4180AndFormulasPrefixed()
    {
        using var response = await _collector.Client.GetAsync(new Uri("api/events/export?user=eve&format=csv", UriKind.Relative));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var raw = ExportFiles.Utf8(bytes);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.StartsWith("\uFEFFid,timestamp,level,app,version,user,machine,category,message,exception,properties,template,context,path,instanceId,sequence\r\n", raw, StringComparison.Ordinal);
        Assert.EndsWith("\r\n", raw, StringComparison.Ordinal);
        Assert.Contains(",\"a,b \"\"quoted\"\"\r\nsecond line\",", raw, StringComparison.Ordinal);
        Assert.Contains(",\"'\rCR first\",", raw, StringComparison.Ordinal);

        var rows = ExportFiles.Rows(raw[1..], out var header);
        var message = Array.IndexOf(header, "message");
        var expected = Tricky.Select(m => m[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + m : m).Reverse();
        Assert.Equal(expected, rows.Select(r => r[message]));
        Assert.All(rows, r => Assert.Equal(header.Length, r.Length));
        var properties = JsonDocument.Parse(rows[^1][Array.IndexOf(header, "properties")]).RootElement;
        Assert.Equal("=cmd|' /C calc'!A0", properties.GetProperty("formula").GetString());
        Assert.Equal("eve", rows[0][Array.IndexOf(header, "user")]);
        Assert.Equal("Warning", rows[0][Array.IndexOf(header, "level")]);
    }

    [Theory]
    [InlineData("user=eve", "events-eve-")]
    [InlineData("", "events-all-")]
    [InlineData("user=..%2F..%2Fetc%22%0D%0AX-Evil%3A%201", "events-______etc___X-Evil__1-")]
    [InlineData("user=%C3%BCn%C3%AF&format=csv", "events-_n_-")]
    public async Task Export_FileName_AttachmentNamedAfterUserAndUtcTime(string query, string prefix)
    {
        using var response = await _collector.Client.GetAsync(new Uri("api/events/export?" + query, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        var name = disposition.FileName!.Trim('"');
        Assert.StartsWith(prefix, name, StringComparison.Ordinal);
        Assert.Matches(@"^events-[A-Za-z0-9_-]+-\d{8}T\d{6}Z\.(ndjson|csv)$", name);
        Assert.False(response.Headers.Contains("X-Evil"));
    }

    [Theory]
    [InlineData("format=xml", "'format'")]
    [InlineData("format=csv&format=ndjson", "more than once")]
    [InlineData("limit=10", "unknown parameter 'limit'")]
    [InlineData("level=Loud", "'level'")]
    [InlineData("levels=Error,Loud", "'levels'")]
    [InlineData("from=yesterday", "'from'")]
    [InlineData("before=abc", "'before'")]
    [InlineData("q=%22unbalanced", "not closed")]
    [InlineData("q=a*", "at least 2")]
    public async Task Export_BadParameter_400WithReason(string query, string reason)
    {
        var (status, body, _, _) = await ExportFiles.GetAsync(_collector.Client, query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, Http.Error(body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Export_WithoutTheReadKey_401(string? key)
    {
        using var client = new HttpClient { BaseAddress = _collector.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/events/export?format=csv", UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("Invoice", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_ClientGoesAway_QueryCancelledNotRunToTheEnd()
    {
        GatedEventStore? store = null;
        await using var collector = await StartAsync(services => GatedEventStore.Wrap(services, heldQuery: 2));
        await SeedAsync(collector.Client);
        store = (GatedEventStore)collector.Services.GetRequiredService<IEventStore>();
        var before = store.Queries;
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a hang guard, not a timing threshold
        // No draining of the rest on dispose: the client closes the connection at once.
        using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = collector.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", ReadKey);

        Assert.Equal(0, before); // seeding does not query
        using (var response = await client.GetAsync(new Uri("api/events/export?app=Bulk", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, guard.Token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(guard.Token));
            Assert.StartsWith("{\"id\":", await reader.ReadLineAsync(guard.Token), StringComparison.Ordinal);
            await store.Held.Task.WaitAsync(guard.Token); // the first page is sent; the second query waits
        }

        await store.Cancelled.Task.WaitAsync(guard.Token);
        Assert.Equal(2, store.Queries);
        await StillServing.AssertAsync(collector);
    }

    [Fact]
    public async Task Export_StoreFailsAfterTheFirstPage_TransferBrokenNotAShortFile()
    {
        await using var collector = await StartAsync(services => GatedEventStore.Wrap(services, heldQuery: 2, fail: true));
        await SeedAsync(collector.Client);
        var store = (GatedEventStore)collector.Services.GetRequiredService<IEventStore>();

        // The first 1000 events are sent with 200; then the response is aborted: no final chunk, so the client sees an error.
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => collector.Client.GetStringAsync(new Uri("api/events/export?app=Bulk&format=csv", UriKind.Relative)));
        Assert.True(store.Held.Task.IsCompleted, e.ToString());
        Assert.Equal(2, store.Queries);
        await StillServing.AssertAsync(collector);
    }

    [Fact]
    public void Build_MaxExportEventsZero_ThrowsNamingTheOption()
    {
        var e = Assert.Throws<CollectorConfigurationException>(() => CollectorApp.Build(["--urls", "http://127.0.0.1:0", "--Collector:MaxExportEvents=0"]));

        Assert.Contains("Collector:MaxExportEvents", e.Message, StringComparison.Ordinal);
    }
}
