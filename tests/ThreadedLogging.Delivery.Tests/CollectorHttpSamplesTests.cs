using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// src/ThreadedLogging.Collector/collector.http, the sample calls README and docs/ARCHITECTURE.md point to, run as
/// written, in order, against the real collector process (keyless on loopback, so a placeholder key's header is left
/// out): each is answered 2xx. A sample the API no longer takes fails here, not on the desk of the team that tries it.
/// </summary>
public sealed partial class CollectorHttpSamplesTests(SharedCollector collector) : IClassFixture<SharedCollector>
{
    private static readonly string SamplesFile = Path.Combine(ChildProcess.RepositoryRoot, "src", "ThreadedLogging.Collector", "collector.http");

    [Fact]
    public async Task CollectorHttp_EverySampleCall_IsAnswered2xx()
    {
        var text = File.ReadAllText(SamplesFile).ReplaceLineEndings("\n");
        var variables = Variable().Matches(text).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value.Trim(), StringComparer.Ordinal);
        variables["collector"] = "http://" + collector.Host;
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var answers = new List<string>();
        var failed = new List<string>();
        foreach (var block in text.Split("\n###").Skip(1))
        {
            var lines = block.Split('\n').Skip(1).Where(line => !line.StartsWith('#') && !line.StartsWith('@')).SkipWhile(line => line.Trim().Length == 0).ToList();
            if (lines.Count == 0)
            {
                continue;
            }

            if (lines[0].Contains("{{event}}", StringComparison.Ordinal))
            {
                // An event's id is the store's: one of the events the samples above stored.
                using var latest = await http.GetAsync(variables["collector"] + "/api/events?limit=1");
                using var page = JsonDocument.Parse(await latest.Content.ReadAsStringAsync());
                variables["event"] = page.RootElement.GetProperty("events")[0].GetProperty("id").ToString();
            }

            var requestLine = Substitute(lines[0], variables).Split(' ', 2);
            using var request = new HttpRequestMessage(new HttpMethod(requestLine[0]), requestLine[1].Trim());
            var headers = lines.Skip(1).TakeWhile(line => line.Trim().Length > 0).Select(line => line.Split(':', 2)).ToList();
            var body = string.Join('\n', lines.Skip(1 + headers.Count)).Trim();
            if (body.Length > 0)
            {
                request.Content = new StringContent(body, Encoding.UTF8);
                request.Content.Headers.ContentType = null;
            }

            foreach (var header in headers.Where(h => !h[1].Contains('<', StringComparison.Ordinal))) // "<key>": none on this collector
            {
                if (!request.Headers.TryAddWithoutValidation(header[0].Trim(), header[1].Trim()))
                {
                    request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(header[1].Trim());
                }
            }

            using var answer = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead); // the live tail never ends
            answers.Add($"{(int)answer.StatusCode} {requestLine[0]} {request.RequestUri}");
            if (!answer.IsSuccessStatusCode)
            {
                failed.Add($"{(int)answer.StatusCode} {requestLine[0]} {request.RequestUri}: {await answer.Content.ReadAsStringAsync()}");
            }
        }

        Assert.True(answers.Count >= 30, "samples read: " + string.Join('\n', answers));
        Assert.True(failed.Count == 0, "collector.http's samples not answered 2xx:\n" + string.Join('\n', failed));
    }

    private static string Substitute(string line, Dictionary<string, string> variables) =>
        Placeholder().Replace(line, m => variables.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);

    [GeneratedRegex(@"^@(?<name>\w+)\s*=(?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex Variable();

    [GeneratedRegex(@"\{\{(\w+)\}\}")]
    private static partial Regex Placeholder();
}
