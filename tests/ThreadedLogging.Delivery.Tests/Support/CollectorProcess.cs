using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ThreadedLogging.Delivery.Tests.Support;

/// <summary>
/// The real collector as a separate process on loopback, so it can be killed (-9) and restarted. Its first start binds
/// port 0 and reads the port it was given from its "Now listening on" line (no port picked before the process binds,
/// which another process could take meanwhile). A restart binds that same port, which the clients were given: between
/// the kill and the restart the port is held (bound, not listening: a client's connection is refused as when nothing is
/// there, and neither port 0 nor a client's own port is handed it), and a restart that finds it taken anyway tries again.
/// </summary>
public sealed class CollectorProcess : IAsyncDisposable
{
    private const string UnobservedTaskExceptionCategory = "System.Threading.Tasks.TaskScheduler.UnobservedTaskException";
    private const string Listening = "Now listening on: ";

    // A bound against a hang, not a speed check: the test classes start their collectors at once, and on a machine shared
    // by several test runs (2 cores, load 55) a start took longer than the 60 s a line is waited for by default
    // (ForeignFrameworkTests' and MultiCollectorTests' collectors, "No line with 'Now listening on: '").
    private static readonly TimeSpan StartBound = TimeSpan.FromMinutes(4);

    /// <summary>How many starts on a port found taken before giving up (each is a process start, not a wait).</summary>
    private const int StartsOnATakenPort = 10;

    private readonly HttpClient _http = new();
    private readonly string[] _settings;
    private ChildProcess? _process;
    private Socket? _heldPort;
    private int _port;

    /// <param name="settings">More command-line settings (e.g. the store: <c>--Collector:Store=postgres</c>).</param>
    public CollectorProcess(params string[] settings)
    {
        _settings = settings;
        DataDirectory = Path.Combine(Path.GetTempPath(), "tl-collector-" + Guid.NewGuid().ToString("N"));
    }

    /// <summary>Gets the port the collector listens on, known once it has started.</summary>
    public int Port => _port != 0 ? _port : throw new InvalidOperationException("The collector's port is known once it has started: it binds port 0.");

    public string Host => $"127.0.0.1:{Port}";

    public string DataDirectory { get; }

    /// <summary>Starts the collector (the first time on port 0, then on the same port) and returns once it listens and answers /health.</summary>
    public async Task StartAsync()
    {
        for (var start = 1; ; start++)
        {
            _heldPort?.Dispose();
            _heldPort = null;
            _process = ChildProcess.Start("src/ThreadedLogging.Collector", "ThreadedLogging.Collector", ["--urls", $"http://127.0.0.1:{_port}", "--data", DataDirectory, .. _settings]);
            try
            {
                var line = await _process.WaitForLineAsync(Listening, StartBound);
                if (_port == 0)
                {
                    _port = new Uri(line[(line.IndexOf(Listening, StringComparison.Ordinal) + Listening.Length)..].Trim()).Port;
                    _http.BaseAddress = new Uri($"http://{Host}");
                }

                break;
            }
            catch (ChildExitedException) when (_port != 0 && start < StartsOnATakenPort && _process.Output.Any(l => l.Contains("address already in use", StringComparison.Ordinal)))
            {
                await KillAsync(); // another process bound the port before the restart: try again
            }
        }

        using var health = await _http.GetAsync("/health");
        health.EnsureSuccessStatusCode();
    }

    /// <summary>kill -9 of the collector: whatever it had not committed is gone, as in a crash. Its port is held for the restart.</summary>
    public async Task KillAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
            HoldPort();
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
        _heldPort?.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Binds the killed collector's port without listening, until the restart: connections to it are refused, as to
    /// nothing, and the system hands it to no one else (port 0, a client's own port). Address reuse as Kestrel's, so
    /// that the killed collector's connections in TIME_WAIT do not stand in the way. Best effort: a port taken in the
    /// moment since the kill is found by the restart.
    /// </summary>
    private void HoldPort()
    {
        if (_port == 0)
        {
            return;
        }

        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, _port));
            _heldPort = socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
        }
    }
}
