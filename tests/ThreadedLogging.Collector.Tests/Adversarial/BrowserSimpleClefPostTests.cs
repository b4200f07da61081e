using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Collector.Tests.Web.Browser;

namespace ThreadedLogging.Collector.Tests.Adversarial;

/// <summary>
/// Seq's endpoints read CLEF whatever the Content-Type, so without an ingest key a web page could post events with a
/// Content-Type a browser sends to any site without asking (text/plain, a form's, none); only the browser's
/// <c>Origin</c>/<c>Sec-Fetch-Site</c> stopped it, which a browser that sends none (older ones on a form post) leaves out.
/// </summary>
public sealed class BrowserSimpleClefPostTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Clef = """{"@t":"2026-12-06T03:00:00Z","@mt":"planted by a page","UserName":"victim"}""";

    [Theory]
    [InlineData("/ingest/clef", "text/plain;charset=UTF-8", "'text/plain'")]
    [InlineData("/api/events/raw?clef", null, "(none)")]
    [InlineData("/api/events/raw", "application/x-www-form-urlencoded", "'application/x-www-form-urlencoded'")]
    [InlineData("/ingest/clef", "multipart/form-data; boundary=x", "'multipart/form-data'")]
    public async Task Post_KeylessSeqEndpointBrowserSimpleTypeNoOrigin_415NothingStored(string target, string? contentType, string shown)
    {
        await using var collector = await CollectorFixture.StartAsync();

        var (status, body) = await PostAsync(collector, target, contentType);

        Assert.Equal(415, status);
        Assert.StartsWith($"Content-Type {shown} is one any web page can send to another site: without an ingest key (Collector:IngestApiKeys), " +
            "Seq's endpoints take application/vnd.serilog.clef (Serilog.Sinks.Seq's) or application/json only", Http.Error(body), StringComparison.Ordinal);
        Assert.Empty(await collector.EventsAsync());
    }

    [Fact]
    public async Task Post_SerilogsTypeKeylessOrAnyTypeWithTheKey_Stored()
    {
        await using var keyless = await CollectorFixture.StartAsync();
        await using var keyed = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=ingest-key-0123456789", "--Collector:ReadApiKey=read-key-0123456789");

        Assert.Equal(201, (await PostAsync(keyless, "/ingest/clef", "application/vnd.serilog.clef")).Status);
        Assert.Equal(201, (await PostAsync(keyed, "/ingest/clef", "text/plain", "X-Seq-ApiKey: ingest-key-0123456789")).Status);
    }

    [Fact]
    public async Task Chromium_PageOfAnotherSitePostsClef_NothingStored()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var (context, page, _) = await chromium.NewPageAsync();
        await using var browserContext = context;
        var target = collector.BaseAddress.GetLeftPart(UriPartial.Authority);
        var answers = new List<int>();
        var allAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Response += (_, response) =>
        {
            if (response.Url.StartsWith(target, StringComparison.Ordinal))
            {
                lock (answers)
                {
                    answers.Add(response.Status);
                    if (answers.Count == 4)
                    {
                        allAnswered.TrySetResult(); // two fetches, the beacon and the form
                    }
                }
            }
        };
        // The other site's page, served by a server of its own on another port: another origin, the same loopback.
        var html = $$"""
            <form id="f" method="post" enctype="text/plain" action="{{target}}/ingest/clef"><input name='{"@t":"2026-12-06T03:00:00Z","@mt":"planted by a form","x":"' value='"}'></form>
            <script>
              const clef = '{{Clef}}\n';
              window.sent = Promise.allSettled([
                fetch('{{target}}/ingest/clef', { method: 'POST', mode: 'no-cors', body: clef }),
                fetch('{{target}}/api/events/raw?clef', { method: 'POST', mode: 'no-cors', body: new Blob([clef]) }),
                navigator.sendBeacon('{{target}}/api/events/raw?clef', clef),
              ]).then(() => true);
            </script>
            """;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var site = builder.Build();
        site.MapGet("/", () => Results.Content(html, "text/html"));
        await site.StartAsync();

        await page.GotoAsync(site.Urls.Single());
        Assert.True(await page.EvaluateAsync<bool>("window.sent"));
        await page.Locator("#f").EvaluateAsync("f => f.submit()");
        await allAnswered.Task.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal([403, 403, 403, 403], answers);
        Assert.Empty(await collector.EventsAsync());
    }

    private static async Task<(int Status, string Body)> PostAsync(CollectorFixture collector, string target, string? contentType, params string[] headers)
    {
        var body = Encoding.UTF8.GetBytes(Clef + "\n");
        using var raw = await RawHttp.ConnectAsync(collector.BaseAddress);
        string[] head = [.. headers, $"Content-Length: {body.Length}", "Connection: close"];
        await raw.SendAsync(RawHttp.Head("POST", target, collector.BaseAddress, contentType is null ? head : [.. head, "Content-Type: " + contentType]));
        await raw.SendAsync(body);
        var (status, _, answer) = await raw.ReadResponseAsync();
        return (status, answer);
    }
}
