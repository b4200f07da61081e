using System.Text.Json;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Delivery.Tests.Support;

/// <summary>The real collector as a separate process on a fixed loopback port, so it can be killed (-9) and restarted.</summary>
public sealed class CollectorProcess : IAsyncDisposable
{
    private const string UnobservedTaskExceptionCategory = "System.Threading.Tasks.TaskScheduler.UnobservedTaskException";

    private readonly HttpClient _http = new();
    private readonly string[] _settings;
    private ChildProcess? _process;

    /// <param name="settings">More command-line settings (e.g. the store: <c>--Collector:Store=postgres</c>).</param>
    public CollectorProcess(params string[] settings)
    {
        _settings = settings;
        Port = FreeTcpPort.Next();
        DataDirectory = Path.Combine(Path.GetTempPath(), "tl-collector-" + Guid.NewGuid().ToString("N"));
        _http.BaseAddress = new Uri($"http://127.0.0.1:{Port}");
    }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    public string DataDirectory { get; }

    public async Task StartAsync()
    {
        _process = ChildProcess.Start("src/ThreadedLogging.Collector", "ThreadedLogging.Collector", ["--urls", $"http://127.0.0.1:{Port}", "--data", DataDirectory, .. _settings]);
        await _process.WaitForLineAsync("Now listening on");
        using var health = await _http.GetAsync("/health");
        health.EnsureSuccessStatusCode();
    }

    /// <summary>kill -9 of the collector: whatever it had not committed is gone, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>Every stored event of <paramref name="user"/> as its number N, sorted.</summary>
    public async Task<List<long>> EventNumbersAsync(string user)
    {
        var numbers = new List<long>();
        foreach (var item in await EventsAsync(user))
        {
            if (item.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty("N", out var n))
            {
                numbers.Add(n.GetInt64());
            }
        }

        numbers.Sort();
        return numbers;
    }

    /// <summary>
    /// Every stored event of <paramref name="user"/> as the read API gives it, newest first, following the keyset pages;
    /// without the unobserved task exceptions that the handlers' <c>CaptureUnhandledExceptions</c> (on by default) logged:
    /// those are the test process's, not the test's. The garbage collector finalizes a faulted task at any time, in
    /// whichever test is running then (NLog's <c>LogFactory.Shutdown</c> leaves its flush timeout's cancelled task
    /// unobserved), and every live handler logs it: one more event than the test logged.
    /// </summary>
    public async Task<List<JsonElement>> EventsAsync(string user)
    {
        var events = new List<JsonElement>();
        string? before = null;
        do
        {
            var url = $"/api/events?user={Uri.EscapeDataString(user)}&limit=1000" + (before is null ? "" : $"&before={Uri.EscapeDataString(before)}");
            using var document = JsonDocument.Parse(await _http.GetStringAsync(url));
            events.AddRange(document.RootElement.GetProperty("events").EnumerateArray()
                .Where(e => !(e.TryGetProperty("category", out var category) && category.ValueKind == JsonValueKind.String && category.GetString() == UnobservedTaskExceptionCategory))
                .Select(e => e.Clone()));
            var next = document.RootElement.GetProperty("next");
            before = next.ValueKind == JsonValueKind.Null ? null : next.ToString();
        }
        while (before is not null);

        return events;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _http.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
