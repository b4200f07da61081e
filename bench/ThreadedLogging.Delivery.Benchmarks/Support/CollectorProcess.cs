using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ThreadedLogging.Delivery.Benchmarks;

/// <summary>
/// The real collector (its Release build, next to this tool's build) as a child process on a free
/// loopback port with a fresh data directory, as <c>tests/ThreadedLogging.Delivery.Tests</c> starts it.
/// </summary>
public sealed class CollectorProcess : IAsyncDisposable
{
    /// <summary>One query page: large, so counting 200,000 events takes a few requests, not hundreds.</summary>
    public const int PageSize = 10_000;

    private readonly Process _process;
    private readonly HttpClient _http;
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private CollectorProcess(Process process, int port, string dataDirectory)
    {
        _process = process;
        Port = port;
        DataDirectory = dataDirectory;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
    }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    public string DataDirectory { get; }

    /// <summary>Gets the CPU time the collector process has used so far (user + system).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The collector's dll: <c>src/ThreadedLogging.Collector/bin/&lt;configuration&gt;/net10.0/</c> of the repository this tool was built in.</summary>
    public static string FindAssembly()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ThreadedLogging.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException($"No ThreadedLogging.sln above {AppContext.BaseDirectory}.");
        }

#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dll = Path.Combine(root.FullName, "src", "ThreadedLogging.Collector", "bin", configuration, "net10.0", "ThreadedLogging.Collector.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the collector first ({configuration}).", dll);
    }

    public static async Task<CollectorProcess> StartAsync()
    {
        var dll = FindAssembly();
        var port = FreePort();
        var data = Path.Combine(Path.GetTempPath(), "tl-delivery-collector-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet", ["exec", dll, "--urls", $"http://127.0.0.1:{port}", "--data", data, $"--Collector:MaxQueryLimit={PageSize}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = new Process { StartInfo = start };
        var collector = new CollectorProcess(process, port, data);
        process.OutputDataReceived += (_, e) => collector.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => collector.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await collector._listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using var health = await collector._http.GetAsync(new Uri("/health", UriKind.Relative));
            health.EnsureSuccessStatusCode();
        }
        catch
        {
            await collector.DisposeAsync();
            throw;
        }

        return collector;
    }

    /// <summary>Reads every stored event of <paramref name="user"/> through <c>GET /api/events</c>, following <c>next</c> with <c>before</c>.</summary>
    /// <returns>The values of the <c>N</c> property of the stored events (one per stored event, duplicates included).</returns>
    public async Task<List<long>> EventNumbersAsync(string user)
    {
        var numbers = new List<long>();
        string? before = null;
        do
        {
            var url = $"/api/events?user={Uri.EscapeDataString(user)}&limit={PageSize}" + (before is null ? "" : $"&before={Uri.EscapeDataString(before)}");
            await using var body = await _http.GetStreamAsync(new Uri(url, UriKind.Relative));
            using var document = await JsonDocument.ParseAsync(body);
            foreach (var item in document.RootElement.GetProperty("events").EnumerateArray())
            {
                numbers.Add(item.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty("N", out var n)
                    ? n.GetInt64()
                    : -1);
            }

            var next = document.RootElement.GetProperty("next");
            before = next.ValueKind == JsonValueKind.Null ? null : next.ToString();
        }
        while (before is not null);

        return numbers;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (line.Contains("Now listening on", StringComparison.Ordinal))
        {
            _listening.TrySetResult();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
