using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Benchmarks;

/// <summary>
/// The real collector as a child process (<c>dotnet exec ThreadedLogging.Collector.dll</c> of this build's
/// configuration, as the Delivery bench starts it) on a free loopback port, and the JsonBatch bodies it is sent.
/// </summary>
internal sealed class CollectorChild : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _data;

    private CollectorChild(Process process, string data, int port)
    {
        _process = process;
        _data = data;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"), Timeout = TimeSpan.FromMinutes(5) };
    }

    public HttpClient Client { get; }

    /// <summary>Starts a collector with more settings (e.g. <c>--Collector:Store=postgres</c>) and waits for <c>/health</c>.</summary>
    public static async Task<CollectorChild> StartAsync(params string[] settings)
    {
        var port = FreePort();
        var data = Path.Combine(Path.GetTempPath(), "tl-bench-collector-" + Guid.NewGuid().ToString("N"));
        var process = StartProcess(CollectorDll(), port, data, settings);
        var child = new CollectorChild(process, data, port);
        await WaitForHealthAsync(child.Client, process);
        return child;
    }

    /// <summary>Waits until the collector <paramref name="process"/> answers <c>/health</c> through <paramref name="client"/> (up to a minute).</summary>
    internal static async Task WaitForHealthAsync(HttpClient client, Process process)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var health = await client.GetAsync(new Uri("health", UriKind.Relative));
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (attempt < 600 && !process.HasExited)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }
    }

    /// <summary>A batch as the collector's JsonBatch envelope, gzipped, its timestamps mapped by <paramref name="time"/>.</summary>
    public static byte[] Body(IReadOnlyList<NewEvent> batch, Func<DateTimeOffset, DateTimeOffset>? time = null)
    {
        var envelope = new
        {
            batchId = Guid.NewGuid().ToString("N"),
            app = batch[0].App,
            version = batch[0].Version,
            machine = batch[0].Machine,
            instanceId = batch[0].InstanceId,
            events = batch.Select(e => new
            {
                timestamp = time is null ? e.Timestamp : time(e.Timestamp),
                level = e.Level.ToString(),
                category = e.Category,
                template = e.Template,
                message = e.Message,
                properties = JsonDocument.Parse(e.PropertiesJson!).RootElement,
                exception = e.ExceptionJson is null ? (JsonElement?)null : JsonDocument.Parse(e.ExceptionJson).RootElement,
                user = e.User,
                sequence = e.Sequence,
            }),
        };
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            JsonSerializer.Serialize(gzip, envelope);
        }

        return buffer.ToArray();
    }

    /// <summary>Posts <paramref name="bodies"/> spread over the collectors, <paramref name="concurrency"/> at a time per collector.</summary>
    /// <returns>The completion time of each body, from the start.</returns>
    public static async Task<List<TimeSpan>> SendAsync(IReadOnlyList<CollectorChild> collectors, IReadOnlyList<byte[]> bodies, int concurrency)
    {
        var next = -1;
        var done = new List<TimeSpan>(bodies.Count);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(collectors.SelectMany(c => Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            for (int i; (i = Interlocked.Increment(ref next)) < bodies.Count;)
            {
                using var content = new ByteArrayContent(bodies[i]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                content.Headers.ContentEncoding.Add("gzip");
                using var response = await c.Client.PostAsync(new Uri("api/events", UriKind.Relative), content);
                response.EnsureSuccessStatusCode();
                lock (done)
                {
                    done.Add(Stopwatch.GetElapsedTime(started));
                }
            }
        }))));
        done.Sort();
        return done;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    /// <summary>This build's collector dll (<c>src/ThreadedLogging.Collector/bin/&lt;configuration&gt;/net10.0/</c>).</summary>
    internal static string CollectorDll()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ThreadedLogging.sln")))
        {
            root = root.Parent;
        }

        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<configuration>/net10.0/
        return Path.Combine(root!.FullName, "src", "ThreadedLogging.Collector", "bin", configuration, "net10.0", "ThreadedLogging.Collector.dll");
    }

    /// <summary>Starts <paramref name="dll"/> on 127.0.0.1:<paramref name="port"/> with its data in <paramref name="data"/>; its errors go to this process's stderr.</summary>
    internal static Process StartProcess(string dll, int port, string data, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet", ["exec", dll, "--urls", $"http://127.0.0.1:{port}", "--data", data, "--Logging:LogLevel:Default=Warning", .. settings])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + dll);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("collector: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
