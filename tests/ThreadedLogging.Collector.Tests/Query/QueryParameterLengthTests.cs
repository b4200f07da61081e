using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>
/// Every parameter of every read endpoint has a longest value (docs/QUERY.md, <em>Lengths</em>): a longer one is a 400
/// that names it and quotes its first 100 characters and its length, the reason <c>q</c>, <c>template</c> and
/// <c>property</c> gave; never a 200 after a scan, nor a reason that quotes 100 KB back.
/// </summary>
public sealed class QueryParameterLengthTests : IAsyncLifetime
{
    /// <summary>The longest value of each parameter under the default settings (Collector:MaxFieldLength 1024).</summary>
    private static readonly Dictionary<string, int> Longest = new(StringComparer.OrdinalIgnoreCase)
    {
        // What ingest stores for the field (Collector:MaxFieldLength); a user's search is a part of a user name.
        ["app"] = 1024,
        ["version"] = 1024,
        ["user"] = 1024,
        ["machine"] = 1024,
        ["instance"] = 1024,
        ["path"] = 1024,
        ["search"] = 1024,
        // A users cursor holds a sort key and a user name of up to 1024 characters (3 UTF-8 bytes each), in base64url.
        ["after"] = 4124,
        ["q"] = 1000,
        ["template"] = 4000,
        // A property condition's value (its name: 200).
        ["property"] = 1000,
        ["levels"] = 128,
        ["noUser"] = 64,
        ["noApp"] = 64,
        ["noVersion"] = 64,
        ["exactVersion"] = 64,
        ["noMachine"] = 64,
        ["traceId"] = 64,
        ["level"] = 64,
        ["from"] = 64,
        ["to"] = 64,
        ["limit"] = 64,
        ["before"] = 64,
        ["format"] = 64,
        ["buckets"] = 64,
        ["span"] = 64,
        ["field"] = 64,
        // The summary's fields: all six, once each, take 41.
        ["top"] = 64,
        ["count"] = 64,
        ["sort"] = 64,
    };

    private CollectorFixture _collector = null!;

    public async Task InitializeAsync() => _collector = await CollectorFixture.StartAsync();

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Fact]
    public async Task EveryEndpointAndParameter_TooLong_400QuotingItsStartAndLength()
    {
        var cases = Endpoints().SelectMany(e => e.Parameters.Select(p => (e.Url, Parameter: p))).ToList();
        var failures = new List<string>();
        foreach (var (url, parameter) in cases)
        {
            Assert.True(Longest.TryGetValue(parameter, out var longest), $"{url}: no longest value written down for '{parameter}'");
            foreach (var length in new[] { longest + 1, 100_000 })
            {
                var value = Value(parameter, length);
                var (status, reason) = await GetAsync(url, parameter, value);
                var quoted = value.Length <= 100 ? value : value[..100] + "…";
                var expected = parameter == PropertyFilterParser.Parameter
                    ? $"parameter 'property': the value is longer than {longest} characters (was '{quoted}', a value of {length} characters)"
                    : $"parameter '{parameter}' is longer than {longest} characters (was '{quoted}', a value of {length} characters)";
                if (status != HttpStatusCode.BadRequest || reason != expected)
                {
                    failures.Add($"{url} {parameter} ({length}): {(int)status} {Start(reason)}");
                }
            }

            var (atLimit, atLimitReason) = await GetAsync(url, parameter, AtLimit(parameter, longest));
            if ((int)atLimit >= 500 || atLimitReason.Contains("is longer than", StringComparison.Ordinal))
            {
                failures.Add($"{url} {parameter} (at the limit, {longest}): {(int)atLimit} {Start(atLimitReason)}");
            }
        }

        Assert.True(cases.Count >= 80, $"only {cases.Count} endpoint parameters found");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count * 3} failed:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task Events_UnknownParameterOf100KB_ReasonQuotesItsStart()
    {
        var name = new string('u', 100_000);

        var (status, reason) = await GetAsync("api/events", name, "1");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith($"unknown parameter '{new string('u', 100)}…' (app, user,", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("user")]
    [InlineData("app")]
    [InlineData("machine")]
    [InlineData("instance")]
    [InlineData("path")]
    public async Task Events_FieldAtTheIngestLimit_FoundAndOneMoreRefused(string parameter)
    {
        // A value as long as ingest stores is found; one longer cannot have been stored.
        var text = new string('v', 1024);
        await Http.PostStoredAsync(_collector.Client, parameter == "path" ? "log/" + text : "log", Http.Envelope(null, new
        {
            timestamp = "2026-11-24T08:00:00Z",
            message = "long " + parameter,
            app = parameter == "app" ? text : "Shop",
            user = parameter == "user" ? text : "ann",
            machine = parameter == "machine" ? text : "PC",
            instanceId = parameter == "instance" ? text : "i-1",
        }));

        var found = await _collector.EventsAsync($"{parameter}={text}");
        var (status, reason) = await GetAsync("api/events", parameter, text + "v");

        Assert.Equal(["long " + parameter], found.Select(e => e.GetProperty("message").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.EndsWith($"…', a value of 1025 characters)", reason, StringComparison.Ordinal);
    }

    /// <summary>The read (GET) endpoints that declare parameters, as URLs (an id of none: the parameters are read first).</summary>
    private IEnumerable<(string Url, IReadOnlyList<string> Parameters)> Endpoints() =>
        _collector.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<QueryParameters>() is not null)
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") ?? true) // not DELETE /api/users?user=
            .Select(e => (e.RoutePattern.RawText!.TrimStart('/').Replace("{id:long}", "1", StringComparison.Ordinal), e.Metadata.GetMetadata<QueryParameters>()!.Names));

    /// <summary>A value of <paramref name="length"/> characters (a property condition's: <c>P=</c> and the value).</summary>
    private static string Value(string parameter, int length) =>
        parameter == PropertyFilterParser.Parameter ? "P=" + new string('x', length) : new string('x', length);

    /// <summary>A value as long as taken: a property condition with the longest name and value.</summary>
    private static string AtLimit(string parameter, int longest) =>
        parameter == PropertyFilterParser.Parameter ? new string('P', 200) + "=" + new string('x', longest) : new string('x', longest);

    /// <summary>Status and error of a GET with one parameter (and the top's field); a live stream that opens is closed at its headers.</summary>
    private async Task<(HttpStatusCode Status, string Reason)> GetAsync(string url, string parameter, string value)
    {
        var field = url.EndsWith("/top", StringComparison.Ordinal) && parameter != "field" ? "field=user&" : string.Empty;
        var uri = new Uri($"{url}?{field}{Uri.EscapeDataString(parameter)}={Uri.EscapeDataString(value)}", UriKind.Relative);
        using var response = await _collector.Client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode == HttpStatusCode.OK
            ? (response.StatusCode, string.Empty)
            : (response.StatusCode, Http.Error(await response.Content.ReadAsStringAsync()));
    }

    private static string Start(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
