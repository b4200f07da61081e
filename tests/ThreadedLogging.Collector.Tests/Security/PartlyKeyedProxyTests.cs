using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Security;

/// <summary>
/// A collector on loopback with keys for one role only, behind a reverse proxy on the same machine (a real tinyproxy in
/// reverse mode, which adds <c>Via</c> and <c>X-Tinyproxy</c>). The keyless guard is for the role without a key: the keyed
/// role's requests are judged by their key (an app's ingest with its key is taken through the proxy), the keyless role's
/// are still refused through it (README, security).
/// </summary>
public sealed class PartlyKeyedProxyTests
{
    private const string IngestKey = "ingest-secret-0123456789";
    private const string ReadKey = "read-secret-0123456789";

    [Fact]
    public async Task IngestKeysOnly_ThroughALocalReverseProxy_IngestWithItsKeyStored_KeylessReadsStillRefused()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=" + IngestKey);
        await using var proxy = await TinyProxy.StartReverseAsync(collector.BaseAddress);
        var proxied = new Uri($"http://127.0.0.1:{proxy.Port}/");

        // The real client, sending through the proxy with its ingest key.
        await using (var handler = new ThreadedHttpHandler(new ThreadedHttpHandlerOptions
        {
            Host = proxied.Authority,
            Url = "/log/{user}",
            User = "ann",
            App = "Shop",
            ApiKey = IngestKey,
            CaptureUnhandledExceptions = false,
        }))
        {
            var log = handler.CreateLogger("Shop.Orders");
            for (var i = 0; i < 3; i++)
            {
                log.LogInformation("Order {OrderId} shipped", i);
            }

            Assert.True(handler.Flush(TimeSpan.FromMinutes(1)), handler.Statistics.ToString());
            Assert.True(handler.Statistics.Sent == 3, handler.Statistics.LastError);
        }

        Assert.Equal(3, (await collector.EventsAsync("user=ann")).Count);

        // nginx's proxy_set_header Host $host and X-Forwarded-For: the key decides, not the Host or the proxy's headers.
        var (nginxStatus, _, nginxBody) = await SendAsync(collector.BaseAddress, "POST", "/log/bob",
            "Host: logs.example.com", "X-Forwarded-For: 203.0.113.5", "X-Forwarded-Proto: https", "X-Api-Key: " + IngestKey);
        Assert.True(nginxStatus == 200, nginxBody);
        Assert.Single(await collector.EventsAsync("user=bob"));

        // Without the key, or with a wrong one, through the proxy: the key's answer, 401, nothing stored.
        var (missing, _, missingBody) = await SendAsync(proxied, "POST", "/log/eve");
        Assert.Equal(401, missing);
        Assert.Contains("missing API key", Http.Error(missingBody), StringComparison.Ordinal);
        var (wrong, _, _) = await SendAsync(proxied, "POST", "/log/eve", "X-Api-Key: not-the-key");
        Assert.Equal(401, wrong);
        Assert.Empty(await collector.EventsAsync("user=eve"));

        // Reading has no key: through the proxy it is refused, with the ingest key too, and the page with it.
        foreach (var (target, headers) in new (string, string[])[] { ("/api/events", []), ("/api/events", ["X-Api-Key: " + IngestKey]), ("/api/users", []), ("/metrics", []), ("/", []) })
        {
            var (status, _, body) = await SendAsync(proxied, "GET", target, headers);
            Assert.True(status == 403, $"{target}: {status} {body}");
            Assert.Contains("came through a proxy", Http.Error(body), StringComparison.Ordinal);
            Assert.Contains("without a key for this request (keys are set for ingest only)", Http.Error(body), StringComparison.Ordinal);
        }

        // Directly, on loopback, reading still needs no key.
        Assert.Equal(4, (await collector.EventsAsync()).Count);
    }

    [Fact]
    public async Task ReadKeyOnly_ThroughALocalReverseProxy_ReadsWithTheKeyAndTheConsoleServed_KeylessIngestStillRefused()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=" + ReadKey);
        await using var proxy = await TinyProxy.StartReverseAsync(collector.BaseAddress);
        var proxied = new Uri($"http://127.0.0.1:{proxy.Port}/");

        var (ingest, _, ingestBody) = await SendAsync(proxied, "POST", "/log/eve");
        Assert.Equal(403, ingest);
        Assert.Contains("came through a proxy", Http.Error(ingestBody), StringComparison.Ordinal);
        Assert.Contains("without a key for this request (keys are set for reading only)", Http.Error(ingestBody), StringComparison.Ordinal);

        var (read, _, readBody) = await SendAsync(proxied, "GET", "/api/users", "X-Api-Key: " + ReadKey);
        Assert.True(read == 200, readBody);
        var (unsigned, _, _) = await SendAsync(proxied, "GET", "/api/users");
        Assert.Equal(401, unsigned);

        // The console through the proxy: the page and its sign-in go with the read key (they hold no events), so support
        // signs in with it and reads with the session; a wrong key is the sign-in's own 401.
        var (page, _, pageBody) = await SendAsync(proxied, "GET", "/");
        Assert.True(page == 200, pageBody);
        Assert.Contains("<html", pageBody, StringComparison.OrdinalIgnoreCase);
        var (wrongKey, _, _) = await SendAsync(proxied, "POST", "/auth/sign-in", Form("key=not-the-key"));
        Assert.Equal(401, wrongKey);
        var (signIn, signInHead, signInBody) = await SendAsync(proxied, "POST", "/auth/sign-in", Form("key=" + ReadKey));
        Assert.True(signIn == 204, signInBody);
        var cookie = signInHead.Split("\r\n").Single(line => line.StartsWith("Set-Cookie:", StringComparison.OrdinalIgnoreCase))["Set-Cookie:".Length..].Split(';')[0].Trim();
        var (session, _, sessionBody) = await SendAsync(proxied, "GET", "/api/users", "Cookie: " + cookie, "X-Requested-With: ThreadedLogging.Console");
        Assert.True(session == 200, sessionBody);
    }

    /// <summary>A form body for <see cref="SendAsync"/>.</summary>
    private static string Form(string body) => "Body: " + body;

    /// <summary>One request over a raw connection to <paramref name="to"/>; a POST carries one Python-form event.</summary>
    private static async Task<(int Status, string Head, string Body)> SendAsync(Uri to, string method, string target, params string[] headers)
    {
        using var raw = await RawHttp.ConnectAsync(to);
        if (method == "POST")
        {
            var form = System.Text.Encoding.UTF8.GetBytes(headers.FirstOrDefault(h => h.StartsWith("Body: ", StringComparison.Ordinal))?["Body: ".Length..] ?? "name=web&msg=hello&levelno=20");
            headers = [.. headers.Where(h => !h.StartsWith("Body: ", StringComparison.Ordinal))];
            await raw.SendAsync(RawHttp.Head("POST", target, to,
                [.. headers, "Content-Type: application/x-www-form-urlencoded", $"Content-Length: {form.Length}", "Connection: close"]));
            await raw.SendAsync(form);
        }
        else
        {
            await raw.SendAsync(RawHttp.Head(method, target, to, [.. headers, "Connection: close"]));
        }

        return await raw.ReadResponseAsync();
    }
}
