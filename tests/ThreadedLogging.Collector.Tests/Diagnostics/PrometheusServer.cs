using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Diagnostics;

/// <summary>
/// A real Prometheus server (Debian's prometheus package, installed by scripts/install-test-deps.sh) scraping one
/// target every second with a bearer key: on 127.0.0.1, on the port it took (port 0, read from its log, whichever of
/// the port's and the readiness's lines comes first), with a temp
/// config and data directory, killed and deleted on dispose.
/// </summary>
internal sealed partial class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _directory;
    private readonly HttpClient _client;

    private PrometheusServer(Process process, TempDirectory directory, Uri address)
    {
        _process = process;
        _directory = directory;
        _client = new HttpClient { BaseAddress = address };
    }

    /// <summary>Starts Prometheus scraping <paramref name="target"/>'s <c>/metrics</c> with <paramref name="bearerKey"/> and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(Uri target, string bearerKey)
    {
        var directory = new TempDirectory();
        var config = Path.Combine(directory.Path, "prometheus.yml");
        await File.WriteAllTextAsync(config, $$"""
            global: {scrape_interval: 1s, scrape_timeout: 1s}
            scrape_configs:
              - job_name: collector
                authorization: {credentials: "{{bearerKey}}"}
                static_configs: [{targets: ["{{target.Authority}}"]}]
            """);
        var start = new ProcessStartInfo("prometheus") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory.Path, "data")}", "--web.listen-address=127.0.0.1:0"])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        // Its log on standard error says the port it took ("Listening on" address=127.0.0.1:40123, logged by the web
        // goroutine once bound; not "Start listening for connections" address=127.0.0.1:0, logged before) and its
        // readiness ("Server is ready…", logged by main once the TSDB and config are loaded). The two goroutines race: on
        // one CPU the ready line comes first in most starts (21 of 30 with taskset -c 0), so either order is waited for.
        int? port = null;
        var ready = false;
        var seen = new List<string>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1)); // a bound on a server that never gets there, not a timing
        try
        {
            while (await process.StandardError.ReadLineAsync(cancel.Token) is { } line)
            {
                seen.Add(line);
                if (ListeningOn().Match(line) is { Success: true } listening)
                {
                    port = int.Parse(listening.Groups[1].Value, CultureInfo.InvariantCulture);
                }
                else if (line.Contains("Server is ready to receive web requests.", StringComparison.Ordinal))
                {
                    ready = true;
                }

                if (ready && port is { } taken)
                {
                    _ = process.StandardError.ReadToEndAsync(); // its log from now on: read, so that it never blocks on a full pipe
                    return new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{taken.ToString(CultureInfo.InvariantCulture)}/"));
                }
            }
        }
        catch (OperationCanceledException)
        {
            seen.Add("(not ready within a minute)");
        }

        await new PrometheusServer(process, directory, new Uri("http://127.0.0.1/")).DisposeAsync(); // killed: never left running after a failed start
        throw new InvalidOperationException("prometheus did not become ready:\n" + string.Join('\n', seen));
    }

    /// <summary>The instant vector of a PromQL query evaluated <paramref name="at"/> (RFC 3339; now when null): each series' labels and value.</summary>
    public async Task<List<(JsonElement Labels, double Value)>> QueryAsync(string promQl, string? at = null)
    {
        var answer = await _client.GetFromJsonAsync<JsonElement>("api/v1/query?query=" + Uri.EscapeDataString(promQl) + (at is null ? string.Empty : "&time=" + Uri.EscapeDataString(at)));
        Assert.Equal("success", answer.GetProperty("status").GetString());
        return [.. answer.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(r => (r.GetProperty("metric"), double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))];
    }

    /// <summary>The metric metadata Prometheus read from its target: each family's name and type.</summary>
    public async Task<Dictionary<string, string>> MetadataAsync()
    {
        var answer = await _client.GetFromJsonAsync<JsonElement>("api/v1/metadata");
        return answer.GetProperty("data").EnumerateObject().ToDictionary(m => m.Name, m => m.Value[0].GetProperty("type").GetString()!);
    }

    /// <summary>The health, error and start (RFC 3339, the time of the samples it stored) of the target's last scrape.</summary>
    public async Task<(string Health, string LastError, string LastScrape)> TargetAsync()
    {
        var answer = await _client.GetFromJsonAsync<JsonElement>("api/v1/targets");
        var target = answer.GetProperty("data").GetProperty("activeTargets").EnumerateArray().Single();
        return (target.GetProperty("health").GetString()!, target.GetProperty("lastError").GetString()!, target.GetProperty("lastScrape").GetString()!);
    }

    [GeneratedRegex(@"msg=""Listening on"".*address=\S*:(\d+)")]
    private static partial Regex ListeningOn();

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        _directory.Dispose();
    }
}
