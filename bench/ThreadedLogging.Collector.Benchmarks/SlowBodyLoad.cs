using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ThreadedLogging.Collector.Benchmarks;

/// <summary>
/// Issue 15 §1: a normal client's ingest latency with and without connections that trickle their bodies,
/// against the real collector as its own process (its RSS read from /proc). Each trickler declares a 10 MB
/// body and sends 150 bytes every 100 ms (1.5 KB/s, just above the default minimum rate), reconnecting as
/// soon as the collector drops it (408 after RequestBodyTimeout).
/// <code>dotnet run -c Release --project bench/ThreadedLogging.Collector.Benchmarks -- --slow-bodies [--tricklers 70] [--requests 2000] [--collector-dll path] [--no-volley]</code>
/// </summary>
internal static class SlowBodyLoad
{
    public static async Task RunAsync(string[] args)
    {
        var tricklers = Arg(args, "--tricklers", 70);
        var requests = Arg(args, "--requests", 2000);
        var data = Path.Combine(Path.GetTempPath(), "tl-slow-bodies-" + Guid.NewGuid().ToString("N"));
        var port = CollectorChild.FreePort();
        using var collector = StartCollector(port, data, args);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            await WaitHealthyAsync(client);
            using var rss = new RssSampler(collector.Id);

            await MeasureAsync(client, 300, "warm-up");
            var baseline = await MeasureAsync(client, requests, "baseline");

            using var stop = new CancellationTokenSource();
            var counters = new TrickleCounters();
            var running = Enumerable.Range(0, tricklers).Select(i => TrickleAsync(port, counters, stop.Token)).ToList();
            while (Volatile.Read(ref counters.Open) < tricklers)
            {
                await Task.Delay(50);
            }

            var loaded = await MeasureAsync(client, requests, $"under {tricklers} tricklers");
            await stop.CancelAsync();
            await Task.WhenAll(running);

            Console.WriteLine($"Normal client, {requests} sequential JSON batches of 20 events:");
            Console.WriteLine($"  baseline:          {baseline}");
            Console.WriteLine($"  {tricklers} tricklers:      {loaded}");
            Console.WriteLine($"  p99 ratio: {loaded.P99 / baseline.P99:F2} (target <= 2)");
            Console.WriteLine($"Tricklers: {counters.Connections} connections, {counters.BytesSent / 1024:N0} KiB sent, answers: {string.Join(", ", counters.Answers.OrderBy(a => a.Key).Select(a => $"{a.Key} x{a.Value}"))}");
            Console.WriteLine($"Collector RSS through the trickle phases: max sampled {rss.MaxKib / 1024.0:F0} MiB, peak (VmHWM) {RssSampler.Read(collector.Id, "VmHWM:") / 1024.0:F0} MiB");

            // Issue 15's heaviest inputs, four of each at once: RSS must stay below 512 MB through them too.
            // (--no-volley against a collector from before issue 15: there '%100000s'*1000 renders 100 MB and %o takes minutes.)
            if (args.Contains("--no-volley"))
            {
                return;
            }

            var volley = await AttackVolleyAsync(client);
            Console.WriteLine($"Attack volley (4 at once each: 10 MB bodies, 1 GB gzip bombs, '%100000s'*1000 forms, 60,000-digit %o): {volley}");
            Console.WriteLine($"Collector RSS after the volley: max sampled {rss.MaxKib / 1024.0:F0} MiB, peak (VmHWM) {RssSampler.Read(collector.Id, "VmHWM:") / 1024.0:F0} MiB");
        }
        finally
        {
            collector.Kill(entireProcessTree: true);
            await collector.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<Latency> MeasureAsync(HttpClient client, int requests, string phase)
    {
        var times = new List<double>(requests);
        var failures = new Dictionary<int, int>();
        for (var i = 0; i < requests; i++)
        {
            using var content = new StringContent(Batch(phase, i), Encoding.UTF8, "application/json");
            var started = Stopwatch.GetTimestamp();
            using var response = await client.PostAsync(new Uri("log/normal", UriKind.Relative), content);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (!response.IsSuccessStatusCode)
            {
                failures[(int)response.StatusCode] = failures.GetValueOrDefault((int)response.StatusCode) + 1;
            }
        }

        times.Sort();
        return new Latency(times[times.Count / 2], times[(int)(times.Count * 0.99)], times[^1], failures);
    }

    private static async Task<string> AttackVolleyAsync(HttpClient client)
    {
        // Just within the defaults: 9999 events (MaxEventsPerBatch 10000) of ~1 KB, 10.3 MB (MaxRequestBodyBytes 10 MiB).
        var bigLine = "{\"message\":\"" + new string('m', 1020) + "\"}\n";
        var big = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(bigLine, 9999)));
        byte[] bomb;
        using (var compressed = new MemoryStream())
        {
            using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.SmallestSize))
            {
                var zeros = new byte[1024 * 1024];
                for (var i = 0; i < 1024; i++)
                {
                    gzip.Write(zeros);
                }
            }

            bomb = compressed.ToArray();
        }

        var widths = "msg=" + Uri.EscapeDataString(string.Concat(Enumerable.Repeat("%100000s", 1000))) + "&args=" + Uri.EscapeDataString("(" + string.Join(", ", Enumerable.Repeat("'a'", 1000)) + ")");
        var bigInt = "msg=" + Uri.EscapeDataString(string.Concat(Enumerable.Repeat("%o", 1000))) + "&args=" + Uri.EscapeDataString("(" + new string('7', 60_000) + ",)");
        var statuses = new Dictionary<int, int>();
        async Task SendAsync(byte[] body, string contentType, string? encoding)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            if (encoding is not null)
            {
                content.Headers.ContentEncoding.Add(encoding);
            }

            using var response = await client.PostAsync(new Uri("log/volley", UriKind.Relative), content);
            lock (statuses)
            {
                statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
            }
        }

        var all = new List<Task>();
        for (var i = 0; i < 4; i++)
        {
            all.Add(SendAsync(big, "application/x-ndjson", null));
            all.Add(SendAsync(bomb, "application/x-ndjson", "gzip"));
            all.Add(SendAsync(Encoding.ASCII.GetBytes(widths), "application/x-www-form-urlencoded", null));
            all.Add(SendAsync(Encoding.ASCII.GetBytes(bigInt), "application/x-www-form-urlencoded", null));
        }

        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(all);
        return $"{Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s, answers {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}"))}";
    }

    private static string Batch(string phase, int request)
    {
        var events = Enumerable.Range(0, 20).Select(e =>
            $"{{\"level\":\"Information\",\"category\":\"Bench.Normal\",\"message\":\"{phase} request {request} event {e}: order shipped to customer {e * 7919 % 10007}\",\"properties\":{{\"OrderId\":{request * 20 + e}}}}}");
        return "{\"app\":\"Bench\",\"machine\":\"PC-1\",\"events\":[" + string.Join(",", events) + "]}";
    }

    private static async Task TrickleAsync(int port, TrickleCounters counters, CancellationToken stop)
    {
        var piece = Encoding.ASCII.GetBytes(new string(' ', 150));
        var buffer = new byte[4096];
        var counted = false;
        while (!stop.IsCancellationRequested)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port, stop);
                Interlocked.Increment(ref counters.Connections);
                await socket.SendAsync(Encoding.ASCII.GetBytes($"POST /log/trickler HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-ndjson\r\nContent-Length: 10485760\r\n\r\n"), SocketFlags.None, stop);
                if (!counted)
                {
                    counted = true;
                    Interlocked.Increment(ref counters.Open);
                }

                var answer = socket.ReceiveAsync(buffer, SocketFlags.None, stop).AsTask();
                while (!answer.IsCompleted)
                {
                    await socket.SendAsync(piece, SocketFlags.None, stop);
                    Interlocked.Add(ref counters.BytesSent, piece.Length);
                    await Task.WhenAny(answer, Task.Delay(100, stop));
                }

                var read = await answer;
                var status = read >= 12 ? Encoding.ASCII.GetString(buffer, 9, 3) : "closed";
                lock (counters.Answers)
                {
                    counters.Answers[status] = counters.Answers.GetValueOrDefault(status) + 1;
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                // Stopped, or dropped by the collector: reconnect.
            }
        }
    }

    /// <summary>The collector of <c>--collector-dll</c> (an earlier build, for a before/after), else this build's.</summary>
    private static Process StartCollector(int port, string data, string[] args) =>
        CollectorChild.StartProcess(args.SkipWhile(a => a != "--collector-dll").Skip(1).FirstOrDefault() ?? CollectorChild.CollectorDll(), port, data);

    private static async Task WaitHealthyAsync(HttpClient client)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            try
            {
                using var response = await client.GetAsync(new Uri("health", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("The collector did not become healthy.");
    }


    private static int Arg(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record Latency(double P50, double P99, double Max, Dictionary<int, int> Failures)
    {
        public override string ToString() =>
            $"p50 {P50:F2} ms, p99 {P99:F2} ms, max {Max:F1} ms, non-2xx: {(Failures.Count == 0 ? "none" : string.Join(", ", Failures.Select(f => $"{f.Key} x{f.Value}")))}";
    }

    private sealed class TrickleCounters
    {
        public int Open;
        public int Connections;
        public long BytesSent;

        public Dictionary<string, int> Answers { get; } = [];
    }

    /// <summary>Samples a process's resident set (VmRSS) every 200 ms.</summary>
    private sealed class RssSampler : IDisposable
    {
        private readonly Timer _timer;
        private long _maxKib;

        public RssSampler(int pid)
        {
            _timer = new Timer(_ => Sample(pid), null, 0, 200);
        }

        public long MaxKib => Volatile.Read(ref _maxKib);

        public static long Read(int pid, string field)
        {
            try
            {
                var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
                return line is null ? 0 : long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                return 0;
            }
        }

        public void Dispose() => _timer.Dispose();

        private void Sample(int pid)
        {
            var kib = Read(pid, "VmRSS:");
            long seen;
            while (kib > (seen = Volatile.Read(ref _maxKib)) && Interlocked.CompareExchange(ref _maxKib, kib, seen) != seen)
            {
            }
        }
    }
}
